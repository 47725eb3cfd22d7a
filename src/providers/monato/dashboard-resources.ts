import { maskSecret, maskUrlPassword } from '../../core/logger.js'
import { type Html, html } from '../../dashboard/html.js'
import { actionForm, type Column, fields, json, link, own, pager, paginate, status, table, time } from '../../dashboard/kit.js'
import type { DashboardPage, DashboardRequest } from '../../dashboard/types.js'
import { transactionPage } from './dashboard-query.js'
import { transactionColumns } from './dashboard-transactions.js'
import { activityLinks, href, mxn, recordLink } from './dashboard-view.js'
import { instrumentJson } from './instruments.js'
import type { AccountRecord, ClientRecord, InstrumentRecord, MonatoState, WebhookRecord } from './state.js'
import { webhookJson } from './webhooks.js'
import { accountJson } from './wire.js'

// Clients, accounts, instruments and webhook registrations: lists and one record's page each. Secrets (client
// secrets, receiver tokens, passwords in URLs) are masked like the logs mask them.

const bankName = (s: MonatoState, bankId: string) => s.banks.find((b) => b.id === bankId)?.name ?? bankId

/** what the API answers for a registration, with its token and URL password masked */
const maskedWebhookJson = (w: WebhookRecord) => ({ ...webhookJson(w), url: maskUrlPassword(w.url), token: maskSecret(w.token) })

function moneyInForm(clabe = '') {
  return actionForm('Money in (SPEI deposit)', 'POST', '/__admin/monato/money_in', [
    { name: 'clabe', label: 'Beneficiary CLABE', value: clabe, required: true },
    { name: 'amount', label: 'Amount (MXN)', value: '100.00', required: true, hint: 'two decimals, e.g. 1500.00' },
    { name: 'payer_name', label: 'Payer name' },
    { name: 'payment_concept', label: 'Payment concept' },
    { name: 'numeric_reference', label: 'Numeric reference', hint: 'up to 7 digits' },
  ], 'Send money in')
}

const accountColumns = (req: DashboardRequest, s: MonatoState): Array<Column<AccountRecord>> => [
  { label: 'Account', cell: (a) => recordLink(req, s, a.id) },
  { label: 'CLABE', cell: (a) => a.clabeNumber },
  { label: 'Balance', cell: (a) => mxn(a.balanceCents) },
  { label: 'Type', cell: (a) => a.accountType },
  { label: 'Status', cell: (a) => status(a.accountStatus) },
  { label: 'Client', cell: (a) => recordLink(req, s, a.clientId) },
  { label: 'Owner', cell: (a) => `${a.ownerType} ${a.ownerId}` },
  { label: 'Updated', cell: (a) => time(a.updatedAt, req.now) },
]

const instrumentColumns = (req: DashboardRequest, s: MonatoState): Array<Column<InstrumentRecord>> => [
  { label: 'Instrument', cell: (i) => recordLink(req, s, i.id) },
  { label: 'Alias', cell: (i) => i.alias },
  { label: 'Kind', cell: (i) => (i.kind === 'card' ? 'debit card' : 'CLABE') },
  { label: 'Number', cell: (i) => i.number },
  { label: 'Holder', cell: (i) => i.holderName },
  { label: 'RFC', cell: (i) => i.rfc },
  { label: 'Bank', cell: (i) => bankName(s, i.bankId) },
  { label: 'Client', cell: (i) => recordLink(req, s, i.clientId) },
  { label: 'Created', cell: (i) => time(i.createdAt, req.now) },
]

const webhookColumns = (req: DashboardRequest, s: MonatoState): Array<Column<WebhookRecord>> => [
  { label: 'Registration', cell: (w) => recordLink(req, s, w.id) },
  { label: 'Type', cell: (w) => w.type },
  { label: 'URL', cell: (w) => maskUrlPassword(w.url) },
  { label: 'Token', cell: (w) => maskSecret(w.token) },
  { label: 'Status', cell: (w) => status(w.deletedAt === null ? w.status : 'deleted') },
  { label: 'Client', cell: (w) => recordLink(req, s, w.clientId) },
  { label: 'Updated', cell: (w) => time(w.updatedAt, req.now) },
]

const records = <T>(ids: string[], all: Record<string, T>) => ids.map((id) => all[id]).filter((x): x is T => x !== undefined)

/** a page listing one collection (small ones: clients, accounts, instruments, registrations), with paging */
function listPage<T>(path: string, nav: string, title: string, rows: (s: MonatoState) => T[], columns: (req: DashboardRequest, s: MonatoState) => Array<Column<T>>, state: { readonly data: MonatoState }, extra?: () => Html): DashboardPage {
  return {
    path,
    nav,
    title,
    render(req) {
      const s = state.data
      const page = paginate(rows(s), req.query)
      return html`${table(title, columns(req, s), page.rows)}${pager(page, href(req, path), req.query)}${extra ? extra() : ''}`
    },
  }
}

