import type { ApiError, ErrorKind } from '../../core/errors.js'
import type { Operation } from '../../core/spec/operations.js'
import type { ErrorResponse } from '../types.js'

// Monato answers errors as a google.rpc.Status with one ErrorInfo detail.

const GRPC: Record<ErrorKind, [number, string]> = {
  invalid_request: [3, 'DATA_ERROR'],
  malformed_body: [3, 'DATA_ERROR'],
  unsupported_media_type: [3, 'DATA_ERROR'],
  payload_too_large: [3, 'DATA_ERROR'],
  route_not_found: [5, 'NOT_FOUND'],
  method_not_allowed: [12, 'METHOD_NOT_ALLOWED'],
  unauthenticated: [16, 'UNAUTHENTICATED'],
  forbidden: [7, 'PERMISSION_DENIED'],
  not_found: [5, 'NOT_FOUND'],
  conflict: [6, 'ALREADY_EXISTS'],
  precondition: [9, 'FAILED_PRECONDITION'],
  rate_limited: [8, 'RESOURCE_EXHAUSTED'],
  unavailable: [14, 'UNAVAILABLE'],
  storage_unavailable: [14, 'UNAVAILABLE'],
  internal: [13, 'INTERNAL'],
}

/** idempotency refusals are ABORTED, not ALREADY_EXISTS */
const GRPC_BY_REASON: Record<string, number> = { IDEMPOTENCY_KEY_MISMATCH: 10, operation_in_progress: 10 }

export function formatMonatoError(err: ApiError, operation?: Operation): ErrorResponse {
  const [kindCode, defaultReason] = GRPC[err.kind]
  const grpcCode = GRPC_BY_REASON[err.details.code ?? ''] ?? kindCode
  const reason = err.details.code ?? defaultReason
  const issue = err.details.issues?.[0]
  // the docs quote exact messages for some fields; the spec carries them as x-error-message
  const message = err.kind === 'invalid_request' && issue ? (issue.providerMessage ?? issue.message) : err.message
  return {
    status: err.status,
    body: {
      code: grpcCode,
      message,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason,
          domain: 'fincore',
          metadata: {
            error_code: reason,
            error_detail: message,
            http_code: String(err.status),
            module: String(operation?.extensions['x-module'] ?? 'fincore'),
            method_name: String(operation?.extensions['x-method-name'] ?? operation?.operationId ?? 'unknown'),
          },
        },
      ],
    },
  }
}
