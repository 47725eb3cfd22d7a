import { html } from '../../dashboard/html.js'
import { actionForm, fields, filters, link, pager, status, table, time, timeline } from '../../dashboard/kit.js'
import type { DashboardPage, DashboardRequest } from '../../dashboard/types.js'
import { ACCOUNT_TRANSITIONS } from './accounts.js'
import { formatAmount } from './amount-format.js'
import { adminPath, at, belongsTo, idLink, limits, metadata, money, newestPage, orgLink, orgName, orgsFor, own, type Read, traces } from './dashboard-common.js'
import type { AccountNumberRecord, AccountRecord, FintocState, OrgRecord } from './state.js'

// Organizations (by masked key, never the key), their accounts with balances, and account numbers, with the
// actions a tester needs there: receive a simulated inbound transfer, block or close an account.

const orgCounts = (o: OrgRecord) => ({
  accounts: o.accountIds.length,
  transfers: o.transferIds.length,
  payment_intents: o.paymentIntentIds.length,
  checkout_sessions: o.checkoutSessionIds?.length ?? 0,
  refunds: o.refundIds.length,
  webhook_endpoints: o.webhookEndpointIds.length,
})

const COUNTED = ['accounts', 'transfers', 'payment_intents', 'checkout_sessions', 'refunds', 'webhook_endpoints'] as const

const holder = (s: FintocState, a: AccountRecord) => s.entities[a.entityId]?.holder_name ?? null

function accountsTable(req: DashboardRequest, s: FintocState, rows: AccountRecord[], caption: string) {
  return table(
    caption,
    [
      { label: 'Id', cell: (a) => idLink(req, 'accounts', a.id) },
      { label: 'Organization', cell: (a) => orgLink(req, s, a.orgId) },
      { label: 'Description', cell: (a) => a.description },
      { label: 'Holder', cell: (a) => holder(s, a) },
      { label: 'Account number', cell: (a) => s.accountNumbers[a.rootAccountNumberId]?.number },
      { label: 'Status', cell: (a) => status(a.status) },
      { label: 'Balance', cell: (a) => money(a.available_balance, a.currency) },
    ],
    rows,
    'No accounts.',
  )
}

function organizations(state: Read): DashboardPage {
  return {
    path: '/organizations',
    nav: 'Organizations',
    title: 'Organizations',
    render(req) {
      const s = state.data
      const all = Object.values(s.orgs)
      const { limit, offset } = limits(req.query)
      // newest first without sorting: organizations are kept in creation order
      const rows: OrgRecord[] = []
      for (let i = all.length - 1 - offset; i >= 0 && rows.length < limit; i--) rows.push(all[i]!)
      const page = { rows, total: all.length, offset, limit }
      return html`${table(
        'Organizations, by masked API key',
        [
          { label: 'Key', cell: (o) => link(at(req, `/organizations/${o.id}`), orgName(o)) },
          { label: 'Id', cell: (o) => o.id },
          { label: 'Holder', cell: (o) => s.entities[o.entityIds[0] ?? '']?.holder_name },
          { label: 'Created', cell: (o) => time(o.createdAt, req.now) },
          { label: 'Kind', cell: (o) => (o.auto ? 'made by its first request' : 'scenario') },
          ...COUNTED.map((k) => ({ label: k.replace('_', ' '), cell: (o: OrgRecord) => orgCounts(o)[k] })),
        ],
        page.rows,
        'No organizations yet: the first request with a new sk_test_ key makes one.',
      )}${pager(page, at(req, '/organizations'), req.query)}`
    },
  }
}

function organization(state: Read): DashboardPage {
  return {
    path: '/organizations/:id',
    title: (req) => `Organization ${orgName(state.data.orgs[req.params.id!])}`,
    render(req) {
      const s = state.data
      const o = own(s.orgs, req.params.id!)
      if (!o) return null
      const c = orgCounts(o)
      const filtered = (kind: string, n: number) => link(at(req, `/${kind}?org=${encodeURIComponent(o.id)}`), `${n} ${kind.replace('_', ' ')}`)
      return html`<section class="card">${fields([
        ['Key', orgName(o)],
        ['Id', o.id],
        ['Mode', o.mode],
        ['Created', time(o.createdAt, req.now)],
        ['Kind', o.auto ? 'made by its first request (freed once idle)' : 'declared by a scenario'],
        ['Holders', o.entityIds.map((id) => s.entities[id]?.holder_name).filter(Boolean).join(', ')],
        ['JWS public keys', o.jwsPublicKeys.length],
        ['Resources', html`${filtered('transfers', c.transfers)} · ${filtered('payment_intents', c.payment_intents)} · ${filtered('checkout_sessions', c.checkout_sessions)} · ${filtered('refunds', c.refunds)} · ${filtered('webhook_endpoints', c.webhook_endpoints)}`],
      ])}</section>${accountsTable(req, s, o.accountIds.map((id) => s.accounts[id]!).filter(Boolean), 'Accounts')}`
    },
  }
}

