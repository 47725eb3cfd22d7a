import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { checkFlow, enroll } from './checkout-session-flows.js'
import { CHECKOUT_SESSION_EVENT, type CheckoutSessionAction, nextSessionStatus } from './checkout-session-machine.js'
import type { CheckoutFlow, CheckoutLineItem } from './checkout-session-records.js'
import { sessionEventJson } from './checkout-session-wire.js'
import type { CustomerInput, Customers } from './customers.js'
import { ownedBy } from './errors.js'
import type { Emit } from './events.js'
import { type createPaymentIntents, type PaymentInput, planPayment, WRONG_MFA } from './payment-intents.js'
import type { CheckoutSessionRecord, FintocState, PaymentIntentRecord, PaymentIntentStatus } from './state.js'

// Checkout sessions (v1 legacy and v2 current share one record and one table). Paying creates the
// embedded payment intent and runs it through the payment-intent steps; its outcome finishes the session.

export const JOB_EXPIRE_SESSION = 'checkout_session.expire'
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000
export const MIN_SESSION_TTL_MS = 10 * 60 * 1000

export interface CreateSessionBody {
  /** v2 only (v1 knows the payment flow alone) */
  flow?: CheckoutFlow
  /** required on v1; on v2 it depends on the flow (see checkout-session-flows.ts) */
  amount?: number
  line_items?: CheckoutLineItem[]
  currency: string
  success_url: string
  cancel_url: string
  customer?: string | Record<string, unknown>
  customer_data?: CustomerInput
  customer_email?: string
  expires_at?: string
  metadata?: Record<string, unknown>
  payment_method_types?: string[]
}

type Outcome = 'succeeded' | 'failed' | 'rejected' | 'pending'

/** the quickstart test values that lead to each outcome: forced transitions pay with them */
function testValues(currency: 'CLP' | 'MXN', outcome: Outcome): PaymentInput {
  if (currency === 'MXN') return { account: { succeeded: '5555555555', failed: '5555555556', rejected: '5555555557', pending: '5555555558' }[outcome] }
  const chile = { username: '41614850-3', password: 'jonsnow' }
  if (outcome === 'rejected') return { ...chile, account: '422159212', mfa: WRONG_MFA }
  return { ...chile, account: { succeeded: '422159212', failed: '422159213', pending: '422159214' }[outcome] }
}

