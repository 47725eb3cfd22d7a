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
