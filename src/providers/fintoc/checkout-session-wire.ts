import { setupIntentJson } from './checkout-session-flows.js'
import { customerJson } from './customers.js'
import { paymentIntentJson } from './payment-intents.js'
import type { CheckoutSessionRecord, FintocState, Mode } from './state.js'
import { isoSeconds } from './wire.js'

// Sessions as JSON: the current (2026-02-01) shape on /v2, the legacy (2023-11-15) one on /v1.

/** null until the payer starts paying (the docs only show finished sessions: inferred) */
function paymentResource(s: FintocState, cs: CheckoutSessionRecord, mode: Mode) {
  const p = cs.paymentIntentId ? s.paymentIntents[cs.paymentIntentId] : undefined
  return p ? { payment_intent: paymentIntentJson(p, mode) } : null
}

export function checkoutSessionJson(s: FintocState, cs: CheckoutSessionRecord, mode: Mode) {
  const customer = cs.customerId ? s.customers[cs.customerId] : undefined
  const flow = cs.flow ?? 'payment'
  return {
    id: cs.id,
    object: 'checkout_session',
    // the setup flow charges nothing: documented as absent, served as null (inferred)
    amount: flow === 'setup' ? null : cs.amount,
    business_profile: null,
    cancel_url: cs.cancelUrl,
    created_at: isoSeconds(cs.createdAt),
    currency: cs.currency,
    customer: customer ? customerJson(customer, mode) : null,
    customer_email: cs.customerEmail,
    expires_at: isoSeconds(cs.expiresAt),
    flow,
    line_items: cs.lineItems ?? null,
    metadata: cs.metadata,
    mode,
    // the method a setup saved (inferred: the docs show null on a payment session)
    payment_method: cs.paymentMethodId ?? null,
    payment_method_options: {},
    payment_method_types: cs.paymentMethodTypes,
    payment_resource: paymentResource(s, cs, mode),
    redirect_url: cs.redirectUrl,
    session_token: cs.sessionToken,
    setup_intent: cs.setupIntent ? setupIntentJson(cs.setupIntent) : null,
    status: cs.status,
    // not in the documented object (inferred): the subscription a subscription-flow session created
    subscription: cs.subscriptionId ?? null,
    success_url: cs.successUrl,
  }
}

export function legacyCheckoutSessionJson(s: FintocState, cs: CheckoutSessionRecord, mode: Mode) {
  return {
    id: cs.id,
    object: 'checkout_session',
    amount: cs.amount,
    business_profile: null,
    cancel_url: cs.cancelUrl,
    created_at: isoSeconds(cs.createdAt),
    currency: cs.currency,
    customer: cs.customerInline,
    customer_email: cs.customerEmail,
    expires_at: isoSeconds(cs.expiresAt),
    metadata: cs.metadata,
    mode,
    payment_method_options: {},
    payment_methods: ['payment_intent'],
    payment_resource: paymentResource(s, cs, mode),
    redirect_url: cs.redirectUrl,
    // hosted mode: the legacy object example shows null
    session_token: null,
    status: cs.status,
    success_url: cs.successUrl,
  }
}

/** what an event carries: the shape of the namespace the session was created through */
export const sessionEventJson = (s: FintocState, cs: CheckoutSessionRecord) =>
  cs.api === 'v2' ? checkoutSessionJson(s, cs, 'test') : legacyCheckoutSessionJson(s, cs, 'test')
