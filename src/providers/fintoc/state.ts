import type { CheckoutSessionRecord, CustomerRecord } from './checkout-session-records.js'
import type { OutcomeRule } from './outcomes.js'
import type { Plan } from './payment-intents.js'
import type { PaymentMethodRecord, SubscriptionRecord } from './payment-records.js'

// Stored Fintoc records. Wire fields are kept as they are sent; `orgId` scopes every record.

export type Mode = 'test' | 'live'

export interface OrgRecord {
  id: string
  mode: Mode
  /** masked key, for humans reading the state */
  keyHint: string
  createdAt: number
  entityIds: string[]
  accountIds: string[]
  accountNumberIds: string[]
  transferIds: string[]
  verificationIds: string[]
  webhookEndpointIds: string[]
  paymentIntentIds: string[]
  refundIds: string[]
  /** absent in snapshots from before checkout sessions: none */
  checkoutSessionIds?: string[]
  customerIds?: string[]
  /** PEM public keys that verify this organization's signed requests */
  jwsPublicKeys: string[]
  /** the last reference_id given to a simulated inbound transfer (absent in older snapshots: 0) */
  inboundSeq?: number
  /** made on the fly by a key's first request (not declared in a scenario): freed once idle (see org-lifetime.ts) */
  auto?: true
}

export interface EntityRecord {
  id: string
  orgId: string
  holder_name: string
  holder_id: string
  is_root: boolean
}

export interface AccountRecord {
  id: string
  orgId: string
  entityId: string
  description: string | null
  currency: 'MXN' | 'CLP'
  /** minor units, integer */
  available_balance: number
  status: 'active' | 'blocked' | 'closed'
  is_root: boolean
  rootAccountNumberId: string
  movementIds: string[]
  createdAt: number
}

export interface AccountNumberRecord {
  id: string
  orgId: string
  account_id: string
  number: string
  description: string | null
  metadata: Record<string, unknown>
  /** deleted: permanent, receives nothing (Mexico only) */
  status: 'enabled' | 'disabled' | 'deleted'
  is_root: boolean
  createdAt: number
  updatedAt: number
}

export type TransferStatus = 'pending' | 'succeeded' | 'failed' | 'rejected' | 'returned' | 'return_pending'
export type Direction = 'inbound' | 'outbound'

export interface Counterparty {
  holder_id: string | null
  holder_name: string | null
  account_number: string
  account_type: string | null
  institution: { id: string; name: string; country: string } | null
}

export interface TransferRecord {
  id: string
  orgId: string
  accountId: string
  accountNumberId: string
  direction: Direction
  status: TransferStatus
  amount: number
  currency: 'MXN' | 'CLP'
  comment: string | null
  reference_id: string | null
  /** null when the client sent none (answered as {}): 100k empty objects are ~5 MB of heap */
  metadata: Record<string, unknown> | null
  counterparty: Counterparty
  tracking_key: string
  transactionDate: number
  /** set when it settles; the CEP receipt URL is derived from it and the tracking key */
  postDate: number | null
  returnReason: string | null
  /** the outcome the rules chose at creation, applied when the transfer settles */
  plannedOutcome: 'succeeded' | 'failed' | 'rejected' | 'returned'
  /** for inbound transfers: whether a return of it will fail */
  returnFails: boolean
}

export interface MovementRecord {
  id: string
  orgId: string
  accountId: string
  amount: number
  balance: number
  currency: 'MXN' | 'CLP'
  direction: Direction
  resourceId: string
  returnPairId: string | null
  transactionDate: number
}

/**
 * What a transfer event keeps: only the fields that change after creation, as they were when it happened.
 * The rest is read from the transfer, which never changes it, so 100k events do not hold 100k copies.
 */
export interface TransferAsOf {
  transferId: string
  status: TransferStatus
  postDate: number | null
  returnReason: string | null
}

export interface EventRecord {
  id: string
  orgId: string
  type: string
  createdAt: number
  /** the resource as it was when the event happened (null for a transfer event: see `transfer`) */
  data: unknown
  transfer?: TransferAsOf
}

