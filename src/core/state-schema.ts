import { z } from 'zod'
import type { ProviderModule } from '../providers/types.js'
import { jsonPath } from './json-path.js'
import { byId, referenceChecker } from './state-schema-kit.js'

// The whole sandbox state as a zod schema: the core part (jobs, idempotency records, webhook deliveries)
// and each provider's slice (ProviderModule.stateSchema). A snapshot (or a data file) is checked against it
// before it replaces anything.

const job = z.object({ id: z.number().int().min(1), dueAt: z.number(), type: z.string().min(1), ref: z.string() })

const idempotencyRecord = z.object({
  fingerprint: z.string(),
  expiresAt: z.number(),
  response: z.object({ status: z.number().int().min(100).max(599), text: z.string().optional(), headers: z.record(z.string(), z.string()) }).optional(),
})

const delivery = z.object({
  id: z.string().min(1),
  provider: z.string().min(1),
  eventId: z.string(),
  eventType: z.string(),
  resourceId: z.string().nullable(),
  endpointId: z.string().nullable(),
  url: z.string(),
  // parsed again whenever the log is listed
  body: z.string().refine(isJsonText, 'must be JSON text'),
  status: z.enum(['pending', 'succeeded', 'failed', 'refused']),
  attempts: z.array(z.object({ at: z.string(), url: z.string(), statusCode: z.number().int().nullable(), error: z.string().nullable(), durationMs: z.number(), headers: z.record(z.string(), z.string()).optional() })),
  createdAt: z.string(),
})

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

export const coreStateSchema = z
  .object({
    jobs: byId(job),
    nextJobId: z.number().int().min(1),
    idempotency: z.object({ records: z.record(z.string(), idempotencyRecord) }),
    webhooks: z.object({ deliveries: byId(delivery), order: z.array(z.string()) }),
  })
  .superRefine((core, ctx) => {
    const check = referenceChecker(ctx)
    // a job numbered at or past nextJobId would be overwritten by the next one scheduled
    for (const key in core.jobs) if (core.jobs[key]!.id >= core.nextJobId) check.report(['jobs', key, 'id'], `must be below nextJobId (${core.nextJobId})`)
    core.webhooks.order.forEach((id, i) => {
      if (!Object.hasOwn(core.webhooks.deliveries, id)) check.report(['webhooks', 'order', i], `no delivery ${id}`)
    })
  })

const schemas = new WeakMap<ProviderModule[], z.ZodType>()

/** the whole state: `core` and a slice per provider */
export function sandboxStateSchema(modules: ProviderModule[]): z.ZodType {
  let schema = schemas.get(modules)
  if (!schema) {
    schema = z.object({ core: coreStateSchema, ...Object.fromEntries(modules.map((m) => [m.name, m.stateSchema])) })
    schemas.set(modules, schema)
  }
  return schema
}

/** problems are listed up to this many */
export const MAX_STATE_ISSUES = 20

export type StateCheck = { ok: true } | { ok: false; issues: string[] }

/**
 * Checks a whole state (a snapshot's `state`, a data file) without changing it; `at` prefixes the JSON paths
 * of the problems (e.g. `['state']`), which are listed up to MAX_STATE_ISSUES.
 */
export function validateState(modules: ProviderModule[], value: unknown, at: PropertyKey[] = []): StateCheck {
  const result = sandboxStateSchema(modules).safeParse(value)
  if (result.success) return { ok: true }
  const all = fairShare(result.error.issues)
  const issues = all.slice(0, MAX_STATE_ISSUES).map((i) => `${jsonPath([...at, ...i.path])}: ${i.message}`)
  if (all.length > MAX_STATE_ISSUES) issues[MAX_STATE_ISSUES - 1] = `… and ${all.length - MAX_STATE_ISSUES + 1} more problems`
  return { ok: false, issues }
}

/** the issues of each slice in turn, so a hollow `core` does not hide what is wrong with the providers' slices */
function fairShare<T extends { path: PropertyKey[] }>(issues: T[]): T[] {
  const bySlice = new Map<PropertyKey | undefined, T[]>()
  for (const issue of issues) {
    const list = bySlice.get(issue.path[0]) ?? []
    list.push(issue)
    bySlice.set(issue.path[0], list)
  }
  const lists = [...bySlice.values()]
  const out: T[] = []
  for (let i = 0; out.length < issues.length; i++) for (const list of lists) if (i < list.length) out.push(list[i]!)
  return out
}
