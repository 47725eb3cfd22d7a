import type { Clock } from './clock.js'
import type { IdGenerator } from './ids.js'
import { type Logger, maskHeaders, safeUrl } from './logger.js'
import { parseRef, phasedRef } from './scheduler.js'
import { createSemaphore } from './semaphore.js'
import { drainBounded, withoutCredentials } from './webhook-http.js'

// Outbound webhooks for every provider: a delivery is written with the event that causes it, each
// attempt is a scheduled job, failures retry with exponential backoff on the sandbox clock, and
// every attempt is kept for /__admin/webhooks/deliveries.

export const JOB_WEBHOOK_ATTEMPT = 'core.webhook.attempt'

// an attempt job names its delivery and how many attempts came before it (see phasedRef)
const attemptRef = (id: string, before: number) => phasedRef(id, before)

export interface AttemptRecord {
  at: string
  url: string
  statusCode: number | null
  error: string | null
  durationMs: number
  /** the provider's signature headers as this attempt sent them, secrets masked (absent on older records) */
  headers?: Record<string, string>
}

export interface DeliveryInput {
  eventId: string
  eventType: string
  resourceId: string | null
  /** the provider's endpoint or registration the delivery goes to; null for env-configured URLs */
  endpointId: string | null
  url: string
  /** the exact bytes sent on every attempt */
  body: string
}

export interface DeliveryRecord extends DeliveryInput {
  id: string
  provider: string
  /** `refused`: the receiver answered that it will not take this message (no retry) */
  status: 'pending' | 'succeeded' | 'failed' | 'refused'
  attempts: AttemptRecord[]
  createdAt: string
}

export interface DeliveriesState {
  deliveries: Record<string, DeliveryRecord>
  order: string[]
}

export const initialDeliveriesState = (): DeliveriesState => ({ deliveries: {}, order: [] })

export interface WebhookSettings {
  timeoutMs: number
  /** retries after the first attempt (Fintoc documents 17) */
  maxRetries: number
  firstRetryMs: number
  /** completed deliveries kept in the log */
  keep: number
  /** attempts in flight at once; the others wait (1,000 endpoints × 20 events must not open 20,000 sockets) */
  concurrency: number
}

export type Signer = (delivery: DeliveryRecord) => Record<string, string>

/** How a provider reads its receivers' answers beyond "2xx = delivered". */
export interface DeliveryPolicy {
  /** the receiver refuses the message itself: it is not retried */
  refuses?(delivery: DeliveryRecord, statusCode: number): boolean
  /** what the provider does once a message is refused (e.g. give the money back) */
  onRefused?(delivery: DeliveryRecord): Promise<void>
}

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; redirect: 'manual'; signal: AbortSignal }) => Promise<{ status: number; body: ReadableStream<Uint8Array> | null }>

