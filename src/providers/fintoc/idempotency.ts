import { ApiError } from '../../core/errors.js'
import type { IdempotencyPolicy } from '../../core/idempotency.js'
import type { FintocPrincipal } from './auth.js'

// Fintoc keeps the first response of a key for 24 hours, per API key; the codes of the two
// refusals are not documented (inferred).

export const fintocIdempotency: IdempotencyPolicy = {
  ttlMs: 24 * 60 * 60 * 1000,
  scope: (principal) => (principal as FintocPrincipal).orgId,
  checkKey(key) {
    if (key.length === 0 || key.length > 255) {
      throw new ApiError('invalid_request', 'Invalid param: Idempotency-Key must be 1 to 255 characters', { param: 'Idempotency-Key', code: 'invalid_params' })
    }
  },
  mismatch: () =>
    new ApiError('conflict', 'This Idempotency-Key was already used with a different request: reuse a key only to retry the same method, path and body.', {
      code: 'idempotency_key_reused',
    }),
  inProgress: () =>
    new ApiError('conflict', 'A request with this Idempotency-Key is still being processed: retry once it has finished.', {
      code: 'idempotency_request_in_progress',
    }),
}
