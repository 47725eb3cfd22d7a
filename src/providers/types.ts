import type { IncomingHttpHeaders } from 'node:http'
import type { Router } from 'express'
import type { z } from 'zod'
import type { Clock } from '../core/clock.js'
import type { ApiError } from '../core/errors.js'
import type { IdempotencyPolicy } from '../core/idempotency.js'
import type { DeliveryInput, DeliveryPolicy, Signer } from '../core/webhooks.js'
import type { Gone } from '../core/forget.js'
import type { IdGenerator } from '../core/ids.js'
import type { Logger } from '../core/logger.js'
import type { Operation } from '../core/spec/operations.js'
import type { DashboardSection } from '../dashboard/types.js'

/** What a handler sees of a request that passed routing, auth and validation. */
export interface RequestContext<P = unknown> {
  operation: Operation
  params: Record<string, string>
  query: Record<string, unknown>
  body: unknown
  rawBody: Buffer | undefined
  headers: IncomingHttpHeaders
  requestId: string
  /** absolute base URL of this provider as the client reached it, e.g. `http://127.0.0.1:4010/fintoc` */
  baseUrl: string
  /** request path below the provider prefix, without the query string */
  path: string
  principal: P
}

export interface HandlerResult {
  status?: number
  body?: unknown
  headers?: Record<string, string>
}

export type Handler<P = unknown> = (ctx: RequestContext<P>) => HandlerResult | Promise<HandlerResult>

export interface AuthInput {
  operation: Operation
  params: Record<string, string>
  headers: IncomingHttpHeaders
  /** the exact bytes received, for request signatures */
  rawBody: Buffer | undefined
}

export interface ErrorResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

/** A provider as mounted by the core: handlers keyed by operationId, auth and the error envelope. */
export interface Provider<P = unknown> {
  name: string
  handlers: Partial<Record<string, Handler<P>>>
  /** resolves the caller or throws an ApiError (401/403) */
  authenticate(input: AuthInput): P | Promise<P>
  formatError(err: ApiError, operation?: Operation): ErrorResponse
  /** provider-specific control routes, mounted at /__admin/<name> */
  admin?: Router
  /** routes of the provider's own that are not API operations (the widget, the hosted checkout), each under /<name><path> only */
  pages?: Array<{ path: string; router: Router }>
  /** this provider's pages and counts in the dashboard (/__admin/ui/<name>) */
  dashboard?: DashboardSection
  /** how Idempotency-Key is honoured on the operations that declare it */
  idempotency?: IdempotencyPolicy
  /**
   * Boot and snapshot restore: schedules the job of every unfinished resource that has none (a state
   * written by an older version, or edited by hand) and answers how many. `hasJob` takes this
   * provider's own job type and the resource id the job names.
   */
  recover?(hasJob: (type: string, id: string) => boolean): Promise<number>
  /** receiver URLs set by configuration, by setting name (e.g. FINTOC_WEBHOOK_URL): checked once the server listens */
  configuredWebhookUrls?: Record<string, string | undefined>
}

/** What an update may do besides mutating its own state, written in the same store update. */
export interface UpdateTools {
  /** runs the job registered as `type` for `ref` after `delayMs` of sandbox time */
  schedule(type: string, ref: string, delayMs: number): void
  /** queues a webhook delivery, written with the event that causes it */
  deliver(input: DeliveryInput): void
  /**
   * After this update deleted resources: drops what the core keeps about them, in the same update. Jobs of this
   * provider whose ref names one of `ids`, this provider's webhook deliveries whose event, resource or endpoint is
   * one of `ids`, and idempotency records of the `scopes` (IdempotencyPolicy.scope). Answers how many went.
   */
  forget?(gone: Gone): number
}

/** The provider's slice of the store. */
import type { UpdateOptions } from '../core/store.js'

export interface StateSlice<S> {
  readonly data: S
  /** `durable: false` resolves before the disk write (see Store.update) */
  update<R>(fn: (state: S, tools: UpdateTools) => R, options?: UpdateOptions): Promise<R>
}

export interface ProviderDeps<S> {
  state: StateSlice<S>
  clock: Clock
  ids: IdGenerator
  logger: Logger
  /** registers the runner of a job type; job types are namespaced by the provider's name */
  onJob(type: string, run: (ref: string) => Promise<void>): void
  /** adds this provider's signature headers to each delivery attempt */
  signWebhooks(signer: Signer): void
  /** how this provider's receivers may refuse a message, and what follows */
  webhookPolicy(policy: DeliveryPolicy): void
  /** whether a receiver URL points at the sandbox itself (see core/self-address.ts): registrations refuse it */
  isSelfUrl(url: string): Promise<boolean>
  env: NodeJS.ProcessEnv
}

export interface ScenarioContext {
  ids: IdGenerator
  clock: Clock
}

/** An id (or key) a scenario section declares: two equal ones, in one scenario or across loaded ones, are refused. */
export interface DeclaredId {
  /** what it is, as a message names it: `key`, `account id`, `CLABE`… (one namespace per kind) */
  kind: string
  value: string
  /** JSON path within the section */
  path: ReadonlyArray<PropertyKey>
  /** never shown in messages (API keys) */
  secret?: boolean
  /** false: unique within one scenario only; a later scenario may redefine it */
  acrossScenarios?: boolean
  /** a later scenario naming the same value with the same `sameWhen` adds to that record (not a collision) */
  sameWhen?: string
}

/** A provider module: everything the core needs to load, seed and mount it. */
export interface ProviderModule<S = unknown, Section = unknown> {
  name: string
  /** spec file, relative to the package root */
  specFile: string
  initialState(): S
  /** zod schema of this provider's slice of the state, checked before a snapshot restore */
  stateSchema: z.ZodType<S>
  /** zod schema of this provider's section in scenario files */
  scenarioSchema: z.ZodType<Section>
  /** every id the section declares, in document order */
  scenarioIds(section: Section): DeclaredId[]
  applyScenario(state: S, section: Section, ctx: ScenarioContext): void
  create(deps: ProviderDeps<S>): Provider
  /** startup banner: one short line per organization or client the section declares, how to authenticate as it, secrets masked */
  describeScenario?(section: Section): string[]
  /**
   * Startup banner: the settings a newcomer must know (e.g. request signing), each line saying how to change it.
   * Reads the provider's settings, so a bad value throws here, before anything is opened.
   */
  describeSettings?(env: NodeJS.ProcessEnv, sections: Section[]): string[]
}
