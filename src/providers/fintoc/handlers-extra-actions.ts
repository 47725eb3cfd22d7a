import type { Clock } from '../../core/clock.js'
import type { IdGenerator } from '../../core/ids.js'
import type { Handler, StateSlice } from '../types.js'
import { deleteAccountNumber } from './account-number-delete.js'
import type { FintocPrincipal } from './auth.js'
import type { FintocState } from './state.js'
import { endpointJson } from './webhook-endpoints.js'
import { sendTestEvent } from './webhook-test.js'
import { accountNumberJson } from './wire.js'

// DELETE /v2/account_numbers/{id} and POST /v1/webhook_endpoints/{id}/test.

export function createExtraActionHandlers(state: StateSlice<FintocState>, ids: IdGenerator, clock: Clock): Record<string, Handler<FintocPrincipal>> {
  return {
    deleteAccountNumber: async (ctx) => {
      const n = await state.update((s) => deleteAccountNumber(s, clock, ctx.principal.orgId, ctx.params.id!))
      return { body: accountNumberJson(n, ctx.principal.mode) }
    },
    testWebhookEndpoint: async (ctx) => {
      const type = (ctx.body as { type?: string } | undefined)?.type
      const { endpoint } = await state.update((s, tools) => sendTestEvent(s, tools, { ids, clock }, ctx.principal.orgId, ctx.params.id!, type))
      return { body: endpointJson(endpoint, ctx.principal.mode) }
    },
  }
}