function accounts(state: Read): DashboardPage {
  return {
    path: '/accounts',
    nav: 'Accounts',
    title: 'Accounts',
    render(req) {
      const s = state.data
      const orgs = orgsFor(s, req.query.org)
      const page = newestPage(orgs.map((o) => o.accountIds), (id) => s.accounts[id], (a) => a.createdAt, req.query.status ? (a) => a.status === req.query.status : undefined, req.query)
      return html`${filters(at(req, '/accounts'), req.query, [
        { name: 'org', label: 'Organization (id or masked key)' },
        { name: 'status', label: 'Status', options: Object.keys(ACCOUNT_TRANSITIONS) },
      ])}${accountsTable(req, s, page.rows, 'Accounts, newest first')}${pager(page, at(req, '/accounts'), req.query)}`
    },
  }
}

const numbersOf = (s: FintocState, a: AccountRecord) => (s.orgs[a.orgId]?.accountNumberIds ?? []).map((id) => s.accountNumbers[id]!).filter((n) => n?.account_id === a.id)

function receiveForm(req: DashboardRequest, n: AccountNumberRecord, currency: 'CLP' | 'MXN') {
  return actionForm('Simulate an inbound transfer', 'POST', adminPath(req, `/account_numbers/${n.id}/receive_transfer`), [
    { name: 'amount', label: `Amount (${currency === 'MXN' ? 'centavos' : 'pesos'})`, type: 'number', required: true, hint: `minor units: 150000 is ${formatAmount(150000, currency)}` },
    { name: 'comment', label: 'Comment' },
    { name: 'counterparty_holder_name', label: 'Sender name' },
  ], 'Receive')
}

function account(state: Read): DashboardPage {
  return {
    path: '/accounts/:id',
    title: (req) => `Account ${req.params.id}`,
    render(req) {
      const s = state.data
      const a = own(s.accounts, req.params.id!)
      if (!a) return null
      const root = s.accountNumbers[a.rootAccountNumberId]
      const moves = a.movementIds.slice(-20).map((id) => s.movements[id]!).filter(Boolean)
      const to = Object.keys(ACCOUNT_TRANSITIONS[a.status])
      return html`${belongsTo(req, s, a.orgId)}${traces(req, a.id)}<section class="card">${fields([
        ['Id', a.id],
        ['Description', a.description],
        ['Holder', holder(s, a)],
        ['Root account number', root?.number],
        ['Currency', a.currency],
        ['Balance', money(a.available_balance, a.currency)],
        ['Status', status(a.status)],
        ['Root account', a.is_root ? 'yes' : 'no'],
        ['Created', time(a.createdAt, req.now)],
        ['Transfers', link(at(req, `/transfers?account=${encodeURIComponent(a.id)}`), 'this account’s transfers')],
      ])}</section>${table(
        'Account numbers',
        [
          { label: 'Id', cell: (n) => idLink(req, 'account_numbers', n.id) },
          { label: 'Number', cell: (n) => n.number },
          { label: 'Description', cell: (n) => n.description },
          { label: 'Status', cell: (n) => status(n.status) },
        ],
        numbersOf(s, a),
      )}${timeline(
        'Latest movements',
        moves.map((m) => ({ at: m.transactionDate, what: html`${m.direction} ${money(m.amount, m.currency)} · ${idLink(req, 'transfers', m.resourceId)}`, detail: `balance after: ${formatAmount(m.balance, m.currency)}` })),
        req.now,
      )}<section class="card">${root && root.status === 'enabled' && a.status !== 'closed' ? receiveForm(req, root, a.currency) : ''}${
        to.length > 0
          ? actionForm('Change status', 'POST', adminPath(req, `/accounts/${a.id}/transition`), [{ name: 'to', label: 'To', type: 'select', options: to, value: to[0] }])
          : ''
      }</section>`
    },
  }
}

function accountNumber(state: Read): DashboardPage {
  return {
    path: '/account_numbers/:id',
    title: (req) => `Account number ${req.params.id}`,
    render(req) {
      const s = state.data
      const n = own(s.accountNumbers, req.params.id!)
      if (!n) return null
      const a = s.accounts[n.account_id]
      return html`${belongsTo(req, s, n.orgId)}${traces(req, n.id)}<section class="card">${fields([
        ['Id', n.id],
        ['Number', n.number],
        ['Account', idLink(req, 'accounts', n.account_id)],
        ['Description', n.description],
        ['Status', status(n.status)],
        ['Root', n.is_root ? 'yes' : 'no'],
        ['Created', time(n.createdAt, req.now)],
        ['Updated', time(n.updatedAt, req.now)],
        ['Metadata', metadata(n.metadata)],
      ])}</section>${a && n.status === 'enabled' && a.status !== 'closed' ? html`<section class="card">${receiveForm(req, n, a.currency)}</section>` : ''}`
    },
  }
}

export const orgPages = (state: Read): DashboardPage[] => [organizations(state), organization(state), accounts(state), account(state), accountNumber(state)]
