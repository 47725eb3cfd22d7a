import { z } from 'zod'

// Monato settings from the environment, checked when the provider is built.

const Settings = z.object({
  // Monato's own doc examples fail the CLABE check digit; `off` accepts them
  MONATO_CLABE_CHECK: z.enum(['on', 'off']).default('on'),
  MONATO_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  MONATO_WEBHOOK_TOKEN: z.string().min(1).optional(),
})

export function readMonatoSettings(env: NodeJS.ProcessEnv) {
  const parsed = Settings.safeParse({
    MONATO_CLABE_CHECK: env.MONATO_CLABE_CHECK || undefined,
    MONATO_WEBHOOK_URL: env.MONATO_WEBHOOK_URL || undefined,
    MONATO_WEBHOOK_TOKEN: env.MONATO_WEBHOOK_TOKEN || undefined,
  })
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  return {
    clabeCheck: parsed.data.MONATO_CLABE_CHECK === 'on',
    webhookUrl: parsed.data.MONATO_WEBHOOK_URL,
    webhookToken: parsed.data.MONATO_WEBHOOK_TOKEN,
  }
}