export function resourcePages(state: { readonly data: MonatoState }): DashboardPage[] {
  const clientColumns = (req: DashboardRequest, s: MonatoState): Array<Column<ClientRecord>> => [
    { label: 'Client id', cell: (c) => recordLink(req, s, c.id) },
    { label: 'Name', cell: (c) => c.name },
    { label: 'API key', cell: (c) => c.apiKeyHint },
    { label: 'Accounts', cell: (c) => c.accountIds.length },
    { label: 'Instruments', cell: (c) => c.instrumentIds.length },
    { label: 'Webhooks', cell: (c) => c.webhookIds.filter((id) => s.webhooks[id]?.deletedAt === null).length },
    { label: 'Transactions', cell: (c) => link(`${href(req, '/transactions')}?${new URLSearchParams({ client: c.id })}`, String(c.transactionIds.length)) },
  ]
  return [
    listPage('/clients', 'Clients', 'Monato clients', (s) => Object.values(s.clients), clientColumns, state),
    {
      path: '/clients/:id',
      title: (req) => `Monato client ${req.params.id}`,
      render(req) {
        const s = state.data
        const c = own(s.clients, req.params.id)
        if (!c) return null
        const credentials = table('Credentials', [
          { label: 'Credential id', cell: (x) => html`<code>${x.id}</code>` },
          { label: 'Client secret', cell: (x) => maskSecret(x.secret) },
          { label: 'Status', cell: (x) => status(x.status) },
          { label: 'Created', cell: (x) => time(x.createdAt, req.now) },
        ], c.credentials)
        const customers = table('Customers', [
          { label: 'Customer id', cell: (x) => html`<code>${x.id}</code>` },
          { label: 'Name', cell: (x) => x.name },
        ], Object.values(c.customers))
        const recent = transactionPage(s, { clientId: c.id }, 1, 10)
        return html`<section class="card">${fields([
          ['Client id', html`<code>${c.id}</code>`],
          ['Name', c.name],
          ['API key', c.apiKeyHint],
          ['Created', time(c.createdAt, req.now)],
        ])}</section>${credentials}${table('Accounts', accountColumns(req, s), records(c.accountIds, s.accounts))}${table('Instruments', instrumentColumns(req, s), records(c.instrumentIds, s.instruments))}${table('Webhook registrations', webhookColumns(req, s), records(c.webhookIds, s.webhooks))}${customers}${table('Latest transactions', transactionColumns(req, s), recent.rows)}${link(`${href(req, '/transactions')}?${new URLSearchParams({ client: c.id })}`, `All ${c.transactionIds.length} transactions`)}`
      },
    },
    listPage('/accounts', 'Accounts', 'Monato accounts', (s) => Object.values(s.accounts), accountColumns, state, () => moneyInForm()),
    {
      path: '/accounts/:id',
      title: (req) => `Monato account ${req.params.id}`,
      render(req) {
        const s = state.data
        const a = own(s.accounts, req.params.id)
        if (!a) return null
        const recent = transactionPage(s, { clientId: a.clientId, account: a.id }, 1, 10)
        return html`<section class="card">${fields([
          ['Account', html`<code>${a.id}</code>`],
          ['CLABE', a.clabeNumber],
          ['Balance', html`${mxn(a.balanceCents)} <span class="muted">(availableBalance "${accountJson(a).availableBalance}")</span>`],
          ['Type', a.accountType],
          ['Status', status(a.accountStatus)],
          ['Client', recordLink(req, s, a.clientId)],
          ['Owner', `${a.ownerType} ${a.ownerId}`],
          ['Instrument id', html`<code>${a.instrumentId}</code>`],
          ['Bank', bankName(s, a.bankId)],
          ['Created', time(a.createdAt, req.now)],
          ['Updated', time(a.updatedAt, req.now)],
        ])}${activityLinks(req, a.id)}</section>${table('Latest transactions', transactionColumns(req, s), recent.rows)}${link(`${href(req, '/transactions')}?${new URLSearchParams({ account: a.id })}`, 'All transactions of this account')}${moneyInForm(a.clabeNumber)}<section class="card"><h2>As the API answers it</h2>${json(accountJson(a))}</section>`
      },
    },
    listPage('/instruments', 'Instruments', 'Monato instruments', (s) => Object.values(s.instruments), instrumentColumns, state),
    {
      path: '/instruments/:id',
      title: (req) => `Monato instrument ${req.params.id}`,
      render(req) {
        const s = state.data
        const i = own(s.instruments, req.params.id)
        if (!i) return null
        return html`<section class="card">${fields([
          ['Instrument', html`<code>${i.id}</code>`],
          ['Alias', i.alias],
          ['Kind', i.kind === 'card' ? 'debit card' : 'CLABE'],
          ['Number', i.number],
          ['Holder', i.holderName],
          ['RFC', i.rfc],
          ['Bank', bankName(s, i.bankId)],
          ['Client', recordLink(req, s, i.clientId)],
          ['Customer', i.customerId ? html`<code>${i.customerId}</code>` : null],
          ['Created', time(i.createdAt, req.now)],
        ])}</section><section class="card"><h2>As the API answers it</h2>${json(instrumentJson(i))}</section>`
      },
    },
    listPage('/webhooks', 'Webhooks', 'Monato webhook registrations', (s) => Object.values(s.webhooks), webhookColumns, state),
    {
      path: '/webhooks/:id',
      title: (req) => `Monato webhook registration ${req.params.id}`,
      render(req) {
        const s = state.data
        const w = own(s.webhooks, req.params.id)
        if (!w) return null
        return html`<section class="card">${fields([
          ['Registration', html`<code>${w.id}</code>`],
          ['Type', w.type],
          ['URL', maskUrlPassword(w.url)],
          ['Token', maskSecret(w.token)],
          ['Status', status(w.deletedAt === null ? w.status : 'deleted')],
          ['Client', recordLink(req, s, w.clientId)],
          ['Created', time(w.createdAt, req.now)],
          ['Updated', time(w.updatedAt, req.now)],
          ['Deleted', w.deletedAt === null ? null : time(w.deletedAt, req.now)],
        ])}</section><section class="card"><h2>As the API answers it (token masked)</h2>${json(maskedWebhookJson(w))}</section>`
      },
    },
  ]
}
