import { type Html, html } from '../../dashboard/html.js'
import { actionForm, type Column, fields, filters, json, link, own, status, table, time, timeline } from '../../dashboard/kit.js'
import type { DashboardPage, DashboardRequest } from '../../dashboard/types.js'
import { type TransactionFilter, transactionPage } from './dashboard-query.js'
import { activityLinks, href, mxn, recordLink, TRANSACTION_TYPES, type TransactionType, transactionType, walkPager } from './dashboard-view.js'
import { dataCepJson } from './penny.js'
import type { MonatoState, TransactionRecord } from './state.js'
import { TRANSACTION_TRANSITIONS, transactionJson } from './transactions.js'

// Transactions: the paged, filtered list and one transaction's page (timeline, CEP, what the API answers, actions).

const STATUSES = Object.keys(TRANSACTION_TRANSITIONS)

export function transactionColumns(req: DashboardRequest, s: MonatoState): Array<Column<TransactionRecord>> {
  return [
    { label: 'Transaction', cell: (t) => recordLink(req, s, t.id) },
    { label: 'Type', cell: (t) => transactionType(t) },
    { label: 'Sub-category', cell: (t) => t.subCategory },
    { label: 'Status', cell: (t) => status(t.status) },
    { label: 'Amount', cell: (t) => mxn(t.amountCents) },
    { label: 'Description', cell: (t) => t.description },
    { label: 'Tracking key', cell: (t) => t.trackingId },
    { label: 'Client', cell: (t) => recordLink(req, s, t.clientId) },
    { label: 'Created', cell: (t) => time(t.createdAt, req.now) },
  ]
}

const int = (value: string | undefined, fallback: number, max: number) => Math.min(Math.max(Number.parseInt(value ?? '', 10) || fallback, 1), max)

