import { z } from 'zod'
import { byId, freeJson, freeObject, referenceChecker } from '../../core/state-schema-kit.js'
import { checkoutSessionRecord, customerRecord } from './checkout-session-schema.js'
import { paymentMethodRecord, subscriptionRecord } from './payment-records-schema.js'
import type { FintocState } from './state.js'

// FintocState (state.ts) as a zod schema, checked before a snapshot replaces the state.

const id = z.string().min(1)
const ids = z.array(z.string())
const time = z.number()
const currency = z.enum(['MXN', 'CLP'])
const direction = z.enum(['inbound', 'outbound'])
const transferStatus = z.enum(['pending', 'succeeded', 'failed', 'rejected', 'returned', 'return_pending'])
const minor = z.number().int()

const org = z.object({
  id,
  mode: z.enum(['test', 'live']),
  keyHint: z.string(),
  createdAt: time,
  entityIds: ids,
  accountIds: ids.min(1, 'must hold the root account'),
  accountNumberIds: ids,
  transferIds: ids,
  verificationIds: ids,
  webhookEndpointIds: ids,
  paymentIntentIds: ids,
  refundIds: ids,
  checkoutSessionIds: ids.optional(),
  customerIds: ids.optional(),
  jwsPublicKeys: z.array(z.string()),
  inboundSeq: z.number().int().min(0).optional(),
  auto: z.literal(true).optional(),
})

const entity = z.object({ id, orgId: id, holder_name: z.string(), holder_id: z.string(), is_root: z.boolean() })

const account = z.object({
  id,
  orgId: id,
  entityId: id,
  description: z.string().nullable(),
  currency,
  available_balance: minor,
  status: z.enum(['active', 'blocked', 'closed']),
  is_root: z.boolean(),
  rootAccountNumberId: id,
  movementIds: ids,
  createdAt: time,
})

const accountNumber = z.object({
  id,
  orgId: id,
  account_id: id,
  number: z.string(),
  description: z.string().nullable(),
  metadata: freeObject,
  status: z.enum(['enabled', 'disabled', 'deleted']),
  is_root: z.boolean(),
  createdAt: time,
  updatedAt: time,
})

const transfer = z.object({
  id,
  orgId: id,
  accountId: id,
  accountNumberId: id,
  direction,
  status: transferStatus,
  amount: minor,
  currency,
  comment: z.string().nullable(),
  reference_id: z.string().nullable(),
  metadata: freeObject.nullable(),
  counterparty: z.object({
    holder_id: z.string().nullable(),
    holder_name: z.string().nullable(),
    account_number: z.string(),
    account_type: z.string().nullable(),
    institution: z.object({ id: z.string(), name: z.string(), country: z.string() }).nullable(),
  }),
  tracking_key: z.string(),
  transactionDate: time,
  postDate: time.nullable(),
  returnReason: z.string().nullable(),
  plannedOutcome: z.enum(['succeeded', 'failed', 'rejected', 'returned']),
  returnFails: z.boolean(),
})

const movement = z.object({
  id,
  orgId: id,
  accountId: id,
  amount: minor,
  balance: minor,
  currency,
  direction,
  resourceId: z.string(),
  returnPairId: z.string().nullable(),
  transactionDate: time,
})

const event = z.object({
  id,
  orgId: id,
  type: z.string().min(1),
  createdAt: time,
  data: freeJson,
  transfer: z.object({ transferId: id, status: transferStatus, postDate: time.nullable(), returnReason: z.string().nullable() }).optional(),
})

