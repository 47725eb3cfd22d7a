import { createHash } from 'node:crypto'
import type { Clock } from './clock.js'
import type { ApiError } from './errors.js'
import type { Operation } from './spec/operations.js'
import { createSweep } from './sweep.js'

// Idempotency keys: the first response (success or error) is stored per scope + key and replayed
// for an identical retry; a different request under the same key, or a retry while the first is
// still running, is refused. Records live in the state, so they persist and expire on the sandbox clock.

export const IDEMPOTENCY_HEADER = 'idempotency-key'

export interface StoredResponse {
  status: number
  /** the JSON body as sent: one string is far smaller in memory than its object tree, and replays byte for byte */
  text: string | undefined
  headers: Record<string, string>
}

export interface IdempotencyRecord {
  fingerprint: string
  expiresAt: number
  response?: StoredResponse
}

export interface IdempotencyState {
  records: Record<string, IdempotencyRecord>
}

export const initialIdempotencyState = (): IdempotencyState => ({ records: {} })

/** How a provider wants keys handled. */
export interface IdempotencyPolicy {
  ttlMs: number
  /** who the key belongs to, e.g. the organization of the API key */
  scope(principal: unknown): string
  /** refuses a malformed key (the refusal is not stored) */
  checkKey?(key: string, operation: Operation, rawBody: Buffer | undefined, principal: unknown): void
  mismatch(): ApiError
  inProgress(): ApiError
}

export type Begin =
  | { kind: 'none' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'first'; complete(response: StoredResponse): Promise<void>; abandon(): Promise<void> }

/** a record's id: the scope the key belongs to, then the key */
const recordId = (scope: string, key: string) => `${scope}\u0000${key}`
export const scopeOfRecord = (id: string): string => id.slice(0, id.indexOf('\u0000'))

export const declaresIdempotency = (operation: Operation) =>
  operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === IDEMPOTENCY_HEADER)

export function createIdempotency(deps: { clock: Clock; update: <R>(fn: (s: IdempotencyState) => R, options?: { durable?: boolean }) => Promise<R> }) {
  const sweep = createSweep(1000)
  // claims whose request is running in this process: a stored claim without a response that is not here was
  // left by a crash or by a write the disk refused, nothing was answered from it, and it may be claimed again
  const running = new Set<string>()
  return async function begin(policy: IdempotencyPolicy, input: {
    operation: Operation
    method: string
    path: string
    key: string | undefined
    rawBody: Buffer | undefined
    principal: unknown
  }): Promise<Begin> {
    const { key } = input
    if (key === undefined || !declaresIdempotency(input.operation)) return { kind: 'none' }
    policy.checkKey?.(key, input.operation, input.rawBody, input.principal)
    const id = recordId(policy.scope(input.principal), key)
    const fingerprint = createHash('sha256')
      .update(`${input.method} ${input.path}\n`)
      .update(input.rawBody ?? Buffer.alloc(0))
      .digest('hex')
    const now = deps.clock.now()
    // check and claim in one update: of two concurrent first requests, exactly one gets to run
    const outcome = await deps.update((s) => {
      const existing = s.records[id]
      if (existing && existing.expiresAt > now && (existing.response || running.has(id))) {
        if (existing.fingerprint !== fingerprint) throw policy.mismatch()
        if (!existing.response) throw policy.inProgress()
        return existing.response
      }
      sweep(s.records, (r) => r.expiresAt <= now)
      s.records[id] = { fingerprint, expiresAt: now + policy.ttlMs }
      return undefined
      // the claim need not reach the disk first: the completion (or abandon) write that follows carries it
    }, { durable: false })
    if (outcome) return { kind: 'replay', response: outcome }
    running.add(id)
    const store = (response: StoredResponse) =>
      deps.update((s) => {
        const r = s.records[id]
        if (r) r.response = response
      })
    return {
      kind: 'first',
      complete: async (response) => {
        try {
          await store(response)
          running.delete(id)
        } catch {
          // the operation itself is on disk: a retry must not run it again, so the claim stays running while
          // the response is stored again in the background (the disk may take a while to recover)
          retry(() => store(response), () => running.delete(id))
        }
      },
      abandon: async () => {
        running.delete(id)
        await deps.update((s) => {
          delete s.records[id]
        }).catch(() => undefined)
      },
    }
  }
}

const RETRY_MS = 1000
const RETRY_FOR_MS = 10 * 60 * 1000

/** retries `attempt` every second for up to ten minutes of wall time, then calls `done` either way */
function retry(attempt: () => Promise<unknown>, done: () => void, since = Date.now()): void {
  const timer = setTimeout(() => {
    attempt().then(done, () => (Date.now() - since < RETRY_FOR_MS ? retry(attempt, done, since) : done()))
  }, RETRY_MS)
  timer.unref()
}

export type IdempotencyBegin = ReturnType<typeof createIdempotency>
