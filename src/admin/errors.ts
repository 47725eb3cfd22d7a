import type { z } from 'zod'
import { jsonPath } from '../scenario/load.js'

// Control-API errors answer {"error":{"message","issues"}}.

export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message)
  }
}

export function parseAdminBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (!result.success) throw new AdminError(400, 'invalid request body', result.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`))
  return result.data
}
