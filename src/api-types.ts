import type { ScenarioInput } from './scenario/input.js'

// The types of the programmatic API (index.ts). Kept apart and free of internal imports: the published
// .d.ts must compile with this package's own dependencies alone (no @types/express, no @types/node).

export type Scenario = ScenarioInput

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** `manual`: time moves only through advance() or POST /__admin/clock/advance */
export type ClockMode = 'real' | 'manual'

export interface StartOptions {
  /** 0 (the default) picks a free port */
  port?: number
  host?: string
  /** scenario file paths and/or scenario objects; defaults to the embedded default scenario */
  scenario?: string | Scenario | Array<string | Scenario>
  clock?: ClockMode
  /** provider settings, e.g. { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } */
  env?: Record<string, string>
  /** defaults to `silent` */
  logLevel?: LogLevel
}

export interface DeliveryAttempt {
  at: string
  url: string
  statusCode: number | null
  error: string | null
  durationMs: number
  /** the provider's signature headers as this attempt sent them (e.g. `Fintoc-Signature`), secrets masked */
  headers?: Record<string, string>
}

/** One webhook message and its attempts, as /__admin/webhooks/deliveries lists it. */
export interface DeliveryRecord {
  id: string
  provider: string
  eventId: string
  eventType: string
  resourceId: string | null
  /** the provider's endpoint or registration the delivery goes to; null for env-configured URLs */
  endpointId: string | null
  url: string
  /** the exact bytes sent on every attempt */
  body: string
  /** `refused`: the receiver answered that it will not take this message (no retry) */
  status: 'pending' | 'succeeded' | 'failed' | 'refused'
  attempts: DeliveryAttempt[]
  createdAt: string
}

export type DeliveryWithPayload = DeliveryRecord & { payload: unknown }

/** One request the built-in webhook inbox received (POST /__admin/inbox/{name}). */
export interface InboxMessage {
  /** increasing across all inboxes */
  seq: number
  inbox: string
  /** sandbox clock, ISO 8601 */
  receivedAt: string
  method: string
  /** lower-case names; Authorization, Cookie and API keys masked unless `secrets` is asked for */
  headers: Record<string, unknown>
  /** the body as UTF-8 text (the exact bytes for every UTF-8 body, e.g. what a signature covers) */
  body: string
  /** the exact bytes, only when they are not valid UTF-8 */
  bodyBase64?: string
  size: number
  /** the body parsed as JSON, or null */
  json: unknown
  /** the body's top-level `type`, `event_type`, `eventType`, `event` or `msg_name`, or null */
  eventType: string | null
  /** the status the inbox answered */
  status: number
}

export interface InboxFilter {
  eventType?: string
  /** a string anywhere in the JSON body equal to it */
  resourceId?: string
  /** only messages with a greater `seq` */
  after?: number
  /** headers unmasked (list only) */
  secrets?: boolean
}

/** startSandbox().inbox(name): the sandbox as a webhook receiver, read in-process. */
export interface SandboxInbox {
  name: string
  /** `http://127.0.0.1:PORT/__admin/inbox/<name>`: register it as a webhook URL */
  url: string
  /** what arrived, oldest first */
  list(filter?: InboxFilter): InboxMessage[]
  /** empties the inbox and drops its configured answer */
  clear(): void
  /**
   * Resolves with the first message already held that matches, else the next to arrive; rejects after
   * `timeout` ms (default 5000) naming what it waited for (`description`, else the predicate's source) and what arrived.
   */
  waitFor(match: ((m: InboxMessage) => boolean) | InboxFilter, options?: { timeout?: number; description?: string }): Promise<InboxMessage>
}

/** startSandbox().requests(filter): which journal entries; every field optional, all must match */
export interface RequestFilter {
  /** `fintoc` or `monato` */
  provider?: string
  /** any case */
  method?: string
  /** a substring of the full path, e.g. `/fintoc/v2/transfers` */
  path?: string
  /** an exact code, or a class such as `'4xx'` */
  status?: number | `${1 | 2 | 3 | 4 | 5}xx`
  /** recorded at or after this instant (wall clock, like `at`): an ISO 8601 string with an offset, epoch ms or a Date */
  since?: string | number | Date
  /** a path segment, query value, or a JSON string value in the request or response body equal to it (e.g. the POST that created `tr_…`) */
  resource_id?: string
  /** at most this many, newest first */
  limit?: number
}

/** One provider request and its answer, as GET /__admin/requests lists it: secrets masked, bodies cut at 64 KB. */
export interface RecordedRequest {
  /** when it was answered: the wall clock (not the sandbox clock), ISO 8601 */
  at: string
  /** the X-Request-Id it was answered with */
  requestId: string
  provider: string
  method: string
  /** the full path, prefix included, without the query */
  path: string
  query: Record<string, unknown>
  status: number
  durationMs: number
  /** the request's headers, lower-case */
  headers: Record<string, unknown>
  /** the request body: parsed JSON, else text, else null */
  body: unknown
  /** the answer's headers (lower-case) and body (parsed JSON, else null); its status is `status` */
  response: { headers: Record<string, unknown>; body: unknown }
}

export interface RunningSandbox {
  url: string
  fintocUrl: string
  monatoUrl: string
  adminUrl: string
  reset(): Promise<void>
  /** moves the sandbox clock, running everything that falls due */
  advance(ms: number): Promise<void>
  deliveries(): DeliveryRecord[]
  /** resolves with the first delivery matching `predicate` whose attempt succeeded */
  waitForWebhook(predicate: (d: DeliveryWithPayload) => boolean, timeoutMs?: number): Promise<DeliveryWithPayload>
  /** the built-in webhook inbox `name` (letters, digits, _ and -): its URL, what it received, waiting for a message */
  inbox(name: string): SandboxInbox
  /**
   * The request journal ("was this called?"): the last JOURNAL_SIZE provider requests matching `filter`, newest
   * first, with their answers. Throws naming the field when a filter value is invalid (e.g. `status: '4x'`).
   */
  requests(filter?: RequestFilter): RecordedRequest[]
  /** how many journal entries match `filter`, e.g. `expect(sandbox.countRequests({ method: 'POST', path: '/v2/transfers' })).toBe(1)` */
  countRequests(filter?: RequestFilter): number
  close(): Promise<void>
}
