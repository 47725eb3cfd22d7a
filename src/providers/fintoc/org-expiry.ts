import type { UpdateTools } from '../types.js'
import type { FintocState } from './state.js'

// Frees organizations: every record they own, their keys, and (through the core) their jobs,
// webhook deliveries and idempotency records, all in the caller's one store update. A key of a freed
// organization that comes back later gets a new, empty one.

export interface Expired {
  orgs: number
  /** records of the organizations themselves (entities, accounts, transfers…) and what the core dropped with them */
  records: number
}

/** `orgs`: each organization's id with the hash of its key (its keyIndex entry: a scan of every key would cost more) */
export function expireOrgs(s: FintocState, tools: UpdateTools, orgs: ReadonlyMap<string, string>): Expired {
  const freed = new Set<string>()
  const gone = new Set<string>()
  const drop = (map: Record<string, unknown>, id: string) => {
    if (!Object.hasOwn(map, id)) return
    delete map[id]
    gone.add(id)
  }
  for (const [orgId, hash] of orgs) {
    const org = s.orgs[orgId]
    if (!org) continue
    freed.add(orgId)
    if (s.keyIndex[hash] === orgId) delete s.keyIndex[hash]
    for (const id of org.accountIds) {
      // movements are listed on their account, not on the organization
      for (const m of s.accounts[id]?.movementIds ?? []) drop(s.movements, m)
      drop(s.accounts, id)
    }
    for (const id of org.entityIds) drop(s.entities, id)
    for (const id of org.accountNumberIds) drop(s.accountNumbers, id)
    for (const id of org.transferIds) drop(s.transfers, id)
    for (const id of org.verificationIds) drop(s.verifications, id)
    for (const id of org.webhookEndpointIds) drop(s.webhookEndpoints, id)
    for (const id of org.paymentIntentIds) drop(s.paymentIntents, id)
    for (const id of org.checkoutSessionIds ?? []) drop(s.checkoutSessions, id)
    for (const id of org.customerIds ?? []) drop(s.customers, id)
    for (const id of org.refundIds) drop(s.refunds, id)
    drop(s.orgs, orgId)
  }
  if (freed.size === 0) return { orgs: 0, records: 0 }
  // events are not listed on their organization: one pass over them. Used JWS nonces (`orgId:nonce`) are left to
  // expire on their own within minutes: org ids are never reused, so they match nothing meanwhile
  for (const id in s.events) if (freed.has(s.events[id]!.orgId)) drop(s.events, id)
  // saved payment methods and subscriptions are few and not listed on their organization either
  for (const id in s.paymentMethods) if (freed.has(s.paymentMethods[id]!.orgId)) drop(s.paymentMethods, id)
  for (const id in s.subscriptions) if (freed.has(s.subscriptions[id]!.orgId)) drop(s.subscriptions, id)
  const dropped = tools.forget?.({ ids: gone, scopes: freed }) ?? 0
  return { orgs: freed.size, records: gone.size - freed.size + dropped }
}
