import { createPublicKey, type KeyObject, verify as cryptoVerify } from 'node:crypto'
import { ApiError } from '../../core/errors.js'

// Fintoc-JWS-Signature: a detached compact JWS, `<b64url(protected)>.<b64url(signature)>`, RS256,
// protected header {alg, nonce, ts, crit:["ts","nonce"]}, signed over protected + "." + b64url(raw body).

export const JWS_HEADER = 'fintoc-jws-signature'
export const JWS_TOLERANCE_S = 300

const fail = (code: string, message: string) => new ApiError('unauthenticated', message, { code })

export interface JwsHeader {
  alg: string
  nonce: string
  ts: number
}

/** checks the header's shape and claims; the signature itself is checked by `verifySignature` */
export function parseJws(value: string | string[] | undefined, nowMs: number): { header: JwsHeader; protectedB64: string; signature: string } {
  if (typeof value !== 'string' || value.trim() === '') throw fail('missing_jws_signature_header', 'Missing Fintoc-JWS-Signature header: this endpoint requires a signed request.')
  const parts = value.trim().split('.')
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw fail('invalid_jws_signature_header', 'Invalid Fintoc-JWS-Signature header: expected a detached JWS "<protected>.<signature>".')
  }
  let header: Record<string, unknown>
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
  } catch {
    throw fail('invalid_jws_signature_header', 'Invalid Fintoc-JWS-Signature header: the protected header is not base64url-encoded JSON.')
  }
  if (header.alg !== 'RS256') throw fail('invalid_jws_signature_algorithm', `Invalid JWS algorithm ${JSON.stringify(header.alg)}: only RS256 is accepted.`)
  const crit = Array.isArray(header.crit) ? header.crit : []
  if (!crit.includes('ts') || !crit.includes('nonce')) throw fail('invalid_jws_signature_header', 'Invalid JWS header: crit must list "ts" and "nonce".')
  if (typeof header.nonce !== 'string' || header.nonce.length < 8 || header.nonce.length > 128) {
    throw fail('invalid_jws_signature_nonce', 'Invalid JWS nonce: expected a random string (the SDKs send 32 hex characters).')
  }
  if (typeof header.ts !== 'number' || !Number.isInteger(header.ts)) throw fail('invalid_jws_signature_timestamp_format', 'Invalid JWS ts: expected an integer Unix timestamp in seconds.')
  if (Math.abs(nowMs / 1000 - header.ts) > JWS_TOLERANCE_S) {
    throw fail('invalid_jws_signature_timestamp_value', `JWS ts ${header.ts} is more than ${JWS_TOLERANCE_S} seconds away from the server time.`)
  }
  return { header: { alg: 'RS256', nonce: header.nonce, ts: header.ts }, protectedB64: parts[0], signature: parts[1] }
}

/** true when one of the keys verifies the signature over the raw bytes received */
/**
 * RS256 over `protected.b64url(body)`, checked with node:crypto directly: the per-request key import
 * of a WebCrypto-based verify cost more than the RSA check itself. As in RFC 7515, a `crit` naming a
 * parameter this server does not understand fails the signature.
 */
export async function verifySignature(protectedB64: string, signature: string, rawBody: Buffer | undefined, keys: KeyObject[]): Promise<boolean> {
  let crit: unknown
  try {
    crit = JSON.parse(Buffer.from(protectedB64, 'base64url').toString('utf8')).crit
  } catch {
    return false
  }
  if (!Array.isArray(crit) || crit.some((c) => c !== 'ts' && c !== 'nonce')) return false
  const signed = Buffer.from(`${protectedB64}.${(rawBody ?? Buffer.alloc(0)).toString('base64url')}`)
  const sig = Buffer.from(signature, 'base64url')
  return keys.some((key) => cryptoVerify('sha256', signed, key, sig))
}

/** PEM text → public key; throws a readable error for anything else */
export function readPublicKey(pem: string): KeyObject {
  let key: KeyObject
  try {
    key = createPublicKey(pem)
  } catch {
    throw new Error('not a PEM public key (expected "-----BEGIN PUBLIC KEY-----" or "-----BEGIN RSA PUBLIC KEY-----")')
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`expected an RSA key, got ${key.asymmetricKeyType}`)
  return key
}
