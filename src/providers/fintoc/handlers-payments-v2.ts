import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { Handler, StateSlice } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { checkEligibility, type EligibilityBody } from './eligibility.js'
import { ownedBy } from './errors.js'
import { cursorList } from './pagination.js'
import { paymentIntentJson } from './payment-intents.js'
import { paymentMethodJson } from './payment-methods.js'
import type { FintocState, Mode, PaymentIntentRecord } from './state.js'
import { cancelSubscription, subscriptionJson } from './subscriptions.js'

// The v2 payment read side the SDK calls: payment intents (the v1 ones, in the current shape), saved payment
// methods, subscriptions; plus the v1 eligibility pre-check.

/** the current (2026-02-01) shape: the v1 fields plus the ones v2 added */
export const paymentIntentV2Json = (p: PaymentIntentRecord, mode: Mode) => ({
  ...paymentIntentJson(p, mode),
  payment_type: 'bank_transfer',
  customer: null,
  next_action: null,
  payment_method: null,
  subscription: null,
})

/** refused on /v2/payment_intents as documented: they only make sense for a payer in the widget */
const V1_ONLY = ['recipient_account', 'customer_email', 'payment_type', 'expires_at'] as const

export function createPaymentsV2Handlers(state: StateSlice<FintocState>, clock: Clock): Record<string, Handler<FintocPrincipal>> {
  return {
    checkPaymentIntentEligibility: (ctx) => ({ body: checkEligibility(ctx.body as EligibilityBody) }),
    listPaymentIntentsV2: (ctx) => {
      const s = state.data
      return cursorList(ctx, {
        ids: s.orgs[ctx.principal.orgId]!.paymentIntentIds,
        lookup: (id) => s.paymentIntents[id]!,
        json: (p) => paymentIntentV2Json(p, ctx.principal.mode),
      })
    },
    getPaymentIntentV2: (ctx) => {
      const p = ownedBy(state.data.paymentIntents[ctx.params.id!], ctx.principal.orgId, 'payment_intent', ctx.params.id!)
      return { body: paymentIntentV2Json(p, ctx.principal.mode) }
    },
    createPaymentIntentV2: (ctx) => {
      const body = ctx.body as Record<string, unknown> & { payment_method: string }
      const v1 = V1_ONLY.find((k) => body[k] !== undefined)
      if (v1) throw new ApiError('invalid_request', `Invalid param: ${v1} is not accepted by /v2/payment_intents`, { param: v1, code: 'invalid_params' })
      ownedBy(state.data.paymentMethods[body.payment_method], ctx.principal.orgId, 'payment_method', body.payment_method, 'payment_method')
      // a charge without the payer is not emulated: say so rather than pretend it happened
      throw new ApiError('precondition', 'Charging a saved payment method is not available in this sandbox', { status: 422, code: 'not_supported_product', param: 'payment_method' })
    },
    listPaymentMethods: (ctx) => {
      const s = state.data
      const { customer } = ctx.query
      // not listed on the organization (no OrgRecord field to migrate): few, so a scan of all of them is cheap
      return cursorList(ctx, {
        ids: Object.keys(s.paymentMethods),
        lookup: (id) => s.paymentMethods[id]!,
        keep: (m) => m.orgId === ctx.principal.orgId && (!customer || m.customerId === customer),
        json: (m) => paymentMethodJson(m, ctx.principal.mode),
      })
    },
    getPaymentMethod: (ctx) => {
      const m = ownedBy(state.data.paymentMethods[ctx.params.id!], ctx.principal.orgId, 'payment_method', ctx.params.id!)
      return { body: paymentMethodJson(m, ctx.principal.mode) }
    },
    listSubscriptions: (ctx) => {
      const s = state.data
      const { customer, status } = ctx.query
      return cursorList(ctx, {
        ids: Object.keys(s.subscriptions),
        lookup: (id) => s.subscriptions[id]!,
        keep: (sub) => sub.orgId === ctx.principal.orgId && (!customer || sub.customerId === customer) && (!status || sub.status === status),
        json: (sub) => subscriptionJson(sub, ctx.principal.mode),
      })
    },
    getSubscription: (ctx) => {
      const sub = ownedBy(state.data.subscriptions[ctx.params.id!], ctx.principal.orgId, 'subscription', ctx.params.id!)
      return { body: subscriptionJson(sub, ctx.principal.mode) }
    },
    cancelSubscription: async (ctx) => {
      const sub = await state.update((s) => cancelSubscription(s, clock, ctx.principal.orgId, ctx.params.id!))
      return { body: subscriptionJson(sub, ctx.principal.mode) }
    },
  }
}
