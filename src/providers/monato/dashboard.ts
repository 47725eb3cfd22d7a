import { html } from '../../dashboard/html.js'
import { actionForm, link } from '../../dashboard/kit.js'
import type { DashboardSection } from '../../dashboard/types.js'
import { resourcePages } from './dashboard-resources.js'
import { transactionPages } from './dashboard-transactions.js'
import { href, resourcePathOf } from './dashboard-view.js'
import type { MonatoState } from './state.js'

// Monato's section of the dashboard (/__admin/ui/monato), read from the same state and JSON builders as its API.

export function createMonatoDashboard(state: { readonly data: MonatoState }): DashboardSection {
  return {
    // from the clients' id lists, so the overview never walks the transactions
    counts() {
      const s = state.data
      const clients = Object.values(s.clients)
      const sum = (pick: (c: (typeof clients)[number]) => string[]) => clients.reduce((n, c) => n + pick(c).length, 0)
      return {
        clients: clients.length,
        accounts: sum((c) => c.accountIds),
        instruments: sum((c) => c.instrumentIds),
        transactions: sum((c) => c.transactionIds),
        webhooks: Object.values(s.webhooks).filter((w) => w.deletedAt === null).length,
      }
    },
    pages: [
      ...resourcePages(state),
      ...transactionPages(state),
      {
        path: '/actions',
        nav: 'Actions',
        title: 'Monato actions',
        render(req) {
          return html`<section class="card"><p>A transaction's own page can force its transition; an account's page sends money in to its CLABE.</p><p>${link(href(req, '/accounts'), 'Accounts')} · ${link(href(req, '/transactions'), 'Transactions')}</p></section>${actionForm('Money in (SPEI deposit)', 'POST', '/__admin/monato/money_in', [
            { name: 'clabe', label: 'Beneficiary CLABE', value: Object.values(state.data.accounts)[0]?.clabeNumber ?? '', required: true },
            { name: 'amount', label: 'Amount (MXN)', value: '100.00', required: true, hint: 'two decimals, e.g. 1500.00' },
            { name: 'payer_name', label: 'Payer name' },
            { name: 'payer_account', label: 'Payer account', hint: '10 to 18 digits' },
            { name: 'payer_institution', label: 'Payer institution', hint: '5-digit Banxico code' },
            { name: 'tracking_key', label: 'Tracking key' },
            { name: 'payment_concept', label: 'Payment concept' },
            { name: 'numeric_reference', label: 'Numeric reference', hint: 'up to 7 digits' },
          ], 'Send money in')}`
        },
      },
    ],
    resourcePath: (id) => resourcePathOf(state.data, id),
  }
}
