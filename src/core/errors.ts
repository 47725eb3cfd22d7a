// Typed errors thrown anywhere; each provider turns them into its own envelope in one place.

export type ErrorKind =
  | 'invalid_request'
  | 'malformed_body'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition'
  | 'rate_limited'
  | 'unavailable'
  /** the data file refused a write (see storage-error.ts) */
  | 'storage_unavailable'
  | 'internal'

export interface FieldIssue {
  location: 'path' | 'query' | 'body'
  /** dotted path of the field, e.g. `counterparty.account_number` */
  field: string
  problem: 'missing' | 'invalid'
  message: string
  /** provider error code declared in the spec (`x-error-code`) */
  code?: string
  /** provider message declared in the spec (`x-error-message`) */
  providerMessage?: string
}

export interface ApiErrorDetails {
  /** provider-native error code, e.g. `insufficient_balance` or `DATA_ERROR` */
  code?: string
  /** overrides the status the kind maps to */
  status?: number
  param?: string | null
  issues?: FieldIssue[]
  headers?: Record<string, string>
}

export const defaultStatus: Record<ErrorKind, number> = {
  invalid_request: 400,
  malformed_body: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  route_not_found: 404,
  method_not_allowed: 405,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition: 400,
  rate_limited: 429,
  unavailable: 503,
  storage_unavailable: 503,
  internal: 500,
}

export class ApiError extends Error {
  readonly kind: ErrorKind
  readonly details: ApiErrorDetails

  constructor(kind: ErrorKind, message: string, details: ApiErrorDetails = {}, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ApiError'
    this.kind = kind
    this.details = details
  }

  get status(): number {
    return this.details.status ?? defaultStatus[this.kind]
  }
}

export const isApiError = (err: unknown): err is ApiError => err instanceof ApiError

/** a refused body field, reported as the spec validation reports one (each provider's envelope names it) */
export const invalidField = (field: string, message: string) =>
  new ApiError('invalid_request', message, { param: field, issues: [{ location: 'body', field, problem: 'invalid', message }] })
