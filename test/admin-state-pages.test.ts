import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { maskedStateJson } from '../src/admin/mask-state.js'
import type { FintocState } from '../src/providers/fintoc/state.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §5: GET /__admin/state with many tenants built one 276 MB answer. Collections now page, and the
// whole-state answer shows at most 1,000 records of each, saying where the rest is.

const ORGS = 3001
const key = (i: number) => `sk_test_pages_${i}`
let sb: TestSandbox
let secret: string

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' }, logLevel: 'warn' })
  const organizations = Array.from({ length: ORGS }, (_, i) => ({ api_key: key(i) }))
  expect((await sb.http.post('/__admin/scenarios').send({ fintoc: { organizations } })).status).toBe(201)
  const endpoint = await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', key(0)).set('Idempotency-Key', 'pages-endpoint').send({ url: 'https://example.com/pages', enabled_events: ['*'] })
  expect(endpoint.status).toBe(201)
  secret = endpoint.body.secret
})
afterAll(() => sb.close())

type PageBody = { provider: string; collection: string; total: number; data: Record<string, unknown>; next_cursor: string | null; next: string | null }

async function walk(collection: string, limit: number, between?: (page: number) => Promise<void>, provider = 'fintoc'): Promise<{ keys: string[]; pages: PageBody[] }> {
  const keys: string[] = []
  const pages: PageBody[] = []
  let url: string | null = `/__admin/state?provider=${provider}&collection=${collection}&limit=${limit}`
  while (url) {
    const res = await sb.http.get(url)
    expect(res.status).toBe(200)
    const page = res.body as PageBody
    pages.push(page)
    keys.push(...Object.keys(page.data))
    await between?.(pages.length)
    url = page.next
  }
  return { keys, pages }
}

describe('GET /__admin/state?provider=&collection=&limit=&cursor=', () => {
  it('pages through 3,000+ organizations, each exactly once, while others come and go', async () => {
    const before = Object.keys((sb.store.data.fintoc as FintocState).orgs)
    expect(before.length).toBe(ORGS + 0)
    const { keys, pages } = await walk('orgs', 400, async (n) => {
      // new tenants arrive mid-walk: they may or may not be seen, but nothing is seen twice or skipped
      if (n === 3) for (let i = 0; i < 3; i++) await sb.http.get('/fintoc/v2/accounts').set('Authorization', `sk_test_pages_new_${i}`)
    })
    expect(new Set(keys).size).toBe(keys.length)
    expect(before.filter((id) => !keys.includes(id))).toEqual([])
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(ORGS / 400))
    expect(pages.slice(0, -1).every((p) => Object.keys(p.data).length === 400 && p.next_cursor !== null)).toBe(true)
    expect(pages.at(-1)!.next_cursor).toBeNull()
    expect(pages.at(-1)!.next).toBeNull()
    expect(pages[0]).toMatchObject({ provider: 'fintoc', collection: 'orgs', total: ORGS })
    // a record is answered as stored
    const first = keys[0]!
    expect(pages[0]!.data[first]).toEqual(JSON.parse(JSON.stringify((sb.store.data.fintoc as FintocState).orgs[first])))
  })

  it('pages a core collection one level down, and an array by position', async () => {
    const records = await walk('idempotency.records', 1, undefined, 'core')
    expect(records.keys.length).toBe(Object.keys((sb.store.data.core as { idempotency: { records: object } }).idempotency.records).length)
    const banks = await walk('banks', 7, undefined, 'monato')
    const stored = (sb.store.data.monato as { banks: unknown[] }).banks
    expect(banks.pages.flatMap((p) => p.data as unknown as unknown[])).toEqual(JSON.parse(JSON.stringify(stored)))
  })

  it('masks secrets on every page unless ?secrets=true, which the next link keeps', async () => {
    const masked = await sb.http.get('/__admin/state?provider=fintoc&collection=webhookEndpoints')
    expect(masked.text).not.toContain(secret)
    expect(Object.values(masked.body.data as Record<string, { secret: string }>)[0]!.secret).toBe(`****${secret.slice(-4)}`)
    // the stored reply of the creation holds the secret too
    const reply = await sb.http.get('/__admin/state?provider=core&collection=idempotency.records')
    expect(reply.text).toContain('webhook_endpoint')
    expect(reply.text).not.toContain(secret)
    const raw = await sb.http.get('/__admin/state?provider=fintoc&collection=webhookEndpoints&secrets=true')
    expect(raw.text).toContain(secret)
    const firstPage = await sb.http.get('/__admin/state?provider=fintoc&collection=orgs&limit=2&secrets=true')
    expect(firstPage.body.next).toMatch(/&secrets=true$/)
    expect((await sb.http.get('/__admin/state?provider=fintoc&collection=orgs&limit=2')).body.next).not.toMatch(/secrets/)
  })

  it.each([
    ['limit=0', 'provider=fintoc&collection=orgs&limit=0', 'limit: must be a whole number from 1 to 10000'],
    ['limit=abc', 'provider=fintoc&collection=orgs&limit=abc', 'limit: must be a whole number from 1 to 10000'],
    ['limit too large', 'provider=fintoc&collection=orgs&limit=10001', 'limit: must be a whole number from 1 to 10000'],
    ['limit twice', 'provider=fintoc&collection=orgs&limit=1&limit=2', 'limit: must be given once'],
    ['a cursor that is not one', 'provider=fintoc&collection=orgs&cursor=garbage', 'cursor: not a cursor of fintoc.orgs'],
    ['collection without provider', 'collection=orgs', 'provider: required with collection'],
    ['limit without collection', 'provider=fintoc&limit=5', 'limit: only with collection'],
    ['cursor without collection', 'cursor=abc', 'cursor: only with collection'],
    ['an unknown collection', 'provider=fintoc&collection=orgz', 'collection: fintoc has no collection orgz'],
    ['a record, not a collection', 'provider=fintoc&collection=orgs.x', 'collection: fintoc has no collection orgs.x'],
    ['a scalar', 'provider=fintoc&collection=clabeSeq', 'collection: fintoc has no collection clabeSeq'],
    ['a malformed name', 'provider=fintoc&collection=__proto__.x.y', 'collection: must name a collection'],
  ])('%s → 400 naming the parameter', async (_name, query, issue) => {
    const res = await sb.http.get(`/__admin/state?${query}`)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('invalid query')
    expect(res.body.error.issues.join('\n')).toContain(issue)
  })

  it("a cursor of another collection is refused; an unknown provider stays 404", async () => {
    const cursor = (await sb.http.get('/__admin/state?provider=fintoc&collection=orgs&limit=1')).body.next_cursor
    const res = await sb.http.get(`/__admin/state?provider=fintoc&collection=accounts&cursor=${cursor}`)
    expect(res.status).toBe(400)
    expect(res.body.error.issues[0]).toMatch(/^cursor: not a cursor of fintoc\.accounts/)
    expect((await sb.http.get('/__admin/state?provider=stripe&collection=orgs')).status).toBe(404)
  })
})

