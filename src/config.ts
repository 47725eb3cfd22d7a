import { parseArgs } from 'node:util'
import { z } from 'zod'

// Configuration from env vars and CLI flags (flags win), validated once at boot.

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const ConfigSchema = z.object({
  port: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0).max(65535),
  host: z.string().min(1),
  scenarios: z.array(z.string().min(1)),
  dataFile: z.string().min(1).optional(),
  clock: z.enum(['real', 'manual']),
  logLevel: z.enum(LOG_LEVELS),
})

export type Config = z.infer<typeof ConfigSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const FLAGS = {
  port: { type: 'string', env: 'PORT' },
  host: { type: 'string', env: 'HOST' },
  scenario: { type: 'string', env: 'SCENARIO' },
  'data-file': { type: 'string', env: 'DATA_FILE' },
  clock: { type: 'string', env: 'CLOCK' },
  'log-level': { type: 'string', env: 'LOG_LEVEL' },
} as const

export const DEFAULT_SCENARIO = 'data/scenarios/default.json'

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  let flags: Record<string, string | boolean | undefined>
  try {
    flags = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(FLAGS).map(([k, v]) => [k, { type: v.type }])),
      strict: true,
    }).values
  } catch (err) {
    throw new ConfigError(`invalid command line: ${(err as Error).message}`)
  }
  const pick = (name: keyof typeof FLAGS): string | undefined => {
    const fromFlag = flags[name]
    if (typeof fromFlag === 'string') return fromFlag
    const fromEnv = env[FLAGS[name].env]
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv
  }
  const scenario = pick('scenario')
  const raw = {
    port: pick('port') ?? 4010,
    host: pick('host') ?? '127.0.0.1',
    // several scenario files may be given, comma-separated
    scenarios: (scenario ?? DEFAULT_SCENARIO).split(',').map((s) => s.trim()).filter(Boolean),
    dataFile: pick('data-file'),
    clock: pick('clock') ?? 'real',
    logLevel: pick('log-level') ?? 'info',
  }
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const envName: Record<string, string> = {
      port: 'PORT', host: 'HOST', scenarios: 'SCENARIO', dataFile: 'DATA_FILE', clock: 'CLOCK', logLevel: 'LOG_LEVEL',
    }
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '')
      return `  ${envName[key] ?? key}: ${i.message}`
    })
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  return parsed.data
}
