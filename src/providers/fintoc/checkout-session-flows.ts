import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { CheckoutFlow, CheckoutLineItem, CheckoutSessionRecord, SetupIntentRecord } from './checkout-session-records.js'
import { institutionsFor } from './institutions.js'
import { type PaymentInput, planPayment } from './payment-intents.js'
import { savePaymentMethod } from './payment-methods.js'
import type { FintocState } from './state.js'
import { createSubscription } from './subscriptions.js'

// The three v2 session flows: which fields each needs at creation, and what completing a setup or subscription
// flow makes (a setup intent, a saved method for the customer, the subscription). Pure steps on the caller's
// store update, so the session's move, its event and these records are written together.

/** under 7,000,000 minor units: the largest amount any bank allows (as for `amount`) */
const MAX_AMOUNT = 7_000_000

export interface FlowBody {
  flow?: CheckoutFlow
  amount?: number
  currency: string
  customer?: unknown
  customer_data?: unknown
  line_items?: CheckoutLineItem[]
}

const missing = (param: string, why: string) => new ApiError('invalid_request', `Missing required param: ${param} (${why})`, { param, code: 'missing_parameter' })
const invalid = (param: string, message: string, code = 'invalid_params') => new ApiError('invalid_request', message, { param, code })

/** each item as the session echoes it: only the fields the sandbox knows */
const echoItem = (i: CheckoutLineItem): CheckoutLineItem => ({
  quantity: i.quantity,
  price_data: {
    unit_amount: i.price_data.unit_amount,
    ...(i.price_data.product_data ? { product_data: { ...i.price_data.product_data } } : {}),
    ...(i.price_data.recurring ? { recurring: { ...i.price_data.recurring } } : {}),
  },
})

/**
 * The amount and line items a v2 session stores, by flow; refuses what the flow does not allow.
 * payment: `amount` or `line_items` (not both); subscription: both, equal; setup: neither, CLP only.
 * subscription and setup need `customer` or `customer_data`.
 */
export function checkFlow(body: FlowBody): { flow: CheckoutFlow; amount: number; lineItems: CheckoutLineItem[] | null } {
  const flow = body.flow ?? 'payment'
  const items = body.line_items?.map(echoItem) ?? null
  const total = items ? items.reduce((sum, i) => sum + i.price_data.unit_amount * i.quantity, 0) : undefined
  if (items && items.length === 0) throw invalid('line_items', 'line_items must hold at least one item')
  if (total !== undefined && total >= MAX_AMOUNT) throw invalid('line_items', `The line_items total (${total}) must be under ${MAX_AMOUNT}`, 'invalid_amount')
  if (flow !== 'payment' && body.customer === undefined && body.customer_data === undefined) throw missing('customer', `flow ${flow} needs customer or customer_data`)
  if (flow === 'setup') {
    if (body.amount !== undefined) throw invalid('amount', 'amount is not accepted with flow setup: nothing is charged', 'invalid_amount')
    if (body.line_items !== undefined) throw invalid('line_items', 'line_items is not accepted with flow setup')
    if (body.currency.toUpperCase() !== 'CLP') throw invalid('currency', 'currency must be CLP with flow setup (automatic debit is Chilean)', 'invalid_currency')
    return { flow, amount: 0, lineItems: null }
  }
  if (flow === 'subscription') {
    if (!items) throw missing('line_items', 'flow subscription needs line_items')
    if (body.amount === undefined) throw missing('amount', 'flow subscription needs amount, equal to the line_items total')
    if (body.amount !== total) throw invalid('amount', `amount (${body.amount}) must equal the line_items total (${total})`, 'invalid_amount')
    return { flow, amount: body.amount, lineItems: items }
  }
  if (body.amount !== undefined && items) throw invalid('amount', 'Send amount or line_items, not both', 'invalid_amount')
  if (body.amount === undefined && total === undefined) throw missing('amount', 'flow payment needs amount or line_items')
  return { flow, amount: body.amount ?? total!, lineItems: items }
}

/** what the payer's bank answered, as the saved method shows it (pac for Chile's automatic debit; inferred for MXN) */
function methodFor(cs: CheckoutSessionRecord, input: PaymentInput) {
  const bank = institutionsFor(cs.currency).find((b) => b.id === input.institution_id) ?? institutionsFor(cs.currency)[0]!
  const institution = { id: bank.id, country: cs.currency === 'CLP' ? 'cl' : 'mx', name: bank.name }
  if (cs.currency === 'CLP') {
    return {
      type: 'pac' as const,
      details: { account_holder_id: (input.username ?? '').replace(/[.-]/g, ''), account_number: input.account ?? '', account_type: 'checking_account', institution, status: 'active' },
    }
  }
  return { type: 'bank_transfer' as const, details: { account_number: input.account ?? '', institution } }
}

/**
 * The payer authorizes a setup or subscription flow with the test values: the setup intent takes the outcome at
 * once (a pending one its later outcome: no mandate is left waiting); on success the method is saved for the
 * session's customer and, for subscription, the subscription is created. Refused test values throw before anything.
 */
export function enroll(s: FintocState, deps: { ids: IdGenerator; clock: Clock }, cs: CheckoutSessionRecord, input: PaymentInput): SetupIntentRecord {
  const plan = planPayment(cs.currency, input)
  const outcome = plan.outcome === 'pending' ? plan.later : plan.outcome
  const seti: SetupIntentRecord = {
    id: deps.ids.prefixed('seti'),
    status: outcome === 'succeeded' ? 'succeeded' : 'failed',
    errorReason: outcome === 'succeeded' ? null : outcome === 'rejected' ? 'mfa_rejected' : 'setup_failed',
  }
  cs.setupIntent = seti
  if (outcome !== 'succeeded' || !cs.customerId) return seti
  const method = savePaymentMethod(s, deps, cs.orgId, { customerId: cs.customerId, ...methodFor(cs, input) })
  cs.paymentMethodId = method.id
  if (cs.flow === 'subscription') {
    const items = (cs.lineItems ?? []).map((i) => ({ price: deps.ids.prefixed('price'), quantity: i.quantity }))
    cs.subscriptionId = createSubscription(s, deps, cs.orgId, { customerId: cs.customerId, items, metadata: { ...cs.metadata } }).id
  }
  return seti
}

export const setupIntentJson = (seti: SetupIntentRecord) => ({ id: seti.id, object: 'setup_intent', error_reason: seti.errorReason, status: seti.status })
