import { ApiError } from '../../core/errors.js'
import type { Handler } from '../types.js'
import type { MonatoPrincipal } from './auth.js'
import type { MonatoState } from './state.js'
import { accountJson, bankJson, slicePage } from './wire.js'

// The SPEI participants catalog and the client's accounts (lists in their own documented envelopes).

export function createCatalogHandlers(state: { readonly data: MonatoState }): Record<string, Handler<MonatoPrincipal>> {
  return {
    listBanks: (ctx) => {
      const banks = state.data.banks
      const { page, size, items } = slicePage(banks, ctx.query.page, ctx.query.page_size)
      return { body: { total_banks: banks.length, page, page_size: size, banks: items.map(bankJson) } }
    },
    // not in the docs: public clients read one account's balance here
    getAccount: (ctx) => {
      const a = state.data.accounts[ctx.params.accountId!]
      if (a?.clientId !== ctx.principal.clientId) throw new ApiError('not_found', 'Account not found.')
      return { body: accountJson(a) }
    },
    listAccounts: (ctx) => {
      const s = state.data
      const accounts = s.clients[ctx.principal.clientId]!.accountIds.map((id) => s.accounts[id]!)
      const { page, size, items } = slicePage(accounts, ctx.query.page, ctx.query.per_page)
      return { body: { currentPage: page, perPage: size, totalItem: accounts.length, data: items.map(accountJson) } }
    },
  }
}
