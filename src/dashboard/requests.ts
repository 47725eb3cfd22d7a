import { type Journal, type JournalEntry, type JournalFilter, JournalFilterError } from '../core/journal.js'
import { type DashboardDeps, queryHref, resourceHref, resourceLink } from './context.js'
import { type Html, html } from './html.js'
import { fields, filters, httpStatus, json, link, type PageOf, pager, table, time } from './kit.js'
import { BASE } from './layout.js'
import type { DashboardRequest } from './types.js'

// The journal: what client code sent and what the sandbox answered, masked as the journal masks it. Its times
// are the wall clock's (the journal records them so), not the sandbox clock's.

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
const STATUSES = ['2xx', '4xx', '5xx', '400', '401', '404', '409', '422', '500']

/** the newest 4xx and 5xx answers */
export function errorEntries(journal: Journal, n: number): JournalEntry[] {
  return [...journal.list({ status: '4xx', limit: n }), ...journal.list({ status: '5xx', limit: n })].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, n)
}

/** one page of matching entries: only the page is formatted */
function pageOf(journal: Journal, filter: JournalFilter, query: Record<string, string>): PageOf<JournalEntry> {
  const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '', 10) || 50, 1), 500)
  const page = Math.max(Number.parseInt(query.page ?? '', 10) || 1, 1)
  const offset = (page - 1) * limit
  const total = journal.count(filter)
  const rows = offset >= total ? [] : journal.page(filter, offset, limit)
  return { rows, total, offset, limit }
}

export function requestsList(deps: DashboardDeps, req: DashboardRequest): Html {
  const q = req.query
  const filter: JournalFilter = { provider: q.provider, method: q.method, path: q.path, status: q.status, resource_id: q.resource_id }
  const path = `${BASE}/requests`
  const form = filters(path, q, [
    { name: 'provider', label: 'Provider', options: deps.providers.map((p) => p.name) },
    { name: 'method', label: 'Method', options: METHODS },
    { name: 'path', label: 'Path contains' },
    { name: 'status', label: 'Status', options: STATUSES.includes(q.status ?? '') || !q.status ? STATUSES : [q.status, ...STATUSES] },
    { name: 'resource_id', label: 'Resource id' },
  ])
  let page: PageOf<JournalEntry>
  try {
    page = pageOf(deps.journal, filter, q)
  } catch (err) {
    if (!(err instanceof JournalFilterError)) throw err
    return html`${form}<section class="card" role="alert"><h2>These filters cannot be applied</h2><ul>${err.issues.map((i) => html`<li>${i}</li>`)}</ul></section>`
  }
  const kept = Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'page' && v !== ''))
  return html`${form}${table(
    'Requests, newest first',
    [
      { label: 'When (wall clock)', cell: (e) => time(e.at, Date.now()) },
      { label: 'Provider', cell: (e) => e.provider },
      { label: 'Method', cell: (e) => e.method },
      { label: 'Path', cell: (e) => html`<code>${e.path}</code>${Object.keys(e.query).length > 0 ? html`<span class="muted">?${new URLSearchParams(e.query as Record<string, string>).toString()}</span>` : ''}` },
      { label: 'Status', cell: (e) => httpStatus(e.status) },
      { label: 'Duration', cell: (e) => `${e.durationMs} ms` },
      { label: 'Request id', cell: (e) => link(`${path}/${encodeURIComponent(e.requestId)}`, e.requestId) },
    ],
    page.rows,
    Object.values(filter).some((v) => v) ? 'No request matches these filters.' : 'No provider request yet.',
  )}${pager(page, path, kept)}${q.resource_id ? html`<p>${link(queryHref(`${BASE}/deliveries`, { resource_id: q.resource_id }), `Webhook deliveries of ${q.resource_id}`)}</p>` : ''}`
}

export function requestDetail(deps: DashboardDeps, req: DashboardRequest): { title: string; body: Html } | null {
  const id = req.params.id ?? ''
  const e = deps.journal.get(id)
  if (!e) return null
  // the resources it named (path segments) or answered (the response's id), those a provider has a page for
  const candidates = [...e.path.split('/'), (e.response?.body as { id?: unknown } | null)?.id]
  const ids = new Set(candidates.filter((c): c is string => typeof c === 'string' && c !== '' && resourceHref(deps.providers, c, e.provider) !== undefined))
  return {
    title: `${e.method} ${e.path}`,
    body: html`<section class="card">${fields([
      ['Request id', e.requestId],
      ['When', html`${time(e.at, Date.now())} <span class="muted">(wall clock)</span>`],
      ['Provider', e.provider],
      ['Method', e.method],
      ['Path', html`<code>${e.path}</code>`],
      ['Status', httpStatus(e.status)],
      ['Duration', `${e.durationMs} ms`],
      ...(ids.size > 0 ? [['Resources', html`${[...ids].map((i) => html`${resourceLink(deps.providers, i, e.provider)} `)}`] as [string, Html]] : []),
    ])}</section><section class="card"><h2>Request</h2><h3>Query</h3>${json(e.query)}<h3>Headers</h3>${json(e.headers)}<h3>Body</h3>${json(e.body)}</section><section class="card"><h2>Response</h2><h3>Headers</h3>${json(e.response?.headers ?? null)}<h3>Body</h3>${json(e.response?.body ?? null)}</section>`,
  }
}
