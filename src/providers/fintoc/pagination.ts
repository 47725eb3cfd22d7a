import { ApiError } from '../../core/errors.js'

// v2 lists: a bare array, `limit` + `starting_after`, and the next page as an absolute URL in
// `Link` carrying every filter (the SDKs follow it as is). An empty `Link` means the last page.

export interface CursorPage<T> {
  items: T[]
  link: string
}

export function cursorPage<T extends { id: string }>(
  all: T[],
  query: Record<string, unknown>,
  pageUrl: string,
): CursorPage<T> {
  const limit = typeof query.limit === 'number' ? query.limit : 30
  const after = typeof query.starting_after === 'string' ? query.starting_after : undefined
  let start = 0
  if (after) {
    const index = all.findIndex((item) => item.id === after)
    if (index < 0) throw new ApiError('invalid_request', `Invalid param: starting_after (no such object: ${after})`, { param: 'starting_after', code: 'invalid_params' })
    start = index + 1
  }
  const items = all.slice(start, start + limit)
  const hasMore = start + limit < all.length
  if (!hasMore || items.length === 0) return { items, link: '' }
  const next = new URL(pageUrl)
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && key !== 'starting_after') next.searchParams.set(key, String(value))
  }
  next.searchParams.set('starting_after', items[items.length - 1]!.id)
  return { items, link: `<${next.toString()}>; rel="next"` }
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

/** a handler result for a v2 list: one page of `all` and its Link header */
export function cursorList<T extends { id: string }>(ctx: { query: Record<string, unknown>; baseUrl: string; path: string }, all: T[]) {
  const page = cursorPage(all, ctx.query, `${ctx.baseUrl}${ctx.path}`)
  return { body: page.items, headers: { Link: page.link } }
}

/** the `since` / `until` filters as a predicate on epoch milliseconds */
export function timeWindow(query: Record<string, unknown>): (ms: number) => boolean {
  const since = typeof query.since === 'string' ? Date.parse(query.since) : Number.NEGATIVE_INFINITY
  const until = typeof query.until === 'string' ? Date.parse(query.until) : Number.POSITIVE_INFINITY
  return (ms) => ms >= since && ms <= until
}
