import { ApiError, type ErrorKind } from '../../core/errors.js'
import type { Operation } from '../../core/spec/operations.js'
import type { ErrorResponse } from '../types.js'

// Fintoc's envelope: {"error":{"type","code","message","param","doc_url"}}. The official SDKs
// pick their exception class from `type` (Node, Python) or `code` (Ruby), so both are always set.

const TYPE: Partial<Record<ErrorKind, string>> = {
  unauthenticated: 'authentication_error',
  rate_limited: 'api_error',
  unavailable: 'institution_error',
  storage_unavailable: 'api_error',
  internal: 'api_error',
}

const CODE: Record<ErrorKind, string> = {
  invalid_request: 'invalid_params',
  malformed_body: 'invalid_request',
  unsupported_media_type: 'invalid_request',
  payload_too_large: 'invalid_request',
  route_not_found: 'invalid_url',
  method_not_allowed: 'operation_not_allowed',
  unauthenticated: 'invalid_api_key',
  forbidden: 'forbidden',
  not_found: 'missing_resource',
  conflict: 'conflict',
  precondition: 'invalid_request',
  rate_limited: 'rate_limit_exceeded',
  unavailable: 'institution_unavailable',
  storage_unavailable: 'service_unavailable',
  internal: 'internal_server_error',
}

const docUrl = (type: string) => `https://fintoc.com/docs#${type.replace(/_/g, '-')}`

export function formatFintocError(err: ApiError, _operation?: Operation): ErrorResponse {
  const type = TYPE[err.kind] ?? 'invalid_request_error'
  const issue = err.details.issues?.[0]
  let code = err.details.code ?? CODE[err.kind]
  let message = err.message
  let param = err.details.param ?? null
  if (err.kind === 'invalid_request' && issue) {
    param = issue.field || null
    if (issue.problem === 'missing') {
      code = 'missing_parameter'
      message = `Missing required param: ${issue.field}`
    } else {
      code = err.details.code ?? issue.code ?? 'invalid_params'
      message = `Invalid param: ${issue.message}`
    }
  }
  return { status: err.status, body: { error: { type, code, message, param, doc_url: docUrl(type) } } }
}

export const notFound = (what: string, id: string, param = 'id') => new ApiError('not_found', `No such ${what}: ${id}`, { param })

/** the record if it belongs to the organization; otherwise Fintoc's 404, naming the param the id came in */
export function ownedBy<T extends { orgId: string }>(record: T | undefined, orgId: string, what: string, id: string, param = 'id'): T {
  if (record?.orgId !== orgId) throw notFound(what, id, param)
  return record
}