export function createCheckoutSessions(deps: { ids: IdGenerator; clock: Clock; emit: Emit; intents: ReturnType<typeof createPaymentIntents>; customers: Customers }) {
  const { ids, clock, emit, intents, customers } = deps

  function move(s: FintocState, tools: UpdateTools, cs: CheckoutSessionRecord, action: CheckoutSessionAction) {
    const next = nextSessionStatus(cs.status, action)
    if (!next) throw new ApiError('conflict', `Checkout session ${cs.id} is ${cs.status}: it cannot ${action}`, { code: 'invalid_checkout_session_status' })
    cs.status = next
    const type = CHECKOUT_SESSION_EVENT[next]
    if (type) emit(s, tools, cs.orgId, type, { data: sessionEventJson(s, cs) })
  }

  const owned = (s: FintocState, orgId: string, id: string) => ownedBy(s.checkoutSessions[id], orgId, 'checkout_session', id)

  function resolveCustomer(s: FintocState, orgId: string, api: 'v1' | 'v2', body: CreateSessionBody) {
    if (api === 'v1') return { customerId: null, customerInline: (body.customer as Record<string, unknown> | undefined) ?? null }
    if (body.customer !== undefined && body.customer_data !== undefined) {
      throw new ApiError('invalid_request', 'customer and customer_data cannot be sent together', { param: 'customer_data', code: 'invalid_params' })
    }
    if (typeof body.customer === 'string') return { customerId: customers.owned(s, orgId, body.customer, 'customer').id, customerInline: null }
    if (body.customer_data) return { customerId: customers.create(s, orgId, body.customer_data, 'customer_data').id, customerInline: null }
    return { customerId: null, customerInline: null }
  }

  /** created but past its expires_at, before the expiry job ran: no longer payable */
  const lapsed = (cs: CheckoutSessionRecord) => cs.status === 'created' && clock.now() >= cs.expiresAt

  function payable(cs: CheckoutSessionRecord) {
    if (lapsed(cs)) {
      throw new ApiError('conflict', `Checkout session ${cs.id} expired at its expires_at`, { code: 'invalid_checkout_session_status' })
    }
    if (cs.status !== 'created') throw new ApiError('conflict', `Checkout session ${cs.id} is ${cs.status}: it cannot be paid`, { code: 'invalid_checkout_session_status' })
  }

  /** setup and subscription flows: the payer authorizes; the setup intent, saved method and subscription are made and the session finishes, in this update */
  function startEnrolling(s: FintocState, tools: UpdateTools, cs: CheckoutSessionRecord, input: PaymentInput) {
    payable(cs)
    enroll(s, { ids, clock }, cs, input)
    move(s, tools, cs, 'start')
    move(s, tools, cs, 'finish')
  }

  /** the session's payment intent starts paying with what the payer typed; the session goes in_progress */
  function startPaying(s: FintocState, tools: UpdateTools, cs: CheckoutSessionRecord, input: PaymentInput): PaymentIntentRecord {
    payable(cs)
    // refused test values are refused before anything is made
    planPayment(cs.currency, input)
    const p = intents.create(s, tools, cs.orgId, {
      amount: cs.amount,
      currency: cs.currency,
      // its own copy: records never share objects
      metadata: { ...cs.metadata },
      ...(cs.customerEmail ? { customer_email: cs.customerEmail } : {}),
    })
    intents.pay(s, tools, p, input)
    cs.paymentIntentId = p.id
    move(s, tools, cs, 'start')
    return p
  }

  return {
    owned,
    lapsed,
    create(s: FintocState, tools: UpdateTools, orgId: string, api: 'v1' | 'v2', body: CreateSessionBody, baseUrl: string): CheckoutSessionRecord {
      const now = clock.now()
      let expiresAt = now + DEFAULT_SESSION_TTL_MS
      if (body.expires_at !== undefined) {
        expiresAt = Date.parse(body.expires_at)
        if (Number.isNaN(expiresAt) || expiresAt < now + MIN_SESSION_TTL_MS) {
          throw new ApiError('invalid_request', 'expires_at must be at least 10 minutes in the future', { param: 'expires_at', code: 'invalid_expires_at' })
        }
      }
      // v1: the spec requires amount and knows no other flow
      const shape = api === 'v2' ? checkFlow(body) : { flow: 'payment' as const, amount: body.amount!, lineItems: null }
      const id = ids.prefixed('cs')
      const cs: CheckoutSessionRecord = {
        id,
        orgId,
        api,
        amount: shape.amount,
        currency: body.currency.toUpperCase() as 'CLP' | 'MXN',
        status: 'created',
        successUrl: body.success_url,
        cancelUrl: body.cancel_url,
        ...resolveCustomer(s, orgId, api, body),
        customerEmail: body.customer_email ?? null,
        metadata: body.metadata ?? {},
        paymentMethodTypes: body.payment_method_types ?? ['bank_transfer'],
        paymentIntentId: null,
        flow: shape.flow,
        lineItems: shape.lineItems,
        setupIntent: null,
        paymentMethodId: null,
        subscriptionId: null,
        // reserved for the hosted checkout stand-in (served under the provider's prefix)
        redirectUrl: `${baseUrl}/checkout/${id}`,
        sessionToken: `${id}_sec_${ids.chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 22)}`,
        expiresAt,
        createdAt: now,
      }
      s.checkoutSessions[id] = cs
      const org = s.orgs[orgId]!
      if (org.checkoutSessionIds) org.checkoutSessionIds.push(id)
      else org.checkoutSessionIds = [id]
      tools.schedule(JOB_EXPIRE_SESSION, id, expiresAt - now)
      return cs
    },

    expire(s: FintocState, tools: UpdateTools, orgId: string, id: string) {
      const cs = owned(s, orgId, id)
      move(s, tools, cs, 'expire')
      return cs
    },

    /** the job at expires_at: a session nobody started paying expires; a second run does nothing */
    expireIfOpen(s: FintocState, tools: UpdateTools, id: string) {
      const cs = s.checkoutSessions[id]
      if (cs?.status === 'created') move(s, tools, cs, 'expire')
    },

    /** the hosted page's stand-in: the payer picks a bank and types the test values */
    pay(s: FintocState, tools: UpdateTools, id: string, input: PaymentInput) {
      const cs = s.checkoutSessions[id]!
      if ((cs.flow ?? 'payment') === 'payment') startPaying(s, tools, cs, input)
      else startEnrolling(s, tools, cs, input)
      return cs
    },

    /** every move of a payment intent: the one of an in_progress session ends the flow once it leaves in_progress */
    onPaymentIntent(s: FintocState, tools: UpdateTools, p: PaymentIntentRecord) {
      if (p.status === 'in_progress' || p.status === 'created') return
      const list = s.orgs[p.orgId]?.checkoutSessionIds ?? []
      // the paying session is nearly always a recent one
      for (let i = list.length - 1; i >= 0; i--) {
        const cs = s.checkoutSessions[list[i]!]!
        if (cs.paymentIntentId === p.id) {
          if (cs.status === 'in_progress') move(s, tools, cs, 'finish')
          return
        }
      }
    },

    /** the control API: `expired`, or `finished` with the payment's outcome, through the same steps; false when not allowed */
    force(s: FintocState, tools: UpdateTools, id: string, to: 'expired' | 'finished', outcome: Outcome = 'succeeded'): boolean {
      const cs = s.checkoutSessions[id]!
      if (to === 'expired') {
        if (cs.status !== 'created') return false
        move(s, tools, cs, 'expire')
        return true
      }
      if ((cs.flow ?? 'payment') !== 'payment') {
        // no payment intent: the forced outcome is the setup intent's (pending ends as succeeded, as when paid)
        if (cs.status !== 'created' || lapsed(cs)) return false
        startEnrolling(s, tools, cs, testValues(cs.currency, outcome))
        return true
      }
      if (cs.status === 'created') startPaying(s, tools, cs, testValues(cs.currency, outcome))
      if (cs.status !== 'in_progress' || !cs.paymentIntentId) return false
      const target: PaymentIntentStatus = outcome
      return intents.force(s, tools, cs.paymentIntentId, target)
    },
  }
}

export type CheckoutSessions = ReturnType<typeof createCheckoutSessions>
