import type { z } from 'zod'

// Reads the variables a zod object schema names from the environment (empty = unset); a bad value
// throws one message naming every variable at fault.
export function readEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const raw = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]))
  const parsed = schema.safeParse(raw)
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  return parsed.data
}