export interface VerificationRecord {
  id: string
  orgId: string
  status: 'pending' | 'succeeded' | 'failed'
  reason: string | null
  transferId: string
  accountNumber: string
  holderName: string
  holderId: string
  createdAt: number
}

export interface WebhookEndpointRecord {
  id: string
  orgId: string
  url: string
  description: string | null
  enabledEvents: string[]
  status: 'enabled' | 'disabled'
  /** signs deliveries; shown to the client only on create */
  secret: string
  createdAt: number
}

export type PaymentIntentStatus = 'created' | 'in_progress' | 'succeeded' | 'failed' | 'rejected' | 'pending' | 'expired'

export interface PaymentIntentAccount {
  holder_id: string
  number: string
  type: string
  institution_id: string
}

export interface PaymentIntentRecord {
  id: string
  orgId: string
  amount: number
  currency: 'CLP' | 'MXN'
  status: PaymentIntentStatus
  widgetToken: string
  referenceId: string | null
  transactionDate: number | null
  metadata: Record<string, unknown>
  errorReason: string | null
  customerEmail: string | null
  recipientAccount: PaymentIntentAccount | null
  senderAccount: PaymentIntentAccount | null
  createdAt: number
  /** what the payer's test values lead to, set when they pay */
  plan: Plan | null
}

export type { CheckoutSessionRecord, CheckoutSessionStatus, CustomerRecord } from './checkout-session-records.js'

export type RefundStatus = 'pending' | 'in_progress' | 'succeeded' | 'failed' | 'canceled'

/** the payer's account a refund goes back to (Fintoc's refund `recipient_account`) */
export interface RefundAccount {
  holder_id: string
  holder_name: string | null
  institution_id: string
  number: string
  type: string
}

export interface RefundRecord {
  id: string
  orgId: string
  /** the refunded payment intent (`resource_type` is always `payment_intent`) */
  resourceId: string
  amount: number
  currency: 'CLP' | 'MXN'
  status: RefundStatus
  failureCode: string | null
  metadata: Record<string, unknown>
  recipientAccount: RefundAccount | null
  createdAt: number
  updatedAt: number
  /** the outcome the rules chose at creation, applied when the refund settles */
  plan: { outcome: 'succeeded' } | { outcome: 'failed'; failureCode: string }
}

export interface FintocState {
  orgs: Record<string, OrgRecord>
  /** sha256(api key) → org id */
  keyIndex: Record<string, string>
  entities: Record<string, EntityRecord>
  accounts: Record<string, AccountRecord>
  accountNumbers: Record<string, AccountNumberRecord>
  transfers: Record<string, TransferRecord>
  movements: Record<string, MovementRecord>
  events: Record<string, EventRecord>
  verifications: Record<string, VerificationRecord>
  webhookEndpoints: Record<string, WebhookEndpointRecord>
  paymentIntents: Record<string, PaymentIntentRecord>
  refunds: Record<string, RefundRecord>
  checkoutSessions: Record<string, CheckoutSessionRecord>
  customers: Record<string, CustomerRecord>
  paymentMethods: Record<string, PaymentMethodRecord>
  subscriptions: Record<string, SubscriptionRecord>
  /** outcome rules from scenario files, matched before the built-in ones */
  outcomeRules: OutcomeRule[]
  /** `orgId:nonce` → when the nonce may be forgotten (its ts can no longer pass the window) */
  usedNonces: Record<string, number>
  /** next sequence for CLABEs under Fintoc's prefix */
  clabeSeq: number
  trackingSeq: number
}

export const initialFintocState = (): FintocState => ({
  orgs: {},
  keyIndex: {},
  entities: {},
  accounts: {},
  accountNumbers: {},
  transfers: {},
  movements: {},
  events: {},
  verifications: {},
  webhookEndpoints: {},
  paymentIntents: {},
  refunds: {},
  checkoutSessions: {},
  customers: {},
  paymentMethods: {},
  subscriptions: {},
  outcomeRules: [],
  usedNonces: {},
  clabeSeq: 1,
  trackingSeq: 1,
})