describe('GET /__admin/state (whole)', () => {
  it('shows at most 1,000 records of each collection and where the rest is; the rest pages from there', async () => {
    const res = await sb.http.get('/__admin/state')
    expect(res.status).toBe(200)
    // about 1.3 MB; the whole state of these 3,000 organizations is more than 4 MB
    expect(res.text.length).toBeLessThan(2_000_000)
    expect(JSON.stringify(sb.store.data).length).toBeGreaterThan(4_000_000)
    const body = res.body
    expect(Object.keys(body.fintoc.orgs)).toHaveLength(1000)
    expect(Object.keys(body.monato.clients)).toHaveLength(1)
    const truncated = body._truncated as Array<{ provider: string; collection: string; total: number; shown: number; cursor: string; next: string }>
    expect(truncated.map((t) => `${t.provider}.${t.collection}`).sort()).toEqual(['fintoc.accountNumbers', 'fintoc.accounts', 'fintoc.entities', 'fintoc.keyIndex', 'fintoc.orgs'])
    const orgs = truncated.find((t) => t.collection === 'orgs')!
    expect(orgs).toMatchObject({ total: Object.keys((sb.store.data.fintoc as FintocState).orgs).length, shown: 1000 })
    // the shown records and the pages after them make the whole collection, once each
    const seen = Object.keys(body.fintoc.orgs)
    for (let url: string | null = orgs.next; url; ) {
      const page: PageBody = (await sb.http.get(url)).body
      seen.push(...Object.keys(page.data))
      url = page.next
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.sort()).toEqual(Object.keys((sb.store.data.fintoc as FintocState).orgs).sort())
    // masked as before
    expect(res.text).not.toContain(secret)
    // one provider: the same bound
    const fintoc = (await sb.http.get('/__admin/state?provider=fintoc')).body
    expect(Object.keys(fintoc.orgs)).toHaveLength(1000)
    expect(fintoc._truncated.map((t: { collection: string }) => t.collection)).toContain('orgs')
  })

  it('is unchanged for a small state: no field lost, renamed or added', async () => {
    const small = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    try {
      await small.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', 'sk_test_pages_small').set('Idempotency-Key', 'small').send({ url: 'https://example.com/s', enabled_events: ['*'] })
      const res = await small.http.get('/__admin/state')
      expect(res.text).toBe(maskedStateJson(small.store.data))
      expect(res.body._truncated).toBeUndefined()
      expect((await small.http.get('/__admin/state?provider=fintoc&secrets=true')).text).toBe(JSON.stringify(small.store.data.fintoc))
    } finally {
      await small.close()
    }
  })
})
