import { ApiError } from '../../core/errors.js'
import type { Operation } from '../../core/spec/operations.js'

// v2 lists: a bare array, `limit` + `starting_after` (or `ending_before`), and the next page as an absolute URL in
// `Link` carrying every filter (the SDKs follow it as is). An empty `Link` means the last page.

export interface CursorPage<T> {
  items: T[]
  link: string
}

/**
 * One page of a v2 list, newest first: walks the stored ids from the end and stops after the page,
 * so a request costs the page (and the distance to `starting_after`), not the whole collection.
 */
export function cursorPage<R extends { id: string }>(
  ids: readonly string[],
  lookup: (id: string) => R,
  keep: (record: R) => boolean,
  query: Record<string, unknown>,
  pageUrl: string,
): CursorPage<R> {
  const limit = typeof query.limit === 'number' ? query.limit : 30
  const after = typeof query.starting_after === 'string' ? query.starting_after : undefined
  const before = typeof query.ending_before === 'string' ? query.ending_before : undefined
  if (after !== undefined && before !== undefined) {
    throw new ApiError('invalid_request', 'Invalid params: starting_after and ending_before cannot be used together', { param: 'ending_before', code: 'invalid_params' })
  }
  if (before !== undefined) return pageBefore(ids, lookup, keep, query, pageUrl, limit, before)
  let passed = after === undefined
  const items: R[] = []
  let hasMore = false
  for (let i = ids.length - 1; i >= 0; i--) {
    const record = lookup(ids[i]!)
    if (!keep(record)) continue
    if (!passed) {
      passed = record.id === after
      continue
    }
    if (items.length === limit) {
      hasMore = true
      break
    }
    items.push(record)
  }
  if (!passed) throw new ApiError('invalid_request', `Invalid param: starting_after (no such object: ${after})`, { param: 'starting_after', code: 'invalid_params' })
  if (!hasMore || items.length === 0) return { items, link: '' }
  return { items, link: nextLink(pageUrl, query, items[items.length - 1]!.id) }
}

function nextLink(pageUrl: string, query: Record<string, unknown>, lastId: string): string {
  const next = new URL(pageUrl)
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && key !== 'starting_after' && key !== 'ending_before') next.searchParams.set(key, String(value))
  }
  next.searchParams.set('starting_after', lastId)
  return `<${next.toString()}>; rel="next"`
}

/**
 * `ending_before`: the `limit` records just newer than the cursor, still newest first (the page a client saw
 * before the cursor's). Its `Link` is the next (older) page, which starts after its own last record. Inferred.
 */
function pageBefore<R extends { id: string }>(
  ids: readonly string[],
  lookup: (id: string) => R,
  keep: (record: R) => boolean,
  query: Record<string, unknown>,
  pageUrl: string,
  limit: number,
  before: string,
): CursorPage<R> {
  // newer records are walked first: keep a window of the last `limit` seen before reaching the cursor
  const window: R[] = []
  let found = false
  for (let i = ids.length - 1; i >= 0; i--) {
    const record = lookup(ids[i]!)
    if (!keep(record)) continue
    if (record.id === before) {
      found = true
      break
    }
    window.push(record)
    if (window.length > limit) window.shift()
  }
  if (!found) throw new ApiError('invalid_request', `Invalid param: ending_before (no such object: ${before})`, { param: 'ending_before', code: 'invalid_params' })
  // the cursor itself follows the page, so there is always a next page
  if (window.length === 0) return { items: window, link: '' }
  return { items: window, link: nextLink(pageUrl, query, window[window.length - 1]!.id) }
}

/**
 * v1 lists: `page` (from 1) and `per_page`, with `first`/`prev`/`next`/`last` links. Pieces are
 * joined without spaces: the Python SDK matches each comma-separated piece from its start.
 */
export function offsetPage<T>(all: T[], query: Record<string, unknown>, pageUrl: string): CursorPage<T> {
  const perPage = typeof query.per_page === 'number' ? query.per_page : 30
  const page = typeof query.page === 'number' ? query.page : 1
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const link = (n: number, rel: string) => {
    const url = new URL(pageUrl)
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
    url.searchParams.set('page', String(n))
    url.searchParams.set('per_page', String(perPage))
    return `<${url.toString()}>; rel="${rel}"`
  }
  const rels = [link(1, 'first')]
  if (page > 1) rels.push(link(Math.min(page - 1, last), 'prev'))
  if (page < last) rels.push(link(page + 1, 'next'))
  rels.push(link(last, 'last'))
  return { items: all.slice((page - 1) * perPage, page * perPage), link: rels.join(',') }
}

/** the query parameters the operation declares: only those are carried into `Link` (others may be any size) */
export function declaredQuery(ctx: { query: Record<string, unknown>; operation: Pick<Operation, 'parameters'> }): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const p of ctx.operation.parameters) if (p.in === 'query' && ctx.query[p.name] !== undefined) out[p.name] = ctx.query[p.name]
  return out
}

/** a v2 list answer: the page's records as JSON, the next page in `Link` */
export function cursorList<R extends { id: string }>(
  ctx: { query: Record<string, unknown>; baseUrl: string; path: string; operation: Pick<Operation, 'parameters'> },
  list: { ids: readonly string[]; lookup: (id: string) => R; keep?: (record: R) => boolean; json: (record: R) => unknown },
) {
  const page = cursorPage(list.ids, list.lookup, list.keep ?? (() => true), declaredQuery(ctx), `${ctx.baseUrl}${ctx.path}`)
  return { body: page.items.map(list.json), headers: { Link: page.link } }
}

/** the `since` / `until` filters as a predicate on epoch milliseconds */
export function timeWindow(query: Record<string, unknown>): (ms: number) => boolean {
  const since = typeof query.since === 'string' ? Date.parse(query.since) : Number.NEGATIVE_INFINITY
  const until = typeof query.until === 'string' ? Date.parse(query.until) : Number.POSITIVE_INFINITY
  return (ms) => ms >= since && ms <= until
}
