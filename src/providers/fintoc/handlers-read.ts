import type { Handler, RequestContext } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { ownedBy } from './errors.js'
import { cursorList } from './pagination.js'
import type { FintocState } from './state.js'
import { accountJson, accountNumberJson, entityJson } from './wire.js'

// Reads of the organization's entities, accounts and account numbers; newest first.

type Ctx = RequestContext<FintocPrincipal>


export function createReadHandlers(state: { readonly data: FintocState }): Record<string, Handler<FintocPrincipal>> {
  const org = (ctx: Ctx) => state.data.orgs[ctx.principal.orgId]!

  return {
    listEntities: (ctx) => {
      const s = state.data
      return cursorList(ctx, { ids: org(ctx).entityIds, lookup: (id) => s.entities[id]!, json: (e) => entityJson(e, ctx.principal.mode) })
    },
    getEntity: (ctx) => {
      const e = ownedBy(state.data.entities[ctx.params.id!], ctx.principal.orgId, 'entity', ctx.params.id!)
      return { body: entityJson(e, ctx.principal.mode) }
    },
    listAccounts: (ctx) => {
      const s = state.data
      const status = ctx.query.status
      return cursorList(ctx, {
        ids: org(ctx).accountIds,
        lookup: (id) => s.accounts[id]!,
        keep: (a) => !status || a.status === status,
        json: (a) => accountJson(s, a, ctx.principal.mode),
      })
    },
    getAccount: (ctx) => {
      const s = state.data
      const a = ownedBy(s.accounts[ctx.params.id!], ctx.principal.orgId, 'account', ctx.params.id!)
      return { body: accountJson(s, a, ctx.principal.mode) }
    },
    listAccountNumbers: (ctx) => {
      const s = state.data
      const { account_id: accountId, status } = ctx.query
      return cursorList(ctx, {
        ids: org(ctx).accountNumberIds,
        lookup: (id) => s.accountNumbers[id]!,
        keep: (n) => (!accountId || n.account_id === accountId) && (!status || n.status === status),
        json: (n) => accountNumberJson(n, ctx.principal.mode),
      })
    },
    getAccountNumber: (ctx) => {
      const n = ownedBy(state.data.accountNumbers[ctx.params.id!], ctx.principal.orgId, 'account_number', ctx.params.id!)
      return { body: accountNumberJson(n, ctx.principal.mode) }
    },
  }
}