function filterOf(q: Record<string, string>): TransactionFilter {
  const type = TRANSACTION_TYPES.find((x) => x === q.type) as TransactionType | undefined
  return {
    ...(q.client ? { clientId: q.client } : {}),
    ...(q.account ? { account: q.account.trim() } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(type ? { type } : {}),
    ...(q.q ? { search: q.q.trim() } : {}),
  }
}

function timelineOf(s: MonatoState, t: TransactionRecord) {
  const entries: Array<{ at: number; what: Html | string; detail?: Html | string }> = []
  const credit = t.category === 'CREDIT_TRANS'
  entries.push({ at: t.createdAt, what: html`created ${status(credit ? 'LIQUIDATED' : 'INITIALIZED')}`, detail: mxn(t.amountCents) })
  if (t.cep) entries.push({ at: t.createdAt, what: html`CEP ${status('PENDING')}` })
  // the state keeps when the record last changed, not each step: a refunded transfer's liquidation time is not kept
  if (!credit && t.status !== 'INITIALIZED') {
    const via = t.status === 'REFUNDED' ? ' (after LIQUIDATED; that time is not kept)' : ''
    entries.push({ at: t.updatedAt, what: html`${status(t.status)}${via}`, detail: t.reason ? `${t.reason}: ${t.reasonDescription ?? ''}` : '' })
  }
  if (t.cep?.processedAt != null) entries.push({ at: t.cep.processedAt, what: html`CEP ${status(t.cep.status)}`, detail: t.cep.path === 'delayed' ? 'reported DELAYED first' : '' })
  const refund = t.refundedBy ? s.transactions[t.refundedBy] : undefined
  if (refund) entries.push({ at: refund.createdAt, what: html`sent back by refund <code>${refund.id}</code>`, detail: refund.status })
  return entries.sort((a, b) => a.at - b.at)
}

/** the credit a refund sent back (the refund names none: the credit names it) */
function refundOf(s: MonatoState, t: TransactionRecord): TransactionRecord | undefined {
  if (transactionType(t) !== 'refund') return undefined
  const list = s.clients[t.clientId]?.transactionIds ?? []
  // the credit was recorded before its refund: walked back from the refund
  for (let i = list.lastIndexOf(t.id) - 1; i >= 0; i--) if (s.transactions[list[i]!]?.refundedBy === t.id) return s.transactions[list[i]!]
  return undefined
}

function transitionForm(t: TransactionRecord): Html | string {
  const next = Object.keys(TRANSACTION_TRANSITIONS[t.status])
  if (t.category !== 'DEBIT_TRANS' || next.length === 0) return ''
  return actionForm('Force a transition', 'POST', `/__admin/monato/transactions/${encodeURIComponent(t.id)}/transition`, [
    { name: 'to', label: 'To', type: 'select', options: next, value: next[0] },
    { name: 'reason', label: 'Reason', hint: 'optional; FORCED when empty' },
  ])
}

export function transactionPages(state: { readonly data: MonatoState }): DashboardPage[] {
  return [
    {
      path: '/transactions',
      nav: 'Transactions',
      title: 'Monato transactions',
      render(req) {
        const s = state.data
        const q = req.query
        const page = transactionPage(s, filterOf(q), int(q.page, 1, Number.MAX_SAFE_INTEGER), int(q.limit, 50, 500))
        const path = href(req, '/transactions')
        return html`${filters(path, q, [
          { name: 'client', label: 'Client', options: Object.keys(s.clients) },
          { name: 'account', label: 'Account id or CLABE' },
          { name: 'status', label: 'Status', options: STATUSES },
          { name: 'type', label: 'Type', options: [...TRANSACTION_TYPES] },
          { name: 'q', label: 'Id or tracking key' },
        ])}${table('Transactions, newest first', transactionColumns(req, s), page.rows, 'No transaction matches.')}${walkPager(page, path, q)}`
      },
    },
    {
      path: '/transactions/:id',
      title: (req) => `Monato transaction ${req.params.id}`,
      render(req) {
        const s = state.data
        const t = own(s.transactions, req.params.id)
        if (!t) return null
        const original = refundOf(s, t)
        const cep = t.cep ? dataCepJson(t) : undefined
        return html`<section class="card">${fields([
          ['Id', html`<code>${t.id}</code>`],
          ['Type', transactionType(t)],
          ['Category', `${t.category} / ${t.subCategory}`],
          ['Status', status(t.status)],
          ['Amount', html`${mxn(t.amountCents)} <span class="muted">(amount "${transactionJson(t).amount}")</span>`],
          ['Description', t.description],
          ['External reference', t.externalReference],
          ['Tracking key', t.trackingId],
          ['Client', recordLink(req, s, t.clientId)],
          ['Source account', recordLink(req, s, t.sourceAccountId)],
          ['Destination instrument', recordLink(req, s, t.destinationInstrumentId)],
          ['Credited account', recordLink(req, s, t.creditAccountId)],
          ['Reason', t.reason ? `${t.reason}: ${t.reasonDescription ?? ''}` : null],
          ['Planned outcome', t.plan ? `${t.plan.outcome} (${t.plan.reason})` : null],
          ['Refunded by', recordLink(req, s, t.refundedBy)],
          ['Refund of', original ? recordLink(req, s, original.id) : null],
          ['Created', time(t.createdAt, req.now)],
          ['Updated', time(t.updatedAt, req.now)],
        ])}${activityLinks(req, t.id)}</section>${timeline('Timeline', timelineOf(s, t), req.now)}${
          cep
            ? html`<section class="card"><h2>CEP</h2>${fields([
                ['Status', status(cep.status)],
                ['Validation id', html`<code>${cep.validationId}</code>`],
                ['Beneficiary account', t.cep!.beneficiaryAccount],
                ['Beneficiary name', cep.beneficiaryName],
                ['Beneficiary RFC', cep.beneficiaryRfc],
                ['CEP URL', cep.cepUrl ? link(cep.cepUrl, cep.cepUrl) : null],
                ['Processed', time(t.cep!.processedAt, req.now)],
              ])}</section>`
            : ''
        }<section class="card"><h2>As the API answers it</h2>${json(transactionJson(t))}</section>${transitionForm(t)}`
      },
    },
    {
      path: '/ceps',
      nav: 'CEPs',
      title: 'Monato CEPs (penny validations)',
      render(req) {
        const s = state.data
        const q = req.query
        const page = transactionPage(s, { ...filterOf(q), type: 'penny_validation' }, int(q.page, 1, Number.MAX_SAFE_INTEGER), int(q.limit, 50, 500))
        const path = href(req, '/ceps')
        const columns: Array<Column<TransactionRecord>> = [
          { label: 'Transaction', cell: (t) => recordLink(req, s, t.id) },
          { label: 'CEP status', cell: (t) => status(t.cep!.status) },
          { label: 'Validation id', cell: (t) => html`<code>${t.cep!.validationId}</code>` },
          { label: 'Beneficiary account', cell: (t) => t.cep!.beneficiaryAccount },
          { label: 'Beneficiary name', cell: (t) => dataCepJson(t).beneficiaryName },
          { label: 'Transfer status', cell: (t) => status(t.status) },
          { label: 'Created', cell: (t) => time(t.createdAt, req.now) },
          { label: 'Processed', cell: (t) => time(t.cep!.processedAt, req.now) },
        ]
        const { type: _type, ...kept } = q
        return html`${filters(path, kept, [
          { name: 'client', label: 'Client', options: Object.keys(s.clients) },
          { name: 'q', label: 'Id or tracking key' },
        ])}${table('CEPs, newest first', columns, page.rows, 'No penny validation yet.')}${walkPager(page, path, kept)}`
      },
    },
  ]
}
