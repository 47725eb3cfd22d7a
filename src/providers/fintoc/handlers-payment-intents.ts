import type { Handler, StateSlice } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { declaredQuery, offsetPage, timeWindow } from './pagination.js'
import { type CreateBody, type createPaymentIntents, paymentIntentJson } from './payment-intents.js'
import type { FintocState } from './state.js'

// /v1/payment_intents: the widget token is shown only in the answer to create.

export function createPaymentIntentHandlers(state: StateSlice<FintocState>, intents: ReturnType<typeof createPaymentIntents>): Record<string, Handler<FintocPrincipal>> {
  return {
    createPaymentIntent: async (ctx) => {
      const p = await state.update((s, tools) => intents.create(s, tools, ctx.principal.orgId, ctx.body as CreateBody))
      return { body: paymentIntentJson(p, ctx.principal.mode, true) }
    },
    getPaymentIntent: (ctx) => ({ body: paymentIntentJson(intents.owned(state.data, ctx.principal.orgId, ctx.params.id!), ctx.principal.mode) }),
    listPaymentIntents: (ctx) => {
      const s = state.data
      const { status } = ctx.query
      const inWindow = timeWindow(ctx.query)
      const all = [...s.orgs[ctx.principal.orgId]!.paymentIntentIds]
        .reverse()
        .map((id) => s.paymentIntents[id]!)
        .filter((p) => (!status || p.status === status) && inWindow(p.createdAt))
      const page = offsetPage(all, declaredQuery(ctx), `${ctx.baseUrl}${ctx.path}`)
      return { body: page.items.map((p) => paymentIntentJson(p, ctx.principal.mode)), headers: { Link: page.link } }
    },
    expirePaymentIntent: async (ctx) => {
      const p = await state.update((s, tools) => intents.expire(s, tools, ctx.principal.orgId, ctx.params.id!))
      return { body: paymentIntentJson(p, ctx.principal.mode) }
    },
  }
}
