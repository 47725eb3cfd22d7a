import type { Request, Response } from 'express'
import { z } from 'zod'
import { AdminError } from './errors.js'
import { maskedStateJson } from './mask-state.js'
import { boundedSlice, collectionNames, DEFAULT_PAGE_LIMIT, decodeCursor, findCollection, MAX_PAGE_LIMIT, pageOf, type Truncated } from './state-pages.js'

// GET /__admin/state: the whole state or one provider's, each collection bounded (see state-pages.ts), or one
// collection a page at a time. Secrets are masked on every answer unless ?secrets=true.

const single = z.string({ error: 'must be given once' })
const Query = z.object({
  // empty, as before: the whole state
  provider: single.transform((v) => v || undefined).optional(),
  collection: single.regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?$/, 'must name a collection, e.g. orgs or idempotency.records').optional(),
  limit: single
    .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`).max(MAX_PAGE_LIMIT, `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`))
    .optional(),
  cursor: single.optional(),
})

const invalid = (issues: string[]) => new AdminError(400, 'invalid query', issues)

/** the link to the page after `cursor`, keeping the secrets choice */
function nextLink(provider: string, collection: string, cursor: string, limit: number | undefined, secrets: boolean): string {
  const q = new URLSearchParams({ provider, collection, ...(limit === undefined ? {} : { limit: String(limit) }), cursor, ...(secrets ? { secrets: 'true' } : {}) })
  return `/__admin/state?${q}`
}

export function stateHandler(state: () => Record<string, unknown>) {
  return (req: Request, res: Response) => {
    const parsed = Query.safeParse(req.query)
    if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
    const { provider, collection, limit, cursor } = parsed.data
    const secrets = req.query.secrets === 'true'
    const data = state()
    if (provider && !Object.hasOwn(data, provider)) throw new AdminError(404, `No provider ${provider}`)
    // secrets (webhook secrets, tokens, client secrets, URL passwords) only when asked for; the snapshot keeps them
    const send = (value: unknown) => (secrets ? res.json(value) : res.type('application/json').send(maskedStateJson(value)))

    if (collection === undefined) {
      if (limit !== undefined) throw invalid(['limit: only with collection (a page of one collection)'])
      if (cursor !== undefined) throw invalid(['cursor: only with collection (a page of one collection)'])
      const truncated: Truncated[] = []
      const value = provider ? boundedSlice(data[provider], provider, truncated) : Object.fromEntries(Object.keys(data).map((name) => [name, boundedSlice(data[name], name, truncated)]))
      if (truncated.length === 0) return void send(value)
      // an answer that grows with the state would not fit in memory: the rest of each big collection is a link away
      const _truncated = truncated.map((t) => ({ ...t, next: nextLink(t.provider, t.collection, t.cursor, undefined, secrets) }))
      return void send({ ...(value as Record<string, unknown>), _truncated })
    }

    if (!provider) throw invalid(['provider: required with collection'])
    const slice = data[provider]
    const found = findCollection(slice, collection.split('.'))
    if (!found) throw invalid([`collection: ${provider} has no collection ${collection} (it has: ${collectionNames(slice).join(', ')})`])
    const name = `${provider}.${collection}`
    const at = cursor === undefined ? undefined : decodeCursor(cursor, name)
    if (cursor !== undefined && !at) throw invalid([`cursor: not a cursor of ${name}: pass the next_cursor of a page of it, or none for the first page`])
    const page = pageOf(found, name, limit ?? DEFAULT_PAGE_LIMIT, at)
    send({
      provider,
      collection,
      total: page.total,
      data: page.data,
      next_cursor: page.nextCursor,
      next: page.nextCursor && nextLink(provider, collection, page.nextCursor, limit, secrets),
    })
  }
}
