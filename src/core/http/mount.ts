import type { ServerResponse } from 'node:http'
import express from 'express'
import type { Provider, RequestContext } from '../../providers/types.js'
import { ApiError, isApiError } from '../errors.js'
import { isStorageError } from '../storage-error.js'
import type { Faults } from '../faults.js'
import { type Begin, IDEMPOTENCY_HEADER, type IdempotencyBegin, type StoredResponse } from '../idempotency.js'
import type { Logger } from '../logger.js'
import type { Operation } from '../spec/operations.js'
import { createRouteMatcher } from '../spec/router.js'
import type { OperationValidator } from '../spec/validate.js'
import { parseJsonBody } from './body.js'
import { type ApiCall, JSON_CONTENT_TYPE } from './listener.js'

// One handler per provider, on node's own req/res (see listener.ts): match the spec route, authenticate, parse
// and validate, then run the operation's handler or answer generated data. Every error leaves in the
// provider's own envelope.

export const BODY_LIMIT = '1mb'

// one object for every answer from state: each idempotency record keeps its headers, and never changes them
const FROM_STATE: Readonly<Record<string, string>> = Object.freeze({ 'X-Mock-Source': 'state' })

export interface MountOptions {
  provider: Provider
  operations: Operation[]
  validators: Map<string, OperationValidator>
  generate: (schema: Record<string, unknown>, key: string) => unknown
  idempotency: IdempotencyBegin
  logger: Logger
  faults?: Faults
}

type Matched = { operation: Operation; params: Record<string, string> }

export function mountProvider({ provider, operations, validators, generate, idempotency, logger, faults }: MountOptions): (call: ApiCall) => void {
  const match = createRouteMatcher(operations)
  // body-parser works on node's req/res as well as on Express's
  const readBody = express.raw({ type: () => true, limit: BODY_LIMIT }) as unknown as (req: ApiCall['req'], res: ServerResponse, next: (err?: unknown) => void) => void

  return function mounted(call) {
    const { req, res } = call
    // the operation matched, for errors formatted after it is known
    const state: CallState = { operation: undefined }
    // body-parser failures (size, encoding), and anything that escapes handle() such as a failed
    // disk write, are answered in the provider's envelope
    const fail = (err: unknown) => {
      if (res.headersSent) return void res.end()
      send(call, serialise(errorResponse(err, call, state)))
    }
    try {
      readBody(req, res, (err?: unknown) => {
        if (err) return fail(err)
        handle(call, state).catch(fail)
      })
    } catch (err) {
      // no Express around to catch a synchronous throw: it would take the server down
      fail(err)
    }
  }

  async function handle(call: ApiCall, state: CallState): Promise<void> {
    const { req, path } = call
    const method = req.method ?? 'GET'
    let stored: Begin = { kind: 'none' }
    let response: Reply
    // the disk refused the change and it was taken back: the key must stay free for the retry
    let refused = false
    try {
      const found = match(method, path)
      if (found.kind === 'not_found') throw new ApiError('route_not_found', `Unrecognized request URL (${method}: ${path})`)
      if (found.kind === 'method_not_allowed') {
        throw new ApiError('method_not_allowed', `Method ${method} is not allowed on ${path}`, {
          headers: { Allow: found.allowed.join(', ') },
        })
      }
      const { operation, params } = found
      state.operation = operation
      const fault = faults?.match(provider.name, method, path)
      if (fault) {
        if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs))
        if (fault.drop) return void req.socket.destroy()
        if (fault.error) throw fault.error
      }
      const rawBody = Buffer.isBuffer(req.body) ? req.body : undefined
      // auth failures are answered before idempotency, so they are never stored
      const principal = await provider.authenticate({ operation, params, headers: req.headers, rawBody })
      if (provider.idempotency) {
        const key = req.headers[IDEMPOTENCY_HEADER]
        stored = await idempotency(provider.idempotency, {
          operation,
          method,
          path,
          key: typeof key === 'string' ? key : undefined,
          rawBody,
          principal,
        })
        if (stored.kind === 'replay') {
          send(call, { ...stored.response, headers: { ...stored.response.headers, 'Idempotent-Replayed': 'true' } })
          return
        }
      }
      response = await run(call, { operation, params }, principal, rawBody)
    } catch (err) {
      response = errorResponse(err, call, state)
      refused = isStorageError(err)
    }
    const out = serialise(response)
    if (stored.kind === 'first') await (refused ? stored.abandon() : stored.complete(out))
    send(call, out)
  }

  function errorResponse(err: unknown, call: ApiCall, state: CallState): Reply {
    const apiError = toApiError(err)
    // a deliberate 500 (a provider's documented quirk) is not a bug worth an error line
    if (apiError.kind === 'internal' && !isApiError(err)) {
      logger.error({ reqId: call.requestId, err, method: call.req.method, path: `${call.baseUrl}${call.path}` }, 'unexpected error')
    }
    const formatted = provider.formatError(apiError, state.operation)
    return { status: formatted.status, body: formatted.body, headers: { ...apiError.details.headers, ...formatted.headers } }
  }

  async function run(call: ApiCall, { operation, params }: Matched, principal: unknown, rawBody: Buffer | undefined): Promise<Reply> {
    const { req } = call
    const validator = validators.get(operation.operationId)!
    const pathIssues = validator.path(params)
    const { value: query, issues: queryIssues } = validator.query(call.query)
    let body: unknown
    if (operation.requestBody) {
      // no body at all still gets validated, so the first missing field is named
      body = parseJsonBody(rawBody, req.headers['content-type']) ?? {}
    }
    const issues = [...pathIssues, ...queryIssues, ...validator.body(body)]
    if (issues.length) throw new ApiError('invalid_request', issues[0]!.message, { issues })
    const handler = provider.handlers[operation.operationId]
    if (!handler) {
      const generated = operation.successSchema ? generate(operation.successSchema, `${operation.operationId} ${call.url}`) : undefined
      return { status: operation.successStatus, body: generated, headers: { 'X-Mock-Source': 'generated' } }
    }
    const ctx: RequestContext = {
      operation,
      params,
      query,
      body,
      rawBody,
      headers: req.headers,
      requestId: call.requestId,
      // as Express's req.protocol without 'trust proxy'
      baseUrl: `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${call.baseUrl}`,
      path: call.path,
      principal,
    }
    const result = await handler(ctx)
    return { status: result.status ?? operation.successStatus, body: result.body, headers: result.headers ? { ...result.headers, ...FROM_STATE } : FROM_STATE }
  }
}

