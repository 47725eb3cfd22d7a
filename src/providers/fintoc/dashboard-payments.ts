import { type Html, html } from '../../dashboard/html.js'
import { type ActionField, actionForm, fields, filters, json, pager, status, table, time, timeline } from '../../dashboard/kit.js'
import type { DashboardPage, DashboardRequest } from '../../dashboard/types.js'
import { checkoutSessionJson, legacyCheckoutSessionJson } from './checkout-session-wire.js'
import { adminPath, at, belongsTo, eventEntries, idLink, metadata, money, newestPage, orgLink, orgsFor, own, type Read, traces } from './dashboard-common.js'
import type { EventIndex } from './dashboard-events.js'
import { PAYMENT_INTENT_TRANSITIONS, paymentIntentJson } from './payment-intents.js'
import { REFUND_TRANSITIONS } from './refund-machine.js'
import { refundJson } from './refunds.js'
import type { CheckoutSessionRecord, FintocState, OrgRecord, PaymentIntentRecord, RefundRecord } from './state.js'

// Payment intents, checkout sessions and refunds: lists (newest first, paged, filtered) and pages with their
// events, and the control API's actions (pay with a test value, force a transition). Widget and session tokens
// are never shown.

/** the quickstart's test values (payment-intents.ts decides what each leads to) */
const MX_TEST_ACCOUNTS = ['5555555555', '5555555556', '5555555557', '5555555558', '5555555559']
const CL_TEST_ACCOUNTS = ['422159212', '422159213', '422159214', '422159215']

function payFields(currency: 'CLP' | 'MXN'): ActionField[] {
  if (currency === 'MXN') {
    return [
      { name: 'account', label: 'Test account', type: 'select', options: MX_TEST_ACCOUNTS, value: MX_TEST_ACCOUNTS[0], hint: '…555 succeeds, …556 fails, …557 is rejected, …558/…559 wait then succeed/fail' },
      { name: 'mfa', label: 'MFA code', hint: 'optional: 000000 is rejected' },
    ]
  }
  return [
    { name: 'username', label: 'RUT', value: '41614850-3' },
    { name: 'password', label: 'Test password', value: 'jonsnow', hint: 'Fintoc’s published test value' },
    { name: 'account', label: 'Test account', type: 'select', options: CL_TEST_ACCOUNTS, value: CL_TEST_ACCOUNTS[0], hint: '…212 succeeds, …213 fails, …214/…215 wait then succeed/fail' },
  ]
}

const transitionForm = (req: DashboardRequest, path: string, to: string[], extra: ActionField[] = []) =>
  to.length > 0 ? actionForm('Force a transition', 'POST', adminPath(req, path), [{ name: 'to', label: 'To', type: 'select', options: to, value: to[0] }, ...extra]) : html``

interface ListSpec<R> {
  path: string
  nav: string
  ids: (o: OrgRecord) => readonly string[]
  lookup: (s: FintocState, id: string) => R | undefined
  statuses: string[]
  columns: (req: DashboardRequest, s: FintocState) => Array<{ label: string; cell: (r: R) => Html | string | number | null | undefined }>
}

/** a list page: filters by organization, status and id, newest first, paged on the server */
function listPage<R extends { id: string; orgId: string; status: string; createdAt: number }>(state: Read, spec: ListSpec<R>): DashboardPage {
  return {
    path: spec.path,
    nav: spec.nav,
    title: spec.nav,
    render(req) {
      const s = state.data
      const q = req.query
      const id = q.id?.trim()
      const keep = q.status ? (r: R) => r.status === q.status : undefined
      const page = newestPage(orgsFor(s, q.org).map(spec.ids), (rid) => spec.lookup(s, rid), (r) => r.createdAt, keep, q, id ? (rid) => rid.includes(id) : undefined)
      return html`${filters(at(req, spec.path), q, [
        { name: 'org', label: 'Organization (id or masked key)' },
        { name: 'status', label: 'Status', options: spec.statuses },
        { name: 'id', label: 'Id' },
      ])}${table(`${spec.nav}, newest first`, spec.columns(req, s), page.rows, keep || q.org ? 'Nothing matches these filters.' : 'None yet.')}${pager(page, at(req, spec.path), q)}`
    },
  }
}

