import { z } from 'zod'

// Monato settings from the environment, checked when the provider is built.

const Settings = z.object({
  // Monato's own doc examples fail the CLABE check digit; `off` accepts them
  MONATO_CLABE_CHECK: z.enum(['on', 'off']).default('on'),
})

export function readMonatoSettings(env: NodeJS.ProcessEnv) {
  const parsed = Settings.safeParse({ MONATO_CLABE_CHECK: env.MONATO_CLABE_CHECK || undefined })
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  return { clabeCheck: parsed.data.MONATO_CLABE_CHECK === 'on' }
}