const verification = z.object({
  id,
  orgId: id,
  status: z.enum(['pending', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  transferId: z.string(),
  accountNumber: z.string(),
  holderName: z.string(),
  holderId: z.string(),
  createdAt: time,
})

const webhookEndpoint = z.object({
  id,
  orgId: id,
  url: z.string(),
  description: z.string().nullable(),
  enabledEvents: z.array(z.string()),
  status: z.enum(['enabled', 'disabled']),
  secret: z.string(),
  createdAt: time,
})

const intentAccount = z.object({ holder_id: z.string(), number: z.string(), type: z.string(), institution_id: z.string() })

const paymentIntent = z.object({
  id,
  orgId: id,
  amount: minor,
  currency,
  status: z.enum(['created', 'in_progress', 'succeeded', 'failed', 'rejected', 'pending', 'expired']),
  widgetToken: z.string(),
  referenceId: z.string().nullable(),
  transactionDate: time.nullable(),
  metadata: freeObject,
  errorReason: z.string().nullable(),
  customerEmail: z.string().nullable(),
  recipientAccount: intentAccount.nullable(),
  senderAccount: intentAccount.nullable(),
  createdAt: time,
  plan: z.union([z.object({ outcome: z.enum(['succeeded', 'failed', 'rejected']) }), z.object({ outcome: z.literal('pending'), later: z.enum(['succeeded', 'failed']) })]).nullable(),
})

const refund = z.object({
  id,
  orgId: id,
  resourceId: id,
  amount: minor.min(1),
  currency,
  status: z.enum(['pending', 'in_progress', 'succeeded', 'failed', 'canceled']),
  failureCode: z.string().nullable(),
  metadata: freeObject,
  recipientAccount: z.object({ holder_id: z.string(), holder_name: z.string().nullable(), institution_id: z.string(), number: z.string(), type: z.string() }).nullable(),
  createdAt: time,
  updatedAt: time,
  plan: z.union([z.object({ outcome: z.literal('succeeded') }), z.object({ outcome: z.literal('failed'), failureCode: z.string() })]),
})

const outcomeRule = z.object({
  direction: z.enum(['inbound', 'outbound', 'verification', 'refund']),
  account_number: z.string().optional(),
  amount: z.number().optional(),
  outcome: z.enum(['succeeded', 'failed', 'rejected', 'returned', 'return_fails']),
  reason: z.string().optional(),
})

export const fintocStateSchema: z.ZodType<FintocState> = z
  .object({
    orgs: byId(org),
    keyIndex: z.record(z.string(), z.string()),
    entities: byId(entity),
    accounts: byId(account),
    accountNumbers: byId(accountNumber),
    transfers: byId(transfer),
    movements: byId(movement),
    events: byId(event),
    verifications: byId(verification),
    webhookEndpoints: byId(webhookEndpoint),
    paymentIntents: byId(paymentIntent),
    refunds: byId(refund),
    // absent in snapshots from before checkout sessions
    checkoutSessions: byId(checkoutSessionRecord).default({}),
    customers: byId(customerRecord).default({}),
    // absent in snapshots from before saved payment methods and subscriptions
    paymentMethods: byId(paymentMethodRecord).default({}),
    subscriptions: byId(subscriptionRecord).default({}),
    outcomeRules: z.array(outcomeRule),
    usedNonces: z.record(z.string(), z.number()),
    clabeSeq: z.number().int().min(1),
    trackingSeq: z.number().int().min(1),
  })
  .superRefine((s, ctx) => {
    // the links every call follows: a missing record would answer 500 instead of the resource
    const { refs, index } = referenceChecker(ctx)
    index('keyIndex', s.keyIndex, s.orgs, 'org')
    refs('orgs', s.orgs, 'entityIds', s.entities, 'entity')
    refs('orgs', s.orgs, 'accountIds', s.accounts, 'account')
    refs('orgs', s.orgs, 'accountNumberIds', s.accountNumbers, 'account number')
    refs('orgs', s.orgs, 'transferIds', s.transfers, 'transfer')
    refs('orgs', s.orgs, 'verificationIds', s.verifications, 'verification')
    refs('orgs', s.orgs, 'webhookEndpointIds', s.webhookEndpoints, 'webhook endpoint')
    refs('orgs', s.orgs, 'paymentIntentIds', s.paymentIntents, 'payment intent')
    refs('orgs', s.orgs, 'refundIds', s.refunds, 'refund')
    refs('orgs', s.orgs, 'checkoutSessionIds', s.checkoutSessions, 'checkout session')
    refs('orgs', s.orgs, 'customerIds', s.customers, 'customer')
    for (const [map, records] of [
      ['entities', s.entities],
      ['accounts', s.accounts],
      ['accountNumbers', s.accountNumbers],
      ['transfers', s.transfers],
      ['movements', s.movements],
      ['events', s.events],
      ['verifications', s.verifications],
      ['webhookEndpoints', s.webhookEndpoints],
      ['paymentIntents', s.paymentIntents],
      ['refunds', s.refunds],
      ['checkoutSessions', s.checkoutSessions],
      ['customers', s.customers],
      ['paymentMethods', s.paymentMethods],
      ['subscriptions', s.subscriptions],
    ] as const) {
      refs<{ orgId: string }>(map, records, 'orgId', s.orgs, 'org')
    }
    refs('accounts', s.accounts, 'entityId', s.entities, 'entity')
    refs('accounts', s.accounts, 'rootAccountNumberId', s.accountNumbers, 'account number')
    refs('accounts', s.accounts, 'movementIds', s.movements, 'movement')
    refs('accountNumbers', s.accountNumbers, 'account_id', s.accounts, 'account')
    refs('transfers', s.transfers, 'accountId', s.accounts, 'account')
    refs('transfers', s.transfers, 'accountNumberId', s.accountNumbers, 'account number')
    refs('movements', s.movements, 'accountId', s.accounts, 'account')
    for (const key in s.events) {
      const t = s.events[key]!.transfer
      if (t && !Object.hasOwn(s.transfers, t.transferId)) ctx.addIssue({ code: 'custom', path: ['events', key, 'transfer', 'transferId'], message: `no transfer ${t.transferId}` })
    }
  })
