import type { DashboardSection } from '../../dashboard/types.js'
import type { Read } from './dashboard-common.js'
import { createEventIndex, type EventIndex, eventResource } from './dashboard-events.js'
import { orgPages } from './dashboard-orgs.js'
import { paymentPages } from './dashboard-payments.js'
import { transferPages } from './dashboard-transfers.js'
import { webhookPages } from './dashboard-webhooks.js'
import type { FintocState } from './state.js'

// Fintoc's section of the dashboard (/__admin/ui/fintoc): pages read the state through the same records and
// wire functions the API answers with.

/** id prefix (as ids.prefixed makes them) → the collection that holds it and its page */
const KINDS: Array<[prefix: string, collection: keyof FintocState, page: string]> = [
  ['tr_', 'transfers', 'transfers'],
  ['pi_', 'paymentIntents', 'payment_intents'],
  ['cs_', 'checkoutSessions', 'checkout_sessions'],
  ['re_', 'refunds', 'refunds'],
  ['acc_', 'accounts', 'accounts'],
  ['acno_', 'accountNumbers', 'account_numbers'],
  ['we_', 'webhookEndpoints', 'webhook_endpoints'],
  ['org_', 'orgs', 'organizations'],
]

export function createFintocDashboard(state: { readonly data: FintocState }, events: EventIndex = createEventIndex(state)): DashboardSection {
  const read: Read = state
  const pathOf = (id: string): string | undefined => {
    const s = state.data
    // an event's page is its resource's
    const event = Object.hasOwn(s.events, id) ? s.events[id] : undefined
    if (event) {
      const of = eventResource(event)
      return typeof of === 'string' && of !== id ? pathOf(of) : undefined
    }
    // by lookup, not prefix alone: a scenario may choose ids (`acc_…`) and an id must exist to have a page
    for (const [, collection, page] of KINDS) if (Object.hasOwn(s[collection] as object, id)) return `/${page}/${id}`
    return undefined
  }
  return {
    counts() {
      // summed over the organizations' id lists: no copy of 100k transfer keys per overview refresh
      const c = { organizations: 0, accounts: 0, transfers: 0, payment_intents: 0, checkout_sessions: 0, refunds: 0, webhook_endpoints: 0 }
      for (const id in state.data.orgs) {
        const o = state.data.orgs[id]!
        c.organizations++
        c.accounts += o.accountIds.length
        c.transfers += o.transferIds.length
        c.payment_intents += o.paymentIntentIds.length
        c.checkout_sessions += o.checkoutSessionIds?.length ?? 0
        c.refunds += o.refundIds.length
        c.webhook_endpoints += o.webhookEndpointIds.length
      }
      return c
    },
    pages: [...orgPages(read), ...transferPages(read, events), ...paymentPages(read, events), ...webhookPages(read)],
    resourcePath: pathOf,
  }
}
