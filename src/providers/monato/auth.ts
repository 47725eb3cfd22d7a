import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { AuthInput } from '../types.js'
import type { ClientRecord, MonatoState } from './state.js'

// x-api-key for the credential endpoints; an HS256 JWT (Bearer) for everything else. The
// operation's `security` in the spec says which; a requirement object lists schemes that all apply.

export const TOKEN_TTL_MS = 24 * 60 * 60 * 1000

export interface MonatoPrincipal {
  clientId: string
}

const unauthenticated = (message: string) => new ApiError('unauthenticated', message)
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex')

const secretBytes = (secret: string) => new TextEncoder().encode(secret)

/** the token is signed with the client's credential secret, so it outlives restarts */
export async function issueToken(client: ClientRecord, secret: string, nowMs: number): Promise<{ token: string; expiresAt: number }> {
  const expiresAt = nowMs + TOKEN_TTL_MS
  const token = await new SignJWT({ client_id: client.id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .sign(secretBytes(secret))
  return { token, expiresAt }
}

/** tokens whose signature already verified: a client sends the same token for a day, so each is checked once */
type Verified = Map<string, { clientId: string; secret: string; expMs: number }>
const VERIFIED_MAX = 10_000

async function verifyBearer(state: MonatoState, headers: IncomingHttpHeaders, clock: Clock, verified: Verified): Promise<string> {
  const header = headers.authorization?.trim()
  if (!header) throw unauthenticated('Missing Authorization header: send Authorization: Bearer <token>.')
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) throw unauthenticated('Malformed Authorization header: expected Bearer <token>.')
  const token = match[1]!
  const known = verified.get(token)
  if (known) {
    // still only as good as its credential: a revoked secret revokes the token
    const active = state.clients[known.clientId]?.credentials.some((c) => c.status === 'ACTIVE' && c.secret === known.secret)
    if (active && known.expMs > clock.now()) return known.clientId
    verified.delete(token)
  }
  let clientId: unknown
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    clientId = payload?.client_id
  } catch {
    throw unauthenticated('Invalid token.')
  }
  const client = typeof clientId === 'string' ? state.clients[clientId] : undefined
  if (!client) throw unauthenticated('Invalid token.')
  for (const credential of client.credentials.filter((c) => c.status === 'ACTIVE')) {
    try {
      const { payload } = await jwtVerify(token, secretBytes(credential.secret), { algorithms: ['HS256'], currentDate: new Date(clock.now()) })
      if (verified.size >= VERIFIED_MAX) verified.clear()
      if (typeof payload.exp === 'number') verified.set(token, { clientId: client.id, secret: credential.secret, expMs: payload.exp * 1000 })
      return client.id
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthenticated('Token expired: request a new one from /auth/credential-tokens.')
    }
  }
  throw unauthenticated('Invalid token.')
}

function verifyApiKey(state: MonatoState, headers: IncomingHttpHeaders): string {
  const key = headers['x-api-key']
  if (typeof key !== 'string' || key.trim() === '') throw unauthenticated('Missing x-api-key header.')
  const clientId = state.apiKeyIndex[hashApiKey(key.trim())]
  if (!clientId) throw unauthenticated('Invalid API key.')
  return clientId
}

export function createMonatoAuth(state: { readonly data: MonatoState }, clock: Clock) {
  const verified: Verified = new Map()
  return async function authenticate({ operation, params, headers }: AuthInput): Promise<MonatoPrincipal> {
    const requirements = operation.security.length ? operation.security : [{ bearerAuth: [] }]
    let firstError: unknown
    for (const requirement of requirements) {
      try {
        const clientIds = new Set<string>()
        for (const scheme of Object.keys(requirement)) {
          clientIds.add(scheme === 'ApiKeyAuth' ? verifyApiKey(state.data, headers) : await verifyBearer(state.data, headers, clock, verified))
        }
        if (clientIds.size > 1) throw new ApiError('forbidden', 'The API key and the token belong to different clients.')
        const [clientId] = clientIds
        if (!clientId) continue
        // a client may only reach its own resources
        if (params.clientId !== undefined && params.clientId !== clientId) {
          throw new ApiError('forbidden', 'The clientId in the path does not match the authenticated client.')
        }
        return { clientId }
      } catch (err) {
        firstError ??= err
      }
    }
    throw firstError ?? unauthenticated('Authentication required.')
  }
}
