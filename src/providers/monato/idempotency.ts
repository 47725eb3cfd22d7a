import { createHash } from 'node:crypto'
import { ApiError } from '../../core/errors.js'
import type { IdempotencyPolicy } from '../../core/idempotency.js'
import type { Operation } from '../../core/spec/operations.js'
import type { MonatoPrincipal } from './auth.js'

// Monato: the key must be a UUID v5 (else 400, not cached); the first response, success or error,
// is kept 24 hours. In strict mode the key must also be the one the docs derive from the request:
// UUIDv5(namespace, client_id + method + sha256(body with keys sorted)).

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i

export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const hex = h.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(sortKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])) : v

/** the key a client computes for a request, as Monato's idempotency guide describes */
export function expectedKey(namespace: string, clientId: string, method: string, body: unknown): string {
  const bodyHash = createHash('sha256').update(JSON.stringify(sortKeys(body))).digest('hex')
  return uuidV5(namespace, `${clientId}${method}${bodyHash}`)
}

const methodOf = (operation: Operation) => String(operation.extensions['x-method-name'] ?? operation.operationId)

export function monatoIdempotency(options: { strict: boolean; namespace: string }): IdempotencyPolicy {
  return {
    ttlMs: 24 * 60 * 60 * 1000,
    scope: (principal) => (principal as MonatoPrincipal).clientId,
    checkKey(key, operation, rawBody, principal) {
      if (!UUID_V5.test(key)) throw new ApiError('invalid_request', 'Idempotency-Key must be a valid UUID v5.')
      if (!options.strict) return
      let body: unknown
      try {
        body = JSON.parse(rawBody?.toString('utf8') || '{}')
      } catch {
        return
      }
      if (key.toLowerCase() !== expectedKey(options.namespace, (principal as MonatoPrincipal).clientId, methodOf(operation), body)) {
        throw new ApiError('conflict', 'Idempotency key mismatch.', { code: 'IDEMPOTENCY_KEY_MISMATCH' })
      }
    },
    mismatch: () => new ApiError('conflict', 'Idempotency key payload mismatch.', { code: 'IDEMPOTENCY_KEY_MISMATCH' }),
    inProgress: () => new ApiError('conflict', 'Operation in progress.', { code: 'operation_in_progress' }),
  }
}