interface CallState {
  operation: Operation | undefined
}

/** what a handler or an error turns into, before it is serialised once for the wire and the idempotency record */
interface Reply {
  status: number
  body: unknown
  headers: Record<string, string>
}

/** the one place a reply's body becomes JSON text */
const serialise = (r: Reply): StoredResponse => ({ status: r.status, text: r.body === undefined ? undefined : JSON.stringify(r.body), headers: r.headers })

/** written with node's own calls: the text is final, so Express's send (type sniffing, freshness) has nothing to add */
function send(call: ApiCall, sent: StoredResponse) {
  const { res } = call
  const { status, text, headers } = sent
  // a reference, not a copy: the journal formats it only when read
  call.sent = sent
  res.statusCode = status
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  if (text === undefined) return void res.end()
  res.setHeader('Content-Type', JSON_CONTENT_TYPE)
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.end(text)
}

/** maps anything thrown (including body-parser failures) to a typed error */
export function toApiError(err: unknown): ApiError {
  if (isApiError(err)) return err
  const e = err as { type?: string; status?: number; statusCode?: number } | undefined
  const status = e?.status ?? e?.statusCode
  if (e?.type === 'entity.too.large' || status === 413) return new ApiError('payload_too_large', `Request body exceeds the ${BODY_LIMIT} limit`)
  if (status === 415 || e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new ApiError('unsupported_media_type', 'Unsupported request encoding')
  }
  if (status === 400 || e?.type === 'request.aborted' || e?.type === 'request.size.invalid') {
    return new ApiError('malformed_body', 'The request body could not be read')
  }
  return new ApiError('internal', 'An unexpected error occurred', {}, { cause: err })
}
