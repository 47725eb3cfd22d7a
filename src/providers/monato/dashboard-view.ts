import { type Html, html } from '../../dashboard/html.js'
import { link, own } from '../../dashboard/kit.js'
import type { DashboardRequest } from '../../dashboard/types.js'
import type { TransactionPage } from './dashboard-query.js'
import { centsToAmount } from './format.js'
import type { MonatoState, TransactionRecord } from './state.js'

// Small pieces shared by the Monato dashboard pages: money, transaction kinds, links between resources.

/** integer centavos as Mexican pesos, `$1,500.00 MXN`: built from Monato's own 2-decimal string, never a float */
export function mxn(cents: number): string {
  const amount = centsToAmount(cents)
  const negative = amount.startsWith('-')
  const [whole = '0', frac = '00'] = (negative ? amount.slice(1) : amount).split('.')
  return `${negative ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac} MXN`
}

export const TRANSACTION_TYPES = ['money_out', 'money_in', 'refund', 'penny_validation'] as const
export type TransactionType = (typeof TRANSACTION_TYPES)[number]

/**
 * What a transaction is, from what the record keeps: a CEP makes it a penny validation, a credit is money in, and a
 * debit with no destination instrument is a refund (refunds are the only debits created without one)
 */
export function transactionType(t: TransactionRecord): TransactionType {
  if (t.cep) return 'penny_validation'
  if (t.category === 'CREDIT_TRANS') return 'money_in'
  return t.destinationInstrumentId === null ? 'refund' : 'money_out'
}

/** the section's own links: `/__admin/ui/monato/<path>` */
export const href = (req: DashboardRequest, path: string) => `${req.base}/monato${path}`

/** a link to one record's page, or the id as text when the record is gone */
export function recordLink(req: DashboardRequest, s: MonatoState, id: string | null | undefined): Html | string {
  if (!id) return ''
  const path = resourcePathOf(s, id)
  return path ? link(href(req, path), html`<code>${id}</code>`) : html`<code>${id}</code>`
}

/** the page of a client, account (also by its instrument id), instrument, webhook registration or transaction by id */
export function resourcePathOf(s: MonatoState, id: string): string | undefined {
  if (own(s.transactions, id)) return `/transactions/${encodeURIComponent(id)}`
  if (own(s.accounts, id)) return `/accounts/${encodeURIComponent(id)}`
  if (own(s.instruments, id)) return `/instruments/${encodeURIComponent(id)}`
  if (own(s.webhooks, id)) return `/webhooks/${encodeURIComponent(id)}`
  if (own(s.clients, id)) return `/clients/${encodeURIComponent(id)}`
  const account = accountByInstrumentId(s, id)
  return account ? `/accounts/${encodeURIComponent(account.id)}` : undefined
}

/** an account by its own instrument id (what transactions and the accounts list name it by) */
export function accountByInstrumentId(s: MonatoState, instrumentId: string) {
  for (const client of Object.values(s.clients)) {
    for (const id of client.accountIds) if (s.accounts[id]?.instrumentId === instrumentId) return s.accounts[id]
  }
  return undefined
}

/** links to the shell's deliveries and requests pages filtered on one resource */
export function activityLinks(req: DashboardRequest, id: string): Html {
  const q = new URLSearchParams({ resource_id: id }).toString()
  return html`<p class="links">${link(`${req.base}/deliveries?${q}`, 'Webhook deliveries')} · ${link(`${req.base}/requests?${q}`, 'Requests that touched it')}</p>`
}

/**
 * previous/next links for a page whose total may be unknown (a filtered walk stops after its page): like the
 * kit's pager, with "1–50" and a next link while more rows exist
 */
export function walkPager(page: TransactionPage, path: string, query: Record<string, string>): Html {
  const at = Math.floor(page.offset / page.limit) + 1
  const to = (n: number) => `${path}?${new URLSearchParams({ ...query, page: String(n) }).toString()}`
  const from = page.rows.length === 0 ? 0 : page.offset + 1
  const of = page.total === undefined ? '' : ` of ${page.total}`
  return html`<nav class="pager" aria-label="Pages">${at > 1 ? link(to(at - 1), '← Previous') : ''} <span>${from}–${page.offset + page.rows.length}${of}</span> ${page.more ? link(to(at + 1), 'Next →') : ''}</nav>`
}
