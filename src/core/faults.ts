import { z } from 'zod'
import { ApiError, type ErrorKind } from './errors.js'
import type { IdGenerator } from './ids.js'

// Fault injection: rules that break matching provider requests on purpose — an error in the
// provider's own envelope, added latency, or a dropped connection — always, by probability, or for
// the next N requests.

export const FaultRuleSchema = z
  .object({
    provider: z.string().min(1).optional(),
    method: z.string().min(1).optional(),
    /** `*` matches within a path segment, `**` across segments; e.g. `/v2/transfers*` */
    path: z.string().min(1).default('**'),
    probability: z.number().min(0).max(1).optional(),
    times: z.number().int().min(1).optional(),
    status: z.number().int().min(400).max(599).optional(),
    code: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
    latency_ms: z.number().int().min(1).max(600_000).optional(),
    drop: z.literal(true).optional(),
  })
  .strict()
  .refine((r) => [r.status, r.latency_ms, r.drop].filter((x) => x !== undefined).length >= 1, 'a rule needs an effect: status, latency_ms or drop')
  .refine((r) => !(r.status !== undefined && r.drop), 'status and drop exclude each other')

export type FaultRuleInput = z.input<typeof FaultRuleSchema>
export type FaultRule = z.output<typeof FaultRuleSchema> & { id: string; remaining: number | null; matched: number }

export type FaultEffect = { latencyMs: number; error?: ApiError; drop: boolean }

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  503: 'unavailable',
}

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split('**')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
      .join('.*')}$`,
  )

export function createFaults(ids: IdGenerator, random: () => number = Math.random) {
  let rules: FaultRule[] = []
  return {
    add(input: FaultRuleInput): FaultRule {
      const parsed = FaultRuleSchema.parse(input)
      const rule: FaultRule = { ...parsed, id: ids.prefixed('fault'), remaining: parsed.times ?? null, matched: 0 }
      rules.push(rule)
      return rule
    },
    list: () => rules.map((r) => ({ ...r })),
    clear() {
      rules = []
    },
    /** the effect for a request to `provider` at `path` (below the provider prefix), if a rule fires */
    match(provider: string, method: string, path: string): FaultEffect | undefined {
      for (const rule of rules) {
        if (rule.provider && rule.provider !== provider) continue
        if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue
        if (!globToRegExp(rule.path).test(path)) continue
        if (rule.remaining === 0) continue
        if (rule.probability !== undefined && random() >= rule.probability) continue
        if (rule.remaining !== null) rule.remaining--
        rule.matched++
        const error =
          rule.status === undefined
            ? undefined
            : new ApiError(KIND_BY_STATUS[rule.status] ?? 'internal', rule.message ?? `Injected fault: ${rule.status}`, { status: rule.status, ...(rule.code ? { code: rule.code } : {}) })
        return { latencyMs: rule.latency_ms ?? 0, error, drop: rule.drop === true }
      }
      return undefined
    },
  }
}

export type Faults = ReturnType<typeof createFaults>
