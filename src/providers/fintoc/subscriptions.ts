import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { ownedBy } from './errors.js'
import type { SubscriptionItem, SubscriptionRecord, SubscriptionStatus } from './payment-records.js'
import type { FintocState, Mode } from './state.js'
import { isoSeconds } from './wire.js'

// v2 subscriptions as stateful records: sessions of the subscription flow (or scenarios) create them, the API
// reads and cancels them. Charging them on a schedule is not emulated.

export const SUBSCRIPTION_TRANSITIONS: Record<SubscriptionStatus, Partial<Record<'cancel', SubscriptionStatus>>> = {
  incomplete: { cancel: 'canceled' },
  trialing: { cancel: 'canceled' },
  active: { cancel: 'canceled' },
  past_due: { cancel: 'canceled' },
  canceled: {},
}

export interface CreateSubscriptionInput {
  customerId: string
  items: SubscriptionItem[]
  status?: SubscriptionStatus
  collectionMethod?: SubscriptionRecord['collectionMethod']
  metadata?: Record<string, unknown>
  id?: string
}

export function createSubscription(s: FintocState, deps: { ids: IdGenerator; clock: Clock }, orgId: string, input: CreateSubscriptionInput): SubscriptionRecord {
  const now = deps.clock.now()
  const sub: SubscriptionRecord = {
    id: input.id ?? deps.ids.prefixed('sub'),
    orgId,
    customerId: input.customerId,
    status: input.status ?? 'active',
    // sessions enroll an automatic debit; subscriptions made through the API would be send_invoice
    collectionMethod: input.collectionMethod ?? 'charge_automatically',
    items: input.items,
    metadata: input.metadata ?? {},
    billingCycleAnchor: now,
    canceledAt: null,
    createdAt: now,
  }
  s.subscriptions[sub.id] = sub
  return sub
}

export function cancelSubscription(s: FintocState, clock: Clock, orgId: string, id: string): SubscriptionRecord {
  const sub = ownedBy(s.subscriptions[id], orgId, 'subscription', id)
  const next = SUBSCRIPTION_TRANSITIONS[sub.status].cancel
  if (!next) throw new ApiError('conflict', `Subscription ${sub.id} is ${sub.status}: it cannot be canceled`, { code: 'invalid_subscription_status' })
  sub.status = next
  sub.canceledAt = clock.now()
  return sub
}

export const subscriptionJson = (sub: SubscriptionRecord, mode: Mode) => ({
  id: sub.id,
  object: 'subscription',
  billing_cycle_anchor: isoSeconds(sub.billingCycleAnchor),
  canceled_at: sub.canceledAt === null ? null : isoSeconds(sub.canceledAt),
  collection_method: sub.collectionMethod,
  created_at: isoSeconds(sub.createdAt),
  customer: sub.customerId,
  items: sub.items,
  metadata: sub.metadata,
  mode,
  status: sub.status,
})
