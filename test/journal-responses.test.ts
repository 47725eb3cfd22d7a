import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type RecordedRequest, type RunningSandbox, startSandbox } from '../src/index.js'
import { MONATO } from './helpers/sandbox.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'

// The journal keeps each provider answer beside its request and answers "was this called?": over HTTP
// (/__admin/requests, /__admin/requests/count) and through startSandbox(), on a real listening server.

const KEY = 'sk_test_journal_responses'
// an account number whose metadata alone is past the journal's 64 KB cut
const BIG = 'x'.repeat(100_000)
let sandbox: RunningSandbox
let receiver: Receiver

beforeAll(async () => {
  receiver = await startReceiver('/fintoc-hooks')
  sandbox = await startSandbox({
    clock: 'manual',
    env: { FINTOC_JWS: 'off' },
    scenario: ['data/scenarios/default.json', { fintoc: { organizations: [{ api_key: KEY, currency: 'MXN', balance: 5_000_000, accounts: [{ balance: 1_000_000, account_numbers: [{ metadata: { blob: BIG } }] }] }] } }],
  })
})
afterAll(async () => {
  await sandbox?.close()
  await receiver?.close()
})
beforeEach(async () => {
  expect((await fetch(`${sandbox.adminUrl}/requests`, { method: 'DELETE' })).status).toBe(200)
})

