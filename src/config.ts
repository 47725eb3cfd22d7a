import { parseArgs } from 'node:util'
import { z } from 'zod'
import { FLAGS, type FlagName } from './config-flags.js'

// Configuration from env vars and CLI flags (flags win), validated once at boot. Every problem is reported in
// one format, on one line: `invalid configuration: <flag or env var as given>: <what is wrong>`.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface Config {
  port: number
  host: string
  /** scenario files as the user wrote them, applied in order */
  scenarios: string[]
  /** a whole scenario as JSON text, applied after the files */
  scenarioJson?: string
  dataFile?: string
  clock: 'real' | 'manual'
  logLevel: LogLevel
  /** unset: pretty on a terminal, JSON lines otherwise */
  logFormat?: LogFormat
  adminToken?: string
  /** the flag or env var each setting came from (`--port`, `PORT`); absent: its default */
  given: Partial<Record<FlagName, string>>
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    message: string,
    /** the command line is at fault (not only env vars): the usage helps */
    readonly commandLine = false,
  ) {
    super(message)
  }
}

export const DEFAULT_SCENARIO = 'data/scenarios/default.json'

export interface CommandLine {
  help: boolean
  version: boolean
  values: Partial<Record<FlagName, string | string[]>>
}

const PORT_RANGE = 'must be between 1 and 65535 (0 picks a free port)'
const CHECKS: Partial<Record<FlagName, z.ZodType>> = {
  port: z.string().trim().regex(/^\d+$/, PORT_RANGE).transform(Number).refine((n) => n <= 65535, PORT_RANGE),
  host: z.string().trim().min(1, 'must not be empty'),
  'data-file': z.string().min(1, 'must not be empty'),
  'admin-token': z.string().min(1, 'must not be empty'),
  clock: z.enum(['real', 'manual'], { error: 'must be real or manual' }),
  'log-level': z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  'log-format': z.enum(LOG_FORMATS, { error: 'must be json or pretty' }),
}

/** parseArgs' error reworded as `<option>: <what is wrong>`, the one format of configuration problems */
function commandLineProblem(err: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? ''
  // `-p, --port <value>`: the long name
  const option = /--[\w-]+/.exec(quoted)?.[0] ?? quoted
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${option}: unknown option`
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `${quoted}: unexpected argument (every option starts with --)`
  if (/does not take an argument/.test(err.message)) return `${option}: takes no value`
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${option}: needs a value`
  return err.message.split('\n')[0]!
}

export function parseCommandLine(argv: string[]): CommandLine {
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>
  try {
    const options = Object.fromEntries(FLAGS.map((f) => [f.name, { type: f.type, ...('short' in f ? { short: f.short } : {}), ...('multiple' in f ? { multiple: true } : {}) }]))
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${commandLineProblem(err as Error)}`, true)
  }
  const strings = Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string' || Array.isArray(v))) as CommandLine['values']
  return { help: values.help === true, version: values.version === true, values: strings }
}

export function configFrom(env: NodeJS.ProcessEnv, commandLine: CommandLine): Config {
  const given: Config['given'] = {}
  const problems: string[] = []
  /** the flag's value, else the env var's (empty = unset), checked; undefined when neither is given */
  const pick = <T = string>(name: FlagName): T | undefined => {
    const spec = FLAGS.find((f) => f.name === name)!
    const fromFlag = commandLine.values[name]
    const fromEnv = 'env' in spec ? env[spec.env] : undefined
    const [raw, source] = fromFlag !== undefined ? [fromFlag, `--${name}`] : fromEnv ? [fromEnv, (spec as { env: string }).env] : [undefined, undefined]
    if (raw === undefined || source === undefined) return undefined
    given[name] = source
    const check = CHECKS[name]
    if (!check) return raw as T
    const parsed = check.safeParse(raw)
    if (parsed.success) return parsed.data as T
    problems.push(`${source}: ${parsed.error.issues[0]!.message}`)
    return undefined
  }
  const scenarioValues = pick<string | string[]>('scenario')
  // several files per value, comma-separated, as SCENARIO always took them
  const scenarios = scenarioValues === undefined ? [DEFAULT_SCENARIO] : [scenarioValues].flat().flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean)
  if (scenarioValues !== undefined && scenarios.length === 0) problems.push(`${given.scenario}: must name at least one file`)
  const config: Config = {
    port: pick<number>('port') ?? 4010,
    host: pick('host') ?? '127.0.0.1',
    scenarios,
    scenarioJson: pick('scenario-json'),
    dataFile: pick('data-file'),
    clock: pick<Config['clock']>('clock') ?? 'real',
    logLevel: pick<LogLevel>('log-level') ?? 'info',
    logFormat: pick<LogFormat>('log-format'),
    adminToken: pick('admin-token'),
    given,
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`, problems.some((p) => p.startsWith('--')))
  return config
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  return configFrom(env, parseCommandLine(argv))
}
