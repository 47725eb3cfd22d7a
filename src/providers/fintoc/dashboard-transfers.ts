import { html } from '../../dashboard/html.js'
import { actionForm, fields, filters, json, link, pager, status, table, time, timeline } from '../../dashboard/kit.js'
import type { DashboardPage, DashboardRequest } from '../../dashboard/types.js'
import { formatAmount } from './amount-format.js'
import { adminPath, at, belongsTo, idLink, metadata, money, newestPage, orgLink, orgsFor, own, type Read, traces } from './dashboard-common.js'
import type { EventIndex } from './dashboard-events.js'
import type { FintocState, TransferRecord, TransferStatus } from './state.js'
import { TRANSFER_TRANSITIONS } from './transfer-machine.js'
import { transferJson } from './wire.js'

// Transfers: a list paged and filtered on the server (newest first, stopping after the page), and a transfer's
// page with its fields as the API answers them, a timeline of what happened to it, and its forced transitions.

const STATUSES = Object.keys(TRANSFER_TRANSITIONS)

/** what POST /__admin/fintoc/transfers/{id}/transition accepts from where the transfer is (see money.force) */
export function forcibleTransferStatuses(t: TransferRecord): TransferStatus[] {
  if (t.status === 'pending') return t.direction === 'inbound' ? ['succeeded'] : ['succeeded', 'failed', 'rejected']
  if (t.status === 'succeeded') return t.direction === 'outbound' ? ['returned'] : ['return_pending']
  if (t.status === 'return_pending') return ['returned', 'succeeded']
  return []
}

function list(state: Read): DashboardPage {
  return {
    path: '/transfers',
    nav: 'Transfers',
    title: 'Transfers',
    render(req) {
      const s = state.data
      const q = req.query
      const id = q.id?.trim()
      const orgs = orgsFor(s, q.org)
      const inOrgs = new Set(orgs.map((o) => o.id))
      const keep = (t: TransferRecord) =>
        inOrgs.has(t.orgId) &&
        (!q.status || t.status === q.status) &&
        (!q.direction || t.direction === q.direction) &&
        (!q.account || t.accountId === q.account)
      // an exact id or an account narrows what is walked: one transfer, or one organization's list
      const exact = id ? own(s.transfers, id) : undefined
      const account = q.account ? own(s.accounts, q.account) : undefined
      const filtered = Boolean(q.status || q.direction || q.account || exact)
      const lists = exact ? [[exact.id]] : account ? [s.orgs[account.orgId]?.transferIds ?? []] : orgs.map((o) => o.transferIds)
      const page = newestPage(lists, (tid) => s.transfers[tid], (t) => t.transactionDate, filtered ? keep : undefined, q, id && !exact ? (tid) => tid.includes(id) : undefined)
      return html`${filters(at(req, '/transfers'), q, [
        { name: 'org', label: 'Organization (id or masked key)' },
        { name: 'account', label: 'Account id' },
        { name: 'status', label: 'Status', options: STATUSES },
        { name: 'direction', label: 'Direction', options: ['inbound', 'outbound'] },
        { name: 'id', label: 'Transfer id' },
      ])}${table(
        'Transfers, newest first',
        [
          { label: 'Id', cell: (t) => idLink(req, 'transfers', t.id) },
          { label: 'Created', cell: (t) => time(t.transactionDate, req.now) },
          { label: 'Organization', cell: (t) => orgLink(req, s, t.orgId) },
          { label: 'Account', cell: (t) => idLink(req, 'accounts', t.accountId) },
          { label: 'Direction', cell: (t) => t.direction },
          { label: 'Status', cell: (t) => status(t.status) },
          { label: 'Amount', cell: (t) => money(t.amount, t.currency) },
          { label: 'Counterparty', cell: (t) => t.counterparty.holder_name },
          { label: 'Comment', cell: (t) => t.comment },
        ],
        page.rows,
        filtered || q.org ? 'No transfer matches these filters.' : 'No transfers yet.',
      )}${pager(page, at(req, '/transfers'), q)}`
    },
  }
}

/** what happened to a transfer, from what the state keeps: its creation, its movements and its events */
function history(s: FintocState, events: EventIndex, t: TransferRecord, req: DashboardRequest) {
  const entries: Array<{ at: number; what: ReturnType<typeof html> | string; detail?: string }> = [
    { at: t.transactionDate, what: html`${t.direction === 'inbound' ? 'received' : 'created'} ${status('pending')}` },
  ]
  // the account's movements are in time order: walk back only as far as the transfer's creation
  const account = s.accounts[t.accountId]
  const ids = account?.movementIds ?? []
  for (let i = ids.length - 1; i >= 0; i--) {
    const m = s.movements[ids[i]!]
    if (!m) continue
    if (m.transactionDate < t.transactionDate) break
    if (m.resourceId === t.id) entries.push({ at: m.transactionDate, what: html`movement ${m.direction} ${money(m.amount, m.currency)}`, detail: `balance after: ${formatAmount(m.balance, m.currency)}` })
  }
  for (const e of events.of(t.id)) entries.push({ at: e.createdAt, what: html`${e.type} → ${status(e.transfer?.status)}`, detail: e.id })
  entries.sort((a, b) => a.at - b.at)
  return timeline('Timeline', entries, req.now)
}

function detail(state: Read, events: EventIndex): DashboardPage {
  return {
    path: '/transfers/:id',
    title: (req) => `Transfer ${req.params.id}`,
    render(req) {
      const s = state.data
      const t = own(s.transfers, req.params.id!)
      if (!t) return null
      const w = transferJson(s, t, 'test')
      const to = forcibleTransferStatuses(t)
      const cp = t.counterparty
      return html`${belongsTo(req, s, t.orgId)}${traces(req, t.id)}<section class="card">${fields([
        ['Id', w.id],
        ['Status', status(w.status)],
        ['Direction', w.direction],
        ['Amount', money(t.amount, t.currency)],
        ['Transaction date', time(t.transactionDate, req.now)],
        ['Post date', time(t.postDate, req.now)],
        ['Comment', w.comment],
        ['Reference id', w.reference_id],
        ['Tracking key', w.tracking_key],
        ['Receipt', w.receipt_url ? link(w.receipt_url, w.receipt_url) : null],
        ['Return reason', w.return_reason],
        ['Account', idLink(req, 'accounts', t.accountId)],
        ['Account number', html`${w.account_number.number} ${idLink(req, 'account_numbers', t.accountNumberId)}`],
        ['Counterparty', html`${cp.holder_name ?? ''} ${cp.holder_id ? `(${cp.holder_id})` : ''} · ${cp.account_number} ${cp.account_type ?? ''} ${cp.institution ? `· ${cp.institution.name}` : ''}`],
        ['Metadata', metadata(t.metadata)],
      ])}</section>${history(s, events, t, req)}${
        to.length > 0
          ? html`<section class="card">${actionForm('Force a transition', 'POST', adminPath(req, `/transfers/${t.id}/transition`), [
              { name: 'to', label: 'To', type: 'select', options: to, value: to[0] },
              { name: 'reason', label: 'Reason', hint: 'optional: the return_reason of a failed, rejected or returned transfer' },
            ])}</section>`
          : ''
      }<section class="card"><h2>As the API answers it</h2>${json(w)}</section>`
    },
  }
}

export const transferPages = (state: Read, events: EventIndex): DashboardPage[] => [list(state), detail(state, events)]
