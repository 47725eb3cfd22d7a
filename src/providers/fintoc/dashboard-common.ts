import { maskSecret } from '../../core/logger.js'
import { type Html, html } from '../../dashboard/html.js'
import { json, link, type PageOf } from '../../dashboard/kit.js'
import type { DashboardRequest } from '../../dashboard/types.js'
import { formatAmount } from './amount-format.js'
import type { EventIndex } from './dashboard-events.js'
import type { FintocState, OrgRecord } from './state.js'
import { own } from '../../core/own.js'

// What the Fintoc dashboard pages share: links, amounts, masked keys, and newest-first paging over the
// organizations' id lists that never sorts or copies a whole collection.

export type Read = { readonly data: FintocState }

/** a record by an id from the URL: `constructor` or `__proto__` name nothing */
export { own }

/** `/__admin/ui/fintoc` + `path` */
export const at = (req: DashboardRequest, path: string) => `${req.base}/fintoc${path}`

/** the control API the action forms post to: the dashboard lives at `<admin>/ui` */
export const adminPath = (req: DashboardRequest, path: string) => `${req.base.replace(/\/ui$/, '')}/fintoc${path}`

/** major units in the currency's own format: `$150.000 CLP`, `$1.500,00 MXN` */
export const money = (amount: number, currency: 'CLP' | 'MXN') => html`<span class="amount">${formatAmount(amount, currency)}</span>`

/** an organization by its masked key (masked again: a hand-edited snapshot may hold a full key) */
export const orgName = (org: OrgRecord | undefined) => (org ? maskSecret(org.keyHint) : '(gone)')

export const orgLink = (req: DashboardRequest, s: FintocState, orgId: string) => link(at(req, `/organizations/${orgId}`), orgName(s.orgs[orgId]))

export const idLink = (req: DashboardRequest, kind: string, id: string | null | undefined): Html | string => (id ? link(at(req, `/${kind}/${id}`), id) : '')

/** free-form metadata, escaped like every value */
export const metadata = (value: Record<string, unknown> | null | undefined): Html | null => (value && Object.keys(value).length > 0 ? json(value) : null)

/** links to the shell's deliveries and requests pages for a resource */
export const traces = (req: DashboardRequest, id: string) =>
  html`<p class="traces">${link(`${req.base}/deliveries?resource_id=${encodeURIComponent(id)}`, 'Webhook deliveries')} · ${link(`${req.base}/requests?resource_id=${encodeURIComponent(id)}`, 'Requests that touched it')}</p>`

/** the organizations a list is filtered to: by id, by masked key (`sk_test_****abcd`), or every one */
export function orgsFor(s: FintocState, wanted: string | undefined): OrgRecord[] {
  if (!wanted) return Object.values(s.orgs)
  const org = own(s.orgs, wanted)
  if (org) return [org]
  return Object.values(s.orgs).filter((o) => orgName(o) === wanted)
}

export function limits(query: Record<string, string>, defaultLimit = 50) {
  const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '', 10) || defaultLimit, 1), 500)
  const page = Math.max(Number.parseInt(query.page ?? '', 10) || 1, 1)
  return { limit, offset: (page - 1) * limit }
}

/**
 * One page, newest first, merged from per-organization id lists (each already in creation order). Without a
 * filter a heap of one cursor per list walks from the newest and stops after the page; with one, a single pass
 * counts the matches and keeps their positions (numbers, not records), then the same merge runs over those.
 */
export function newestPage<R>(
  lists: ReadonlyArray<readonly string[]>,
  lookup: (id: string) => R | undefined,
  createdAt: (r: R) => number,
  keep: ((r: R) => boolean) | undefined,
  query: Record<string, string>,
  /** a filter on the id alone, checked before the record is looked up */
  keepId?: (id: string) => boolean,
): PageOf<R> {
  const { limit, offset } = limits(query)
  let total = 0
  let positions: number[][] | undefined
  if (keep || keepId) {
    positions = lists.map((ids) => {
      const out: number[] = []
      for (let i = 0; i < ids.length; i++) {
        if (keepId && !keepId(ids[i]!)) continue
        const r = lookup(ids[i]!)
        if (r !== undefined && (!keep || keep(r))) out.push(i)
      }
      total += out.length
      return out
    })
  } else for (const ids of lists) total += ids.length
  const rows: R[] = []
  if (offset >= total) return { rows, total, offset, limit }
  // cursor k of list l: lists[l][at(l, k)], newest at the highest k
  const at = positions ? (l: number, k: number) => positions[l]![k]! : (_l: number, k: number) => k
  const size = (l: number) => (positions ? positions[l]!.length : lists[l]!.length)
  type Head = { list: number; k: number; rec: R; at: number; id: string }
  const heap: Head[] = []
  // same instant: generated ids sort by creation (ids.ts)
  const newer = (a: Head, b: Head) => a.at > b.at || (a.at === b.at && a.id > b.id)
  const swap = (i: number, j: number) => {
    const t = heap[i]!
    heap[i] = heap[j]!
    heap[j] = t
  }
  const push = (h: Head) => {
    heap.push(h)
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1
      if (!newer(heap[i]!, heap[p]!)) break
      swap(i, p)
      i = p
    }
  }
  const pop = (): Head => {
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length === 0) return top
    heap[0] = last
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      let m = i
      if (l < heap.length && newer(heap[l]!, heap[m]!)) m = l
      if (l + 1 < heap.length && newer(heap[l + 1]!, heap[m]!)) m = l + 1
      if (m === i) break
      swap(i, m)
      i = m
    }
    return top
  }
  const advance = (list: number, from: number) => {
    for (let k = from; k >= 0; k--) {
      const id = lists[list]![at(list, k)]!
      const rec = lookup(id)
      if (rec !== undefined) return push({ list, k, rec, at: createdAt(rec), id })
    }
  }
  for (let l = 0; l < lists.length; l++) advance(l, size(l) - 1)
  let skipped = 0
  while (heap.length > 0 && rows.length < limit) {
    const h = pop()
    advance(h.list, h.k - 1)
    if (skipped < offset) skipped++
    else rows.push(h.rec)
  }
  return { rows, total, offset, limit }
}

/** a heading line with the org, shown on every detail page */
export const belongsTo = (req: DashboardRequest, s: FintocState, orgId: string) => html`<p>Organization ${orgLink(req, s, orgId)}</p>`

/** a resource's events as timeline entries, oldest first */
export const eventEntries = (events: EventIndex, resourceId: string) =>
  events.of(resourceId).map((e) => ({ at: e.createdAt, what: html`event ${e.type}${e.transfer ? html` → ${e.transfer.status}` : ''}`, detail: e.id }))
