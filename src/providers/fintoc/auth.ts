import { createHash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { maskSecret } from '../../core/logger.js'
import type { AuthInput } from '../types.js'
import type { JwsGuard } from './jws-guard.js'
import { allocateNumber } from './numbers.js'
import type { FintocState, OrgRecord } from './state.js'

// Any well-formed sk_test_ key is accepted; its first request provisions an isolated organization.

const TEST_KEY = /^sk_test_[A-Za-z0-9_-]+$/

export interface FintocPrincipal {
  orgId: string
  mode: 'test'
}

const unauthenticated = (message: string, code = 'invalid_api_key') => new ApiError('unauthenticated', message, { code })

export function readApiKey(headers: IncomingHttpHeaders): string {
  const header = headers.authorization?.trim()
  if (!header) throw unauthenticated('No API key provided. Send your secret key in the Authorization header (Authorization: sk_test_...).')
  // the Ruby SDK sends `Bearer sk_…`; the Node and Python SDKs send the raw key
  const key = header.replace(/^Bearer\s+/i, '')
  if (key.startsWith('sk_live_')) {
    throw unauthenticated('This is a local sandbox: live keys (sk_live_...) are never accepted. Use any sk_test_ key.', 'invalid_api_key_mode')
  }
  if (key.startsWith('pk_')) throw unauthenticated('Public keys (pk_...) cannot call the API. Use a secret key (sk_test_...).')
  if (!TEST_KEY.test(key) || key.length > 255) throw unauthenticated(`Invalid API key provided: ${maskSecret(key)}`)
  return key
}

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex')

/** creates an organization with its root entity, root MXN account and root account number */
export interface OrgOptions {
  holderName?: string
  holderId?: string
  currency?: 'MXN' | 'CLP'
  /** made on the fly by a key's first request: freed once idle (scenario organizations never are) */
  auto?: boolean
}

export function provisionOrg(state: FintocState, key: string, ids: IdGenerator, clock: Clock, options: OrgOptions = {}): OrgRecord {
  const { holderName = 'Sandbox Organization', holderId = 'ND', currency = 'MXN' } = options
  const now = clock.now()
  const org: OrgRecord = {
    id: ids.prefixed('org'),
    mode: 'test',
    keyHint: maskSecret(key),
    createdAt: now,
    entityIds: [],
    accountIds: [],
    accountNumberIds: [],
    transferIds: [],
    verificationIds: [],
    webhookEndpointIds: [],
    paymentIntentIds: [],
    refundIds: [],
    jwsPublicKeys: [],
    ...(options.auto ? { auto: true as const } : {}),
  }
  const entityId = ids.prefixed('ent')
  const accountId = ids.prefixed('acc')
  const acnoId = ids.prefixed('acno')
  state.entities[entityId] = { id: entityId, orgId: org.id, holder_name: holderName, holder_id: holderId, is_root: true }
  state.accounts[accountId] = {
    id: accountId,
    orgId: org.id,
    entityId,
    // recorded real answers: the auto-created root account and its number have no description
    description: null,
    currency,
    available_balance: 0,
    status: 'active',
    is_root: true,
    rootAccountNumberId: acnoId,
    movementIds: [],
    createdAt: now,
  }
  state.accountNumbers[acnoId] = {
    id: acnoId,
    orgId: org.id,
    account_id: accountId,
    number: allocateNumber(state, currency),
    description: null,
    metadata: {},
    status: 'enabled',
    is_root: true,
    createdAt: now,
    updatedAt: now,
  }
  org.entityIds.push(entityId)
  org.accountIds.push(accountId)
  org.accountNumberIds.push(acnoId)
  state.orgs[org.id] = org
  state.keyIndex[hashKey(key)] = org.id
  return org
}

/** the organization of a key, made on its first use (see org-lifetime.ts) */
export type OrgFor = (key: string, hash?: string) => string | Promise<string>

export function createFintocAuth(orgFor: OrgFor, jws: JwsGuard) {
  // a client sends the same key on every request: hash it once (bounded, for many-key test suites)
  const hashes = new Map<string, string>()
  const hashOf = (key: string): string => {
    const known = hashes.get(key)
    if (known !== undefined) return known
    if (hashes.size >= 1000) hashes.clear()
    const hash = hashKey(key)
    hashes.set(key, hash)
    return hash
  }
  return async function authenticate({ headers, operation, rawBody }: AuthInput): Promise<FintocPrincipal> {
    const key = readApiKey(headers)
    const orgId = await orgFor(key, hashOf(key))
    if (jws.requiredFor(operation)) await jws.verify(orgId, headers, rawBody)
    return { orgId, mode: 'test' }
  }
}
