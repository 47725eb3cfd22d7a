import type { Handler, StateSlice } from '../types.js'
import type { createAccounts } from './accounts.js'
import type { FintocPrincipal } from './auth.js'
import { ownedBy } from './errors.js'
import { cursorList, timeWindow } from './pagination.js'
import type { FintocState } from './state.js'
import { type createVerifications, verificationJson } from './verifications.js'
import { accountJson, accountNumberJson } from './wire.js'

// Account, account-number and account-verification writes.

export function createWriteHandlers(
  state: StateSlice<FintocState>,
  accounts: ReturnType<typeof createAccounts>,
  verifications: ReturnType<typeof createVerifications>,
): Record<string, Handler<FintocPrincipal>> {
  return {
    createAccount: async (ctx) => {
      const a = await state.update((s) => accounts.createAccount(s, ctx.principal.orgId, ctx.body as { description: string; entity_id?: string }))
      return { body: accountJson(state.data, a, ctx.principal.mode) }
    },
    updateAccount: async (ctx) => {
      const a = await state.update((s) => accounts.updateAccount(s, ctx.principal.orgId, ctx.params.id!, ctx.body as { description?: string }))
      return { body: accountJson(state.data, a, ctx.principal.mode) }
    },
    createAccountNumber: async (ctx) => {
      const n = await state.update((s) => accounts.createAccountNumber(s, ctx.principal.orgId, ctx.body as { account_id: string }))
      return { body: accountNumberJson(n, ctx.principal.mode) }
    },
    updateAccountNumber: async (ctx) => {
      const n = await state.update((s) => accounts.updateAccountNumber(s, ctx.principal.orgId, ctx.params.id!, ctx.body as object))
      return { body: accountNumberJson(n, ctx.principal.mode) }
    },
    createAccountVerification: async (ctx) => {
      const { account_number: number } = ctx.body as { account_number: string }
      const v = await state.update((s, tools) => verifications.create(s, tools, ctx.principal.orgId, number))
      return { body: verificationJson(v, ctx.principal.mode) }
    },
    getAccountVerification: (ctx) => {
      const v = ownedBy(state.data.verifications[ctx.params.id!], ctx.principal.orgId, 'account_verification', ctx.params.id!)
      return { body: verificationJson(v, ctx.principal.mode) }
    },
    listAccountVerifications: (ctx) => {
      const s = state.data
      const { status } = ctx.query
      const inWindow = timeWindow(ctx.query)
      return cursorList(ctx, {
        ids: s.orgs[ctx.principal.orgId]!.verificationIds,
        lookup: (id) => s.verifications[id]!,
        keep: (v) => (!status || v.status === status) && inWindow(v.createdAt),
        json: (v) => verificationJson(v, ctx.principal.mode),
      })
    },
  }
}