const fintoc = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) =>
  fetch(`${sandbox.fintocUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: init.key ?? KEY, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  })

async function monatoToken(): Promise<{ res: Response; token: string }> {
  const res = await fetch(`${sandbox.monatoUrl}/v1/clients/${MONATO.clientId}/auth/credential-tokens`, {
    method: 'POST',
    headers: { 'x-api-key': MONATO.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret }),
  })
  const body = (await res.clone().json()) as { token: string }
  return { res, token: body.token }
}

const admin = async (path: string) => {
  const res = await fetch(`${sandbox.adminUrl}${path}`)
  return { status: res.status, body: (await res.json()) as { data: RecordedRequest[]; count: number; error: { message: string; issues: string[] } } }
}
const list = async (query: string) => (await admin(`/requests?${query}`)).body.data
const count = async (query: string) => (await admin(`/requests/count?${query}`)).body.count
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the journal keeps each answer', () => {
  it('with its headers and body as sent, secrets masked: a Fintoc list, a Fintoc webhook secret, a Monato token', async () => {
    const accounts = await fintoc('/v2/accounts')
    const accountsBody = await accounts.json()
    const endpoint = await fintoc('/v1/webhook_endpoints', { method: 'POST', body: { url: receiver.url, enabled_events: ['transfer.outbound.succeeded'] } })
    const secret = ((await endpoint.json()) as { secret: string }).secret
    expect(secret).toMatch(/^whsec_.{20,}/)
    const { res: tokenRes, token } = await monatoToken()
    expect(token.split('.')).toHaveLength(3)

    const [tokenCall, endpointCall, accountsCall] = await list('')
    expect(accountsCall).toMatchObject({ provider: 'fintoc', method: 'GET', path: '/fintoc/v2/accounts', status: 200, body: null })
    // the body the client got, field for field
    expect(accountsCall!.response.body).toEqual(accountsBody)
    expect(accountsCall!.response.headers).toMatchObject({
      'x-request-id': accounts.headers.get('x-request-id'),
      'content-type': accounts.headers.get('content-type'),
      'content-length': Number(accounts.headers.get('content-length')),
      'x-mock-source': 'state',
    })
    expect(accountsCall!.requestId).toBe(accounts.headers.get('x-request-id'))

    expect(endpointCall).toMatchObject({ method: 'POST', status: 201, body: { url: receiver.url }, response: { body: { object: 'webhook_endpoint', secret: `****${secret.slice(-4)}` } } })
    expect(tokenCall).toMatchObject({ provider: 'monato', status: tokenRes.status, body: { client_secret: expect.stringMatching(/^\*\*\*\*/) } })
    expect((tokenCall!.response.body as { token: string }).token).toBe(`****${token.slice(-4)}`)

    const whole = JSON.stringify(await list(''))
    for (const s of [secret, token, MONATO.clientSecret, MONATO.apiKey, KEY]) expect(whole).not.toContain(s)
  })

  it('cuts a large body at 64 KB and keeps its real length', async () => {
    const res = await fintoc('/v2/account_numbers')
    const text = await res.text()
    expect(text.length).toBeGreaterThan(100_000)
    const [entry] = await list('path=/v2/account_numbers')
    expect(typeof entry!.response.body).toBe('string')
    expect(entry!.response.body).toHaveLength(64 * 1024)
    expect(text.startsWith(entry!.response.body as string)).toBe(true)
    expect(entry!.response.headers['content-length']).toBe(Buffer.byteLength(text))
  })

  it('journals provider requests only, not the control API or /health', async () => {
    await fetch(`${sandbox.url}/health`)
    await admin('/clock')
    await fintoc('/v2/accounts')
    expect((await list('')).map((e) => e.path)).toEqual(['/fintoc/v2/accounts'])
  })
})

describe('filters and counts', () => {
  it('by provider, method, path, status (code or class), since, resource_id and limit, over HTTP and in-process', async () => {
    const accounts = (await (await fintoc('/v2/accounts')).json()) as Array<{ id: string }>
    await monatoToken()
    expect((await fintoc('/v2/transfers/tr_doesnotexist')).status).toBe(404)
    expect((await fintoc('/v2/accounts', { key: 'sk_test_' })).status).toBe(401)
    await pause(5)
    const since = new Date()
    await pause(5)
    const created = await fintoc('/v2/transfers', { method: 'POST', body: { amount: 1234, currency: 'MXN', account_id: accounts[0]!.id, counterparty: { account_number: '012180015530983477' } } })
    expect(created.status, await created.clone().text()).toBe(201)
    const transfer = (await created.json()) as { id: string }
    await fintoc(`/v2/transfers/${transfer.id}`)
    await fintoc(`/v2/transfers?limit=5`)

    const paths = async (q: string) => (await list(q)).map((e) => `${e.method} ${e.path} ${e.status}`)
    expect(await paths('provider=monato')).toEqual([`POST /monato/v1/clients/${MONATO.clientId}/auth/credential-tokens 200`])
    expect(await paths('method=post&provider=fintoc')).toEqual(['POST /fintoc/v2/transfers 201'])
    expect(await paths('path=/transfers/')).toEqual([`GET /fintoc/v2/transfers/${transfer.id} 200`, 'GET /fintoc/v2/transfers/tr_doesnotexist 404'])
    expect(await paths('status=404')).toEqual(['GET /fintoc/v2/transfers/tr_doesnotexist 404'])
    expect(await paths('status=4xx')).toEqual(['GET /fintoc/v2/accounts 401', 'GET /fintoc/v2/transfers/tr_doesnotexist 404'])
    expect(await paths(`since=${since.toISOString()}`)).toEqual(['GET /fintoc/v2/transfers 200', `GET /fintoc/v2/transfers/${transfer.id} 200`, 'POST /fintoc/v2/transfers 201'])
    // the request that created it (its id is only in the answer), the one that read it, the list that showed it
    expect(await paths(`resource_id=${transfer.id}`)).toEqual(['GET /fintoc/v2/transfers 200', `GET /fintoc/v2/transfers/${transfer.id} 200`, 'POST /fintoc/v2/transfers 201'])
    expect(await paths(`resource_id=${transfer.id}&method=POST`)).toEqual(['POST /fintoc/v2/transfers 201'])
    // a whole id, not a prefix
    expect(await list(`resource_id=${transfer.id.slice(0, -1)}`)).toEqual([])
    expect(await paths('limit=2')).toEqual(['GET /fintoc/v2/transfers 200', `GET /fintoc/v2/transfers/${transfer.id} 200`])

    expect(await count('')).toBe(7)
    expect(await count('status=2xx&provider=fintoc')).toBe(4)
    expect(await count(`resource_id=${transfer.id}&method=POST`)).toBe(1)
    expect(await count('status=500')).toBe(0)

    // the same through startSandbox()
    expect(sandbox.countRequests({ method: 'POST', path: '/v2/transfers' })).toBe(1)
    expect(sandbox.countRequests({ status: '4xx', since })).toBe(0)
    expect(sandbox.countRequests({ status: 401 })).toBe(1)
    const [creating] = sandbox.requests({ resource_id: transfer.id, method: 'post' })
    expect(creating).toMatchObject({ status: 201, body: { amount: 1234 }, response: { body: { id: transfer.id, amount: 1234 } } })
    expect(sandbox.requests({ since: since.getTime() + 60_000 })).toEqual([])
    expect(sandbox.requests({ provider: 'monato', limit: 1 })).toHaveLength(1)
    expect(sandbox.requests()).toHaveLength(7)
  })

  it('refuses a bad filter with 400, naming the parameter, on both routes and in-process', async () => {
    const cases: Array<[string, RegExp]> = [
      ['status=4x', /^status: /],
      ['status=600', /^status: /],
      ['since=yesterday', /^since: /],
      ['since=2026-01-15', /^since: /],
      ['method=G%20T', /^method: /],
      ['limit=0', /^limit: /],
      ['limit=ten', /^limit: /],
      ['stauts=404', /^stauts: unknown/],
      ['provider=fintoc&provider=monato', /^provider: must be given once/],
    ]
    for (const [q, issue] of cases) {
      for (const route of ['/requests', '/requests/count']) {
        const res = await admin(`${route}?${q}`)
        expect(res.status, `${route}?${q}`).toBe(400)
        expect(res.body.error.message).toBe('invalid query')
        expect(res.body.error.issues, `${route}?${q}`).toEqual([expect.stringMatching(issue)])
      }
    }
    // empty values are no filter (an HTML form sends them)
    await fintoc('/v2/accounts')
    expect(await count('status=&since=&provider=')).toBe(1)
    expect(() => sandbox.requests({ status: '4x' as never })).toThrow(/status: must be a status code/)
    expect(() => sandbox.countRequests({ since: 'soon' })).toThrow(/since: must be an ISO 8601 instant/)
  })
})

describe('one entry by its request id', () => {
  it('is the one answered with that X-Request-Id, or undefined', async () => {
    const { createJournal } = await import('../src/core/journal.js')
    const journal = createJournal(2)
    const finished = (n: number) => ({ requestId: `req_${n}`, provider: 'fintoc', method: 'GET', path: `/p/${n}`, query: {}, status: 200, durationMs: 1, req: { headers: {} } as never, response: { text: `{"n":${n}}`, headers: {} } })
    for (const n of [1, 2, 3]) journal.record(finished(n))
    expect(journal.get('req_3')?.response.body).toEqual({ n: 3 })
    expect(journal.get('req_2')?.path).toBe('/p/2')
    // pushed out of the ring
    expect(journal.get('req_1')).toBeUndefined()
  })
})

describe('a body past the 64 KB cut', () => {
  it('is shown as text with its secret fields masked all the same', async () => {
    // the extra field comes first: the cut text is no longer JSON, and the secret is still within it
    const res = await fetch(`${sandbox.monatoUrl}/v1/clients/${MONATO.clientId}/auth/credential-tokens`, {
      method: 'POST',
      headers: { 'x-api-key': MONATO.apiKey, 'Content-Type': 'application/json' },
      body: `{"client_secret": "${MONATO.clientSecret}", "client_id": "${MONATO.clientId}", "padding": "${'p'.repeat(70_000)}"}`,
    })
    expect(res.status).toBeLessThan(500)
    const [entry] = await list('path=credential-tokens')
    expect(typeof entry!.body).toBe('string')
    expect(entry!.body as string).toContain('"client_secret": "****')
    expect(JSON.stringify(entry)).not.toContain(MONATO.clientSecret)
    const page = await fetch(`${sandbox.adminUrl}/ui/requests/${entry!.requestId}`)
    expect(page.status).toBe(200)
    expect(await page.text()).not.toContain(MONATO.clientSecret)
  })
})