const common = <R extends { id: string; orgId: string; status: string; createdAt: number; amount: number; currency: 'CLP' | 'MXN' }>(kind: string, req: DashboardRequest, s: FintocState) => [
  { label: 'Id', cell: (r: R) => idLink(req, kind, r.id) },
  { label: 'Created', cell: (r: R) => time(r.createdAt, req.now) },
  { label: 'Organization', cell: (r: R) => orgLink(req, s, r.orgId) },
  { label: 'Status', cell: (r: R) => status(r.status) },
  { label: 'Amount', cell: (r: R) => money(r.amount, r.currency) },
]

function paymentIntent(state: Read, events: EventIndex): DashboardPage {
  return {
    path: '/payment_intents/:id',
    title: (req) => `Payment intent ${req.params.id}`,
    render(req) {
      const s = state.data
      const p = own(s.paymentIntents, req.params.id!)
      if (!p) return null
      const w = paymentIntentJson(p, 'test')
      const org = s.orgs[p.orgId]
      const refunds = (org?.refundIds ?? []).map((id) => s.refunds[id]!).filter((r) => r?.resourceId === p.id)
      const session = (org?.checkoutSessionIds ?? []).map((id) => s.checkoutSessions[id]!).find((cs) => cs?.paymentIntentId === p.id)
      const to = Object.values(PAYMENT_INTENT_TRANSITIONS[p.status]).filter((x, i, all) => all.indexOf(x) === i && x !== 'in_progress')
      return html`${belongsTo(req, s, p.orgId)}${traces(req, p.id)}<section class="card">${fields([
        ['Id', p.id],
        ['Status', status(p.status)],
        ['Amount', money(p.amount, p.currency)],
        ['Created', time(p.createdAt, req.now)],
        ['Transaction date', time(p.transactionDate, req.now)],
        ['Reference id', p.referenceId],
        ['Customer email', p.customerEmail],
        ['Error reason', p.errorReason],
        ['Recipient account', p.recipientAccount ? json(p.recipientAccount) : null],
        ['Sender account', p.senderAccount ? json(p.senderAccount) : null],
        ['Checkout session', session ? idLink(req, 'checkout_sessions', session.id) : null],
        ['Metadata', metadata(p.metadata)],
      ])}</section>${timeline('Timeline', [{ at: p.createdAt, what: html`created ${status('created')}`, detail: '' }, ...eventEntries(events, p.id)], req.now)}${table(
        'Refunds',
        [{ label: 'Id', cell: (r: RefundRecord) => idLink(req, 'refunds', r.id) }, { label: 'Status', cell: (r) => status(r.status) }, { label: 'Amount', cell: (r) => money(r.amount, r.currency) }],
        refunds,
        'No refunds.',
      )}<section class="card">${p.status === 'created' ? actionForm('Pay with a test value', 'POST', adminPath(req, `/payment_intents/${p.id}/pay`), payFields(p.currency), 'Pay') : ''}${transitionForm(req, `/payment_intents/${p.id}/transition`, to)}</section><section class="card"><h2>As the API answers it</h2>${json(w)}</section>`
    },
  }
}

const customerName = (s: FintocState, cs: CheckoutSessionRecord) => {
  const c = cs.customerId ? s.customers[cs.customerId] : undefined
  const inline = cs.customerInline as { name?: unknown } | null
  return c?.name ?? (typeof inline?.name === 'string' ? inline.name : null)
}

function checkoutSession(state: Read, events: EventIndex): DashboardPage {
  return {
    path: '/checkout_sessions/:id',
    title: (req) => `Checkout session ${req.params.id}`,
    render(req) {
      const s = state.data
      const cs = own(s.checkoutSessions, req.params.id!)
      if (!cs) return null
      // the token is the hosted page's credential: the API answer is shown without it
      const w = { ...(cs.api === 'v2' ? checkoutSessionJson(s, cs, 'test') : legacyCheckoutSessionJson(s, cs, 'test')), session_token: cs.api === 'v2' ? '****' : null }
      const open = cs.status === 'created' || cs.status === 'in_progress'
      return html`${belongsTo(req, s, cs.orgId)}${traces(req, cs.id)}<section class="card">${fields([
        ['Id', cs.id],
        ['Status', status(cs.status)],
        ['API', cs.api],
        ['Amount', money(cs.amount, cs.currency)],
        ['Created', time(cs.createdAt, req.now)],
        ['Expires', time(cs.expiresAt, req.now)],
        ['Customer', customerName(s, cs)],
        ['Customer email', cs.customerEmail],
        ['Customer record', cs.customerId],
        ['Payment intent', idLink(req, 'payment_intents', cs.paymentIntentId)],
        ['Success URL', cs.successUrl],
        ['Cancel URL', cs.cancelUrl],
        ['Metadata', metadata(cs.metadata)],
      ])}</section>${timeline('Timeline', [{ at: cs.createdAt, what: html`created ${status('created')}`, detail: '' }, ...eventEntries(events, cs.id)], req.now)}<section class="card">${
        cs.status === 'created' ? actionForm('Pay with a test value', 'POST', adminPath(req, `/checkout_sessions/${cs.id}/pay`), payFields(cs.currency), 'Pay') : ''
      }${open ? transitionForm(req, `/checkout_sessions/${cs.id}/transition`, ['finished', 'expired'], [{ name: 'payment_status', label: 'Payment outcome (finished)', type: 'select', options: ['succeeded', 'failed', 'rejected', 'pending'], value: 'succeeded' }]) : ''}</section><section class="card"><h2>As the API answers it</h2>${json(w)}</section>`
    },
  }
}

