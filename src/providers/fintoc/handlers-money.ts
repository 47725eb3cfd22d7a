import type { Handler, RequestContext, StateSlice } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { notFound, ownedBy } from './errors.js'
import type { Money, SimulateBody, TransferBody } from './money.js'
import { cursorList, timeWindow } from './pagination.js'
import type { FintocState, TransferRecord } from './state.js'
import { eventJson, movementJson, transferJson } from './wire.js'

// Transfers, movements and events: writes go through the money domain in one store update.

type Ctx = RequestContext<FintocPrincipal>


export function createMoneyHandlers(state: StateSlice<FintocState>, money: Money): Record<string, Handler<FintocPrincipal>> {
  const json = (t: TransferRecord, ctx: Ctx) => transferJson(state.data, t, ctx.principal.mode)

  return {
    simulateReceiveTransfer: async (ctx) => {
      const t = await state.update((s, tools) => money.simulateInbound(s, tools, ctx.principal.orgId, ctx.body as SimulateBody))
      return { body: json(t, ctx) }
    },
    createTransfer: async (ctx) => {
      const t = await state.update((s, tools) => money.createOutbound(s, tools, ctx.principal.orgId, ctx.body as TransferBody))
      return { body: json(t, ctx) }
    },
    returnTransfer: async (ctx) => {
      const { transfer_id: id } = ctx.body as { transfer_id: string }
      const t = await state.update((s, tools) => money.requestReturn(s, tools, ctx.principal.orgId, id))
      return { body: json(t, ctx) }
    },
    getTransfer: (ctx) => {
      const t = ownedBy(state.data.transfers[ctx.params.id!], ctx.principal.orgId, 'transfer', ctx.params.id!)
      return { body: json(t, ctx) }
    },
    listTransfers: (ctx) => {
      const s = state.data
      const { status, direction, account_id: accountId } = ctx.query
      const inWindow = timeWindow(ctx.query)
      return cursorList(ctx, {
        ids: s.orgs[ctx.principal.orgId]!.transferIds,
        lookup: (id) => s.transfers[id]!,
        keep: (t) => (!status || t.status === status) && (!direction || t.direction === direction) && (!accountId || t.accountId === accountId) && inWindow(t.transactionDate),
        json: (t) => json(t, ctx),
      })
    },
    listMovements: (ctx) => {
      const s = state.data
      const account = ownedBy(s.accounts[ctx.params.account_id!], ctx.principal.orgId, 'account', ctx.params.account_id!, 'account_id')
      const inWindow = timeWindow(ctx.query)
      return cursorList(ctx, {
        ids: account.movementIds,
        lookup: (id) => s.movements[id]!,
        keep: (m) => inWindow(m.transactionDate),
        json: (m) => movementJson(m, ctx.principal.mode),
      })
    },
    getMovement: (ctx) => {
      const m = state.data.movements[ctx.params.id!]
      if (m?.orgId !== ctx.principal.orgId || m.accountId !== ctx.params.account_id) throw notFound('movement', ctx.params.id!)
      return { body: movementJson(m, ctx.principal.mode) }
    },
    getEvent: (ctx) => {
      const e = ownedBy(state.data.events[ctx.params.id!], ctx.principal.orgId, 'event', ctx.params.id!)
      return { body: eventJson(state.data, e, ctx.principal.mode) }
    },
  }
}
