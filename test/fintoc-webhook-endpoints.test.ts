import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

const KEY = 'sk_test_webhook_endpoints'
let sb: TestSandbox
let check: Awaited<ReturnType<typeof specValidator>>
beforeAll(async () => {
  sb = await makeSandbox()
  check = await specValidator('specs/fintoc.yaml')
})
afterAll(() => sb.close())

const api = {
  get: (url: string, key = KEY) => sb.http.get(`/fintoc${url}`).set('Authorization', key),
  post: (url: string, body: object) => sb.http.post(`/fintoc${url}`).set('Authorization', KEY).send(body),
  patch: (url: string, body: object) => sb.http.patch(`/fintoc${url}`).set('Authorization', KEY).send(body),
  delete: (url: string) => sb.http.delete(`/fintoc${url}`).set('Authorization', KEY),
}

describe('/v1/webhook_endpoints', () => {
  it('create shows the secret once; get, list, update and delete never do', async () => {
    const created = await api.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9999/hooks', enabled_events: ['transfer.outbound.succeeded'], description: 'CI receiver' })
    expect(created.status).toBe(201)
    expect(check('createWebhookEndpoint', created.body)).toBeNull()
    expect(created.body).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', mode: 'test', enabled_events: ['transfer.outbound.succeeded'] })
    expect(created.body.secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/)
    const id = created.body.id
    expect(id).toMatch(/^we_[0-9A-Za-z]{27}$/)
    const got = await api.get(`/v1/webhook_endpoints/${id}`)
    expect(got.body).toEqual({ ...created.body, secret: null })
    const disabled = await api.patch(`/v1/webhook_endpoints/${id}`, { disabled: true, enabled_events: ['*'] })
    expect(disabled.body).toMatchObject({ status: 'disabled', enabled_events: ['*'], secret: null })
    expect((await api.patch(`/v1/webhook_endpoints/${id}`, { status: 'enabled' })).body.status).toBe('enabled')
    const deleted = await api.delete(`/v1/webhook_endpoints/${id}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.id).toBe(id)
    expect((await api.get(`/v1/webhook_endpoints/${id}`)).status).toBe(404)
  })

  it('validates url and enabled_events', async () => {
    const noEvents = await api.post('/v1/webhook_endpoints', { url: 'https://example.com/h' })
    expect(fintocError(noEvents.body)).toMatchObject({ code: 'missing_parameter', param: 'enabled_events' })
    const badUrl = await api.post('/v1/webhook_endpoints', { url: 'ftp://example.com', enabled_events: ['*'] })
    expect(badUrl.status).toBe(400)
    expect(fintocError(badUrl.body).param).toBe('url')
  })

  it('pages with page/per_page and first/prev/next/last links', async () => {
    for (let i = 0; i < 5; i++) await api.post('/v1/webhook_endpoints', { url: `https://example.com/${i}`, enabled_events: ['*'] })
    const page2 = await api.get('/v1/webhook_endpoints?page=2&per_page=2')
    expect(page2.body.map((e: { url: string }) => e.url)).toEqual(['https://example.com/2', 'https://example.com/1'])
    const links = Object.fromEntries(
      String(page2.headers.link)
        .split(',')
        .map((piece) => {
          const m = /^<([^>]+)>; rel="(\w+)"$/.exec(piece)!
          return [m[2], new URL(m[1]!)]
        }),
    )
    expect(Object.keys(links).sort()).toEqual(['first', 'last', 'next', 'prev'])
    expect(links.prev.searchParams.get('page')).toBe('1')
    expect(links.next.searchParams.get('page')).toBe('3')
    expect(links.last.searchParams.get('page')).toBe('3')
    expect(links.next.pathname).toBe('/fintoc/v1/webhook_endpoints')
    const last = await api.get('/v1/webhook_endpoints?page=3&per_page=2')
    expect(last.body).toHaveLength(1)
    expect(String(last.headers.link)).not.toContain('rel="next"')
    // an undeclared parameter is not carried into the links: a 10 KB one once made 40 KB of headers
    const odd = await api.get(`/v1/webhook_endpoints?per_page=2&limit=${'x'.repeat(10_000)}`)
    expect(odd.status).toBe(200)
    expect(String(odd.headers.link)).not.toContain('limit=')
    expect(String(odd.headers.link)).toContain('per_page=2')
  })

  it("another key's endpoints are invisible", async () => {
    const mine = (await api.post('/v1/webhook_endpoints', { url: 'https://example.com/mine', enabled_events: ['*'] })).body
    expect((await api.get(`/v1/webhook_endpoints/${mine.id}`, 'sk_test_someone_else')).status).toBe(404)
    expect((await api.get('/v1/webhook_endpoints', 'sk_test_someone_else')).body).toEqual([])
  })
})