function refund(state: Read, events: EventIndex): DashboardPage {
  return {
    path: '/refunds/:id',
    title: (req) => `Refund ${req.params.id}`,
    render(req) {
      const s = state.data
      const r = own(s.refunds, req.params.id!)
      if (!r) return null
      const to = Object.values(REFUND_TRANSITIONS[r.status])
      return html`${belongsTo(req, s, r.orgId)}${traces(req, r.id)}<section class="card">${fields([
        ['Id', r.id],
        ['Status', status(r.status)],
        ['Amount', money(r.amount, r.currency)],
        ['Payment intent', idLink(req, 'payment_intents', r.resourceId)],
        ['Created', time(r.createdAt, req.now)],
        ['Updated', time(r.updatedAt, req.now)],
        ['Failure code', r.failureCode],
        ['Recipient account', r.recipientAccount ? json(r.recipientAccount) : null],
        ['Metadata', metadata(r.metadata)],
      ])}</section>${timeline('Timeline', [{ at: r.createdAt, what: html`created ${status('pending')}`, detail: '' }, ...eventEntries(events, r.id)], req.now)}<section class="card">${transitionForm(req, `/refunds/${r.id}/transition`, to, [
        { name: 'failure_code', label: 'Failure code', hint: 'only with failed' },
      ])}</section><section class="card"><h2>As the API answers it</h2>${json(refundJson(r, 'test'))}</section>`
    },
  }
}

export function paymentPages(state: Read, events: EventIndex): DashboardPage[] {
  return [
    listPage<PaymentIntentRecord>(state, {
      path: '/payment_intents',
      nav: 'Payment intents',
      ids: (o) => o.paymentIntentIds,
      lookup: (s, id) => s.paymentIntents[id],
      statuses: Object.keys(PAYMENT_INTENT_TRANSITIONS),
      columns: (req, s) => [...common<PaymentIntentRecord>('payment_intents', req, s), { label: 'Customer email', cell: (p) => p.customerEmail }, { label: 'Reference', cell: (p) => p.referenceId }],
    }),
    paymentIntent(state, events),
    listPage<CheckoutSessionRecord>(state, {
      path: '/checkout_sessions',
      nav: 'Checkout sessions',
      ids: (o) => o.checkoutSessionIds ?? [],
      lookup: (s, id) => s.checkoutSessions[id],
      statuses: ['created', 'in_progress', 'finished', 'expired'],
      columns: (req, s) => [...common<CheckoutSessionRecord>('checkout_sessions', req, s), { label: 'Customer', cell: (cs) => customerName(s, cs) }, { label: 'Payment intent', cell: (cs) => idLink(req, 'payment_intents', cs.paymentIntentId) }],
    }),
    checkoutSession(state, events),
    listPage<RefundRecord>(state, {
      path: '/refunds',
      nav: 'Refunds',
      ids: (o) => o.refundIds,
      lookup: (s, id) => s.refunds[id],
      statuses: Object.keys(REFUND_TRANSITIONS),
      columns: (req, s) => [...common<RefundRecord>('refunds', req, s), { label: 'Payment intent', cell: (r) => idLink(req, 'payment_intents', r.resourceId) }, { label: 'Failure code', cell: (r) => r.failureCode }],
    }),
    refund(state, events),
  ]
}
