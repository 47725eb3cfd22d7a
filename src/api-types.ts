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
  close(): Promise<void>
}
