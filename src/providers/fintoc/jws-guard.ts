import type { KeyObject } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { ApiError } from '../../core/errors.js'
import { createSweep } from '../../core/sweep.js'
import type { Operation } from '../../core/spec/operations.js'
import type { StateSlice } from '../types.js'
import { JWS_HEADER, JWS_TOLERANCE_S, parseJws, readPublicKey, verifySignature } from './jws.js'
import type { FintocSettings } from './settings.js'
import type { FintocState } from './state.js'

// Which operations need a signed request (those declaring the header in the spec), against which
// keys, and which nonces were already used.

export interface JwsGuard {
  requiredFor(operation: Operation): boolean
  verify(orgId: string, headers: IncomingHttpHeaders, rawBody: Buffer | undefined): Promise<void>
}

/**
 * `wall` is real time, not the sandbox clock: clients sign with their machine's time, and a
 * manual or advanced sandbox clock must not make every signature stale.
 */
export function createJwsGuard(state: StateSlice<FintocState>, settings: FintocSettings, wall: () => number = Date.now): JwsGuard {
  const parsed = new Map<string, KeyObject>()
  const key = (pem: string) => {
    let k = parsed.get(pem)
    if (!k) {
      k = readPublicKey(pem)
      parsed.set(pem, k)
    }
    return k
  }
  const required = new Map<string, boolean>()
  const sweep = createSweep(500)

  return {
    requiredFor(operation) {
      if (settings.jws === 'off') return false
      let r = required.get(operation.operationId)
      if (r === undefined) {
        r = operation.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === JWS_HEADER)
        required.set(operation.operationId, r)
      }
      return r
    },
    async verify(orgId, headers, rawBody) {
      const now = wall()
      const { header, protectedB64, signature } = parseJws(headers[JWS_HEADER], now)
      const pems = [...(state.data.orgs[orgId]?.jwsPublicKeys ?? []), ...(settings.globalJwsKey ? [settings.globalJwsKey] : [])]
      if (pems.length === 0) {
        throw new ApiError('unauthenticated', 'No active JWS public key is registered for this organization: register one with POST /__admin/fintoc/jws-keys.', { code: 'missing_active_jws_public_key' })
      }
      if (!(await verifySignature(protectedB64, signature, rawBody, pems.map(key)))) {
        throw new ApiError('unauthenticated', 'Invalid JWS signature: it does not verify against the raw request body with any registered public key.', { code: 'invalid_jws_signature' })
      }
      const nonceKey = `${orgId}:${header.nonce}`
      await state.update((s) => {
        if ((s.usedNonces[nonceKey] ?? 0) > now) throw new ApiError('unauthenticated', 'This JWS nonce was already used: sign every request with a fresh nonce.', { code: 'jws_nonce_already_used' })
        // a nonce only needs remembering while its ts can still pass the time window
        sweep(s.usedNonces, (until) => until <= now)
        s.usedNonces[nonceKey] = header.ts * 1000 + 2 * JWS_TOLERANCE_S * 1000
        // durable with the request's own write: a crash before it forgets a nonce whose request never completed
      }, { durable: false })
    },
  }
}
