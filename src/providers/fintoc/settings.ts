import { z } from 'zod'

// Fintoc settings from the environment, checked when the provider is built.

const Settings = z.object({
  FINTOC_SETTLE_DELAY_MS: z.coerce.number().int().min(0).default(1000),
})

export function readSettings(env: NodeJS.ProcessEnv) {
  const parsed = Settings.safeParse({ FINTOC_SETTLE_DELAY_MS: env.FINTOC_SETTLE_DELAY_MS || undefined })
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  return { settleDelayMs: parsed.data.FINTOC_SETTLE_DELAY_MS }
}