export function createWebhooks(deps: {
  clock: Clock
  ids: IdGenerator
  logger: Logger
  fetch: FetchLike
  settings: WebhookSettings
  state: () => DeliveriesState
  update: <R>(fn: (s: DeliveriesState, schedule: (ref: string, delayMs: number) => void) => R) => Promise<R>
  /** why an attempt to this URL must not be sent (e.g. it points at the sandbox itself), or null */
  refuse?: (url: string) => Promise<string | null>
}) {
  const signers = new Map<string, Signer>()
  const slots = createSemaphore(deps.settings.concurrency)
  const policies = new Map<string, DeliveryPolicy>()
  const iso = () => new Date(deps.clock.now()).toISOString()

  function prune(s: DeliveriesState) {
    // the log is bounded: the oldest completed deliveries go first
    let excess = s.order.length - deps.settings.keep
    for (let i = 0; i < s.order.length && excess > 0; ) {
      const d = s.deliveries[s.order[i]!]
      if (d && d.status !== 'pending') {
        delete s.deliveries[d.id]
        s.order.splice(i, 1)
        excess--
      } else i++
    }
  }

  /** one POST, at most `concurrency` at a time; the timeout starts once it has its slot */
  async function send(d: DeliveryRecord): Promise<Pick<AttemptRecord, 'statusCode' | 'error' | 'durationMs' | 'headers'>> {
    // signed once it has its slot: a signature's timestamp must not age in the queue
    const signature = signers.get(d.provider)?.(d) ?? {}
    const signed = { 'content-type': 'application/json', 'user-agent': 'fintoc-monato-mock-webhooks', ...signature }
    const { url, headers } = withoutCredentials(d.url, signed)
    const started = performance.now()
    let statusCode: number | null = null
    let error: string | null = null
    try {
      // a redirect is not followed: it is a failed attempt (it could lead anywhere, e.g. back into the sandbox)
      const res = await deps.fetch(url, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: AbortSignal.timeout(deps.settings.timeoutMs) })
      statusCode = res.status
      await drainBounded(res.body)
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } }
      error = e.name === 'TimeoutError' ? `timeout after ${deps.settings.timeoutMs} ms` : (e.cause?.code ?? e.message)
    }
    // kept with the attempt so a person can see what was signed; a bearer token is masked like everywhere else
    return { statusCode, error, durationMs: Math.round(performance.now() - started), headers: maskHeaders(signature) as Record<string, string> }
  }

  return {
    registerSigner(provider: string, signer: Signer) {
      signers.set(provider, signer)
    },

    registerPolicy(provider: string, policy: DeliveryPolicy) {
      policies.set(provider, policy)
    },

    /** call inside a store update, next to the event it delivers */
    enqueue(s: DeliveriesState, schedule: (ref: string, delayMs: number) => void, provider: string, input: DeliveryInput): DeliveryRecord {
      const d: DeliveryRecord = { id: deps.ids.prefixed('whd'), provider, ...input, status: 'pending', attempts: [], createdAt: iso() }
      s.deliveries[d.id] = d
      s.order.push(d.id)
      schedule(attemptRef(d.id, 0), 0)
      prune(s)
      return d
    },

    async attempt(ref: string) {
      const { id, phase } = parseRef(ref)
      const before = phase === undefined ? undefined : Number(phase)
      const d = deps.state().deliveries[id]
      if (d?.status !== 'pending') return
      if (before !== undefined && d.attempts.length !== before) return
      // checked at every attempt, not only at registration: a name may resolve differently by now
      const refusal = await deps.refuse?.(d.url)
      const result = refusal
        ? { statusCode: null, error: refusal, durationMs: 0 }
        : // a delivery dropped while it waited for a slot (a reset) is not sent
          await slots.run(async () => (deps.state().deliveries[id] === d ? send(d) : undefined))
      if (!result) return
      const { statusCode, error, durationMs } = result
      const headers = 'headers' in result ? result.headers : undefined
      const policy = policies.get(d.provider)
      const outcome = await deps.update((s, schedule) => {
        const current = s.deliveries[id]
        if (!current) return undefined
        current.attempts.push({ at: iso(), url: current.url, statusCode, error, durationMs, ...(headers && Object.keys(headers).length > 0 ? { headers } : {}) })
        if (statusCode !== null && statusCode >= 200 && statusCode < 300) current.status = 'succeeded'
        else if (statusCode !== null && policy?.refuses?.(current, statusCode)) current.status = 'refused'
        else if (current.attempts.length > deps.settings.maxRetries) current.status = 'failed'
        // another attempt (a redelivery) ran meanwhile: its own retry carries on, not a second one
        else if (before === undefined || current.attempts.length === before + 1)
          schedule(attemptRef(id, current.attempts.length), deps.settings.firstRetryMs * 2 ** (current.attempts.length - 1))
        // a delivery that just ended may be the one over the bound: with no new events, nothing else would prune it
        if (current.status !== 'pending') prune(s)
        return { status: current.status, attempts: current.attempts.length }
      })
      if (outcome?.status === 'refused') await policy?.onRefused?.(d)
      const url = safeUrl(d.url)
      if (error || (statusCode !== null && statusCode >= 300)) deps.logger.info({ delivery: id, url, statusCode, error }, 'webhook attempt failed')
      if (outcome?.status === 'failed') deps.logger.warn({ delivery: id, eventType: d.eventType, url, attempts: outcome.attempts }, 'webhook delivery exhausted')
    },

    /** boot and restore: a pending delivery whose attempt job is missing gets one, due now; answers how many */
    recover(hasJob: (deliveryId: string) => boolean): Promise<number> {
      return deps.update((s, schedule) => {
        let count = 0
        for (const id of s.order) {
          const d = Object.hasOwn(s.deliveries, id) ? s.deliveries[id] : undefined
          if (d?.status !== 'pending' || hasJob(id)) continue
          schedule(attemptRef(id, d.attempts.length), 0)
          count++
        }
        return count
      })
    },

    /** sends a delivery once more, now, whatever its outcome was */
    redeliver(id: string): Promise<DeliveryRecord | undefined> {
      return deps.update((s, schedule) => {
        // an id like `__proto__` names no delivery (and must not reach Object.prototype)
        const d = Object.hasOwn(s.deliveries, id) ? s.deliveries[id] : undefined
        if (!d) return undefined
        d.status = 'pending'
        schedule(attemptRef(id, d.attempts.length), 0)
        return d
      })
    },
  }
}

export type Webhooks = ReturnType<typeof createWebhooks>
