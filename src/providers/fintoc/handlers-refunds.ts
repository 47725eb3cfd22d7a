import type { Handler, StateSlice } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { declaredQuery, offsetPage, timeWindow } from './pagination.js'
import { type CreateRefundBody, type Refunds, refundJson } from './refunds.js'
import type { FintocState } from './state.js'

// /v1/refunds: create, get, list (offset pages, newest first) and cancel.

export function createRefundHandlers(state: StateSlice<FintocState>, refunds: Refunds): Record<string, Handler<FintocPrincipal>> {
  return {
    createRefund: async (ctx) => {
      const r = await state.update((s, tools) => refunds.create(s, tools, ctx.principal.orgId, ctx.body as CreateRefundBody))
      return { body: refundJson(r, ctx.principal.mode) }
    },
    getRefund: (ctx) => ({ body: refundJson(refunds.owned(state.data, ctx.principal.orgId, ctx.params.id!), ctx.principal.mode) }),
    listRefunds: (ctx) => {
      const s = state.data
      // the object page calls the initial status `created`, the rest of the docs `pending`: both list the pending ones
      const status = ctx.query.status === 'created' ? 'pending' : ctx.query.status
      const inWindow = timeWindow(ctx.query)
      const all = [...s.orgs[ctx.principal.orgId]!.refundIds]
        .reverse()
        .map((id) => s.refunds[id]!)
        .filter((r) => (!status || r.status === status) && inWindow(r.createdAt))
      const page = offsetPage(all, declaredQuery(ctx), `${ctx.baseUrl}${ctx.path}`)
      return { body: page.items.map((r) => refundJson(r, ctx.principal.mode)), headers: { Link: page.link } }
    },
    cancelRefund: async (ctx) => {
      const r = await state.update((s, tools) => refunds.cancel(s, tools, ctx.principal.orgId, ctx.params.id!))
      return { body: refundJson(r, ctx.principal.mode) }
    },
  }
}
