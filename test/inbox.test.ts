import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { createInboxes, INBOX_LIMITS } from '../src/core/inbox.js'
import { type RunningSandbox, startSandbox } from '../src/index.js'
import { type Listening, listen } from './helpers/listen.js'
import { fintocError, MONATO, makeSandbox, monatoToken, rawRequest, type TestSandbox } from './helpers/sandbox.js'

// Issue #18 §2: the sandbox as its own webhook receiver, /__admin/inbox/{name} and startSandbox().inbox(name).

const require = createRequire(import.meta.url)
// verifyHeader returns nothing and throws WebhookSignatureError when a signature does not verify
const { WebhookSignature } = require('fintoc') as { WebhookSignature: { verifyHeader(payload: string, header: string, secret: string): void } }

const KEY = 'sk_test_inbox'
const CLABE = '734180000001233635'
let sb: TestSandbox | undefined
let served: Listening | undefined
let running: RunningSandbox | undefined
afterEach(async () => {
  await served?.close()
  await sb?.close()
  await running?.close()
  sb = served = running = undefined
})

async function boot(env: Record<string, string> = {}) {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', ...env } })
  served = await listen(sb)
  return { sb, base: served.base }
}
const advance = (ms: number) => sb!.http.post('/__admin/clock/advance').send({ ms })
/** an inbound Fintoc transfer of `amount` to the organization's first account; answers the transfer */
async function receiveTransfer(amount: number) {
  const [account] = (await sb!.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body
  const res = await sb!.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount, currency: 'MXN' })
  expect(res.status).toBe(201)
  return res.body as { id: string }
}
const createEndpoint = (url: string) => sb!.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url, enabled_events: ['*'] })
const adminError = (body: unknown) => {
  const e = (body as { error?: { message?: unknown; issues?: unknown } }).error
  expect(typeof e?.message).toBe('string')
  expect(Array.isArray(e?.issues)).toBe(true)
  return e as { message: string; issues: string[] }
}

describe('POST and GET /__admin/inbox/{name}', () => {
  it('keeps any body byte-exact with its headers (secrets masked unless asked), parses JSON and reads its event type', async () => {
    const { sb } = await boot()
    const bytes = Buffer.from([0x66, 0x6f, 0xff, 0x00, 0x0a])
    const raw = await rawRequest(sb, 'POST', '/__admin/inbox/raw-1', { 'content-type': 'application/octet-stream', authorization: 'Bearer receiver-secret-token-1234', 'x-custom': 'kept' }, bytes)
    expect(raw.status).toBe(200)
    expect(raw.body).toMatchObject({ received: true, inbox: 'raw-1', status: 200 })
    const text = '{ "type" : "thing.happened",\n  "data": {"id": "res_42", "note": "ñ"} }'
    const posted = await sb.http.post('/__admin/inbox/raw-1').set('content-type', 'text/plain').send(text)
    expect(posted.status).toBe(200)

    const list = await sb.http.get('/__admin/inbox/raw-1')
    expect(list.status).toBe(200)
    const [first, second] = list.body.data
    expect(list.body.data).toHaveLength(2)
    expect(Buffer.from(first.bodyBase64, 'base64').equals(bytes)).toBe(true)
    expect(first).toMatchObject({ inbox: 'raw-1', method: 'POST', size: 5, json: null, eventType: null, status: 200, receivedAt: '2026-01-15T12:00:00.000Z' })
    expect(first.headers).toMatchObject({ 'content-type': 'application/octet-stream', authorization: 'Bearer ****1234', 'x-custom': 'kept' })
    expect(list.text).not.toContain('receiver-secret-token-1234')
    expect(second).toMatchObject({ body: text, size: Buffer.byteLength(text), json: { type: 'thing.happened', data: { id: 'res_42' } }, eventType: 'thing.happened' })
    expect(second.bodyBase64).toBeUndefined()
    expect(second.seq).toBeGreaterThan(first.seq)

    const unmasked = await sb.http.get('/__admin/inbox/raw-1?secrets=true')
    expect(unmasked.body.data[0].headers.authorization).toBe('Bearer receiver-secret-token-1234')
  })

  it('a Fintoc webhook endpoint at the inbox URL receives the real signed event, verifiable with the official SDK', async () => {
    const { sb, base } = await boot()
    const endpoint = await createEndpoint(`${base}/__admin/inbox/fintoc-ci`)
    expect(endpoint.status).toBe(201)
    const t = await receiveTransfer(2500)
    await advance(1000)
    const res = await sb.http.get(`/__admin/inbox/fintoc-ci?event_type=transfer.inbound.succeeded&resource_id=${t.id}`)
    expect(res.status).toBe(200)
    expect(res.body.data).toHaveLength(1)
    const m = res.body.data[0]
    expect(m.json).toMatchObject({ object: 'event', type: 'transfer.inbound.succeeded', data: { id: t.id } })
    expect(m.headers['fintoc-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(() => WebhookSignature.verifyHeader(m.body, m.headers['fintoc-signature'], endpoint.body.secret)).not.toThrow()
    expect(() => WebhookSignature.verifyHeader(m.body, m.headers['fintoc-signature'], 'whsec_wrong')).toThrow()
    const [d] = (await sb.http.get(`/__admin/webhooks/deliveries?resource_id=${t.id}`)).body.data
    expect(d).toMatchObject({ status: 'succeeded', attempts: [expect.objectContaining({ statusCode: 200 })] })
  })

  it('filters by event type and by resource id (any string of the JSON body equal to it)', async () => {
    const { sb } = await boot()
    const post = (body: object) => sb.http.post('/__admin/inbox/filters').send(body)
    await post({ type: 'a.created', data: { id: 'r_1' } })
    await post({ event: 'b.updated', nested: [{ ref: 'r_2' }] })
    await post({ msg_name: 'MONEY_IN', body: { id: 'r_1x' } })
    const get = async (q: string) => (await sb.http.get(`/__admin/inbox/filters${q}`)).body.data.map((m: { eventType: string }) => m.eventType)
    expect(await get('')).toEqual(['a.created', 'b.updated', 'MONEY_IN'])
    expect(await get('?event_type=b.updated')).toEqual(['b.updated'])
    expect(await get('?event_type=MONEY_IN')).toEqual(['MONEY_IN'])
    expect(await get('?resource_id=r_1')).toEqual(['a.created'])
    expect(await get('?resource_id=r_2')).toEqual(['b.updated'])
    expect(await get('?resource_id=r_1&event_type=b.updated')).toEqual([])
    const all = (await sb.http.get('/__admin/inbox/filters')).body.data
    expect(await get(`?after=${all[0].seq}`)).toEqual(['b.updated', 'MONEY_IN'])
  })

  it('answers a chosen failure status for the next deliveries: the retries show in /__admin/webhooks/deliveries, then success', async () => {
    const { sb, base } = await boot({ WEBHOOK_FIRST_RETRY_MS: '1000' })
    expect((await sb.http.put('/__admin/inbox/retry/config').send({ status: 500, times: 2 })).body).toEqual({ inbox: 'retry', config: { status: 500, remaining: 2 } })
    expect((await createEndpoint(`${base}/__admin/inbox/retry`)).status).toBe(201)
    const t = await receiveTransfer(100)
    await advance(1000)
    await advance(1000)
    await advance(2000)
    const [d] = (await sb.http.get(`/__admin/webhooks/deliveries?resource_id=${t.id}`)).body.data
    expect(d.status).toBe('succeeded')
    expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200])
    const got = (await sb.http.get('/__admin/inbox/retry')).body.data
    expect(got.map((m: { status: number }) => m.status)).toEqual([500, 500, 200])
    expect(new Set(got.map((m: { body: string }) => m.body)).size).toBe(1)
    // the config was used up
    expect((await sb.http.get('/__admin/inbox')).body.data).toEqual([{ name: 'retry', count: 3, config: null }])
  })

  it('the URL form ?status=&times= works in FINTOC_WEBHOOK_URL=inbox:<name>, signed with FINTOC_WEBHOOK_SECRET', async () => {
    const { sb } = await boot({ FINTOC_WEBHOOK_URL: 'inbox:env-ci?status=503&times=1', FINTOC_WEBHOOK_SECRET: 'whsec_inbox_env', WEBHOOK_FIRST_RETRY_MS: '1000' })
    const t = await receiveTransfer(300)
    await advance(1000)
    await advance(1000)
    const [d] = (await sb.http.get(`/__admin/webhooks/deliveries?resource_id=${t.id}`)).body.data
    expect(d).toMatchObject({ url: 'inbox:env-ci?status=503&times=1', status: 'succeeded' })
    expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 200])
    const got = (await sb.http.get('/__admin/inbox/env-ci')).body.data
    expect(got.map((m: { status: number }) => m.status)).toEqual([503, 200])
    for (const m of got) expect(() => WebhookSignature.verifyHeader(m.body, m.headers['fintoc-signature'], 'whsec_inbox_env')).not.toThrow()
  })

  it('MONATO_WEBHOOK_URL=inbox:ci receives a money-in notification with its Bearer token (masked unless asked)', async () => {
    const { sb } = await boot({ MONATO_WEBHOOK_URL: 'inbox:ci', MONATO_WEBHOOK_TOKEN: 'monato-inbox-token-9876' })
    await monatoToken(sb)
    const credit = await sb.http.post('/__admin/monato/money_in').send({ clabe: CLABE, amount: '55.10', payer_name: 'Ana', payer_institution: '40002', payment_concept: 'inbox', numeric_reference: '1234567' })
    expect(credit.status).toBe(201)
    await advance(0)
    const res = await sb.http.get(`/__admin/inbox/ci?event_type=MONEY_IN&resource_id=${credit.body.id}`)
    expect(res.body.data).toHaveLength(1)
    expect(res.body.data[0]).toMatchObject({ eventType: 'MONEY_IN', json: { msg_name: 'MONEY_IN', body: { id: credit.body.id, amount: '55.10' } }, headers: { authorization: 'Bearer ****9876' } })
    expect(res.text).not.toContain('monato-inbox-token-9876')
    expect((await sb.http.get('/__admin/inbox/ci?secrets=true')).body.data[0].headers.authorization).toBe('Bearer monato-inbox-token-9876')
    // the delivery's attempt keeps the header it sent, the token masked there and on the dashboard
    const deliveries = await sb.http.get('/__admin/webhooks/deliveries?provider=monato')
    expect(deliveries.body.data[0].attempts[0].headers).toEqual({ Authorization: 'Bearer ****9876' })
    expect(deliveries.text).not.toContain('monato-inbox-token-9876')
    const page = await sb.http.get(`/__admin/ui/deliveries/${deliveries.body.data[0].id}`)
    expect(page.text).toContain('Signature headers')
    expect(page.text).not.toContain('monato-inbox-token-9876')
  })

  it('?wait= returns as soon as a match arrives, and times out with 408 naming the filter and what arrived', async () => {
    const { sb } = await boot()
    await sb.http.post('/__admin/inbox/poll').send({ type: 'other.event' })
    const started = Date.now()
    const waiting = sb.http.get('/__admin/inbox/poll?event_type=wanted.event&wait=5000').then((r) => r)
    await new Promise((r) => setTimeout(r, 100))
    await sb.http.post('/__admin/inbox/poll').send({ type: 'wanted.event', id: 'x1' })
    const got = await waiting
    expect(got.status).toBe(200)
    expect(got.body.data.map((m: { eventType: string }) => m.eventType)).toEqual(['wanted.event'])
    expect(Date.now() - started).toBeLessThan(3000)
    // already held: no wait at all
    expect((await sb.http.get('/__admin/inbox/poll?event_type=wanted.event&wait=5000')).body.data).toHaveLength(1)

    const before = Date.now()
    const late = await sb.http.get('/__admin/inbox/poll?event_type=never.sent&resource_id=r_9&wait=150')
    expect(Date.now() - before).toBeGreaterThanOrEqual(140)
    expect(late.status).toBe(408)
    expect(adminError(late.body).message).toBe(
      'no message matching event_type=never.sent resource_id=r_9 arrived in inbox poll within 150 ms; it holds 2 messages (event types: other.event, wanted.event)',
    )
  })

  it('inboxes are isolated by name; DELETE clears one; POST /__admin/reset clears all', async () => {
    const { sb } = await boot()
    await sb.http.post('/__admin/inbox/one').send({ type: 'x' })
    await sb.http.post('/__admin/inbox/two').send({ type: 'y' })
    await sb.http.post('/__admin/inbox/two').send({ type: 'z' })
    expect((await sb.http.get('/__admin/inbox/one')).body.data.map((m: { eventType: string }) => m.eventType)).toEqual(['x'])
    expect((await sb.http.get('/__admin/inbox/two')).body.data).toHaveLength(2)
    expect((await sb.http.get('/__admin/inbox/three')).body).toEqual({ data: [] })
    expect((await sb.http.delete('/__admin/inbox/one')).body).toEqual({ cleared: true })
    expect((await sb.http.get('/__admin/inbox/one')).body.data).toEqual([])
    expect((await sb.http.get('/__admin/inbox/two')).body.data).toHaveLength(2)
    expect((await sb.http.get('/__admin/inbox')).body.data).toEqual([{ name: 'two', count: 2, config: null }])
    await sb.http.put('/__admin/inbox/two/config').send({ status: 500 })
    await sb.http.post('/__admin/reset')
    expect((await sb.http.get('/__admin/inbox')).body.data).toEqual([])
    expect((await sb.http.post('/__admin/inbox/two').send({})).status).toBe(200)
  })

  it('refuses bad names, bad waits, bad configs and bad ?status= with 400 in the admin envelope; an oversized body with 413', async () => {
    const { sb } = await boot()
    for (const [method, path] of [
      ['post', '/__admin/inbox/bad.name'],
      ['get', '/__admin/inbox/has%20space'],
      ['delete', `/__admin/inbox/${'a'.repeat(65)}`],
      ['put', '/__admin/inbox/b%C3%A4d/config'],
    ] as const) {
      const res = await sb.http[method](path).send({ status: 500 })
      expect(res.status, path).toBe(400)
      expect(adminError(res.body).issues).toEqual(['name: must be 1 to 64 letters, digits, _ or -'])
    }
    for (const q of ['wait=abc', 'wait=-1', 'wait=30001', 'after=x', 'secrets=yes']) {
      const res = await sb.http.get(`/__admin/inbox/ok?${q}`)
      expect(res.status, q).toBe(400)
      expect(adminError(res.body).issues[0]).toMatch(new RegExp(`^\\$\\.${q.split('=')[0]}: `))
    }
    for (const body of [{ status: 99 }, { status: 500, times: 0 }, { status: '500' }, { status: 500, extra: true }, {}]) {
      const res = await sb.http.put('/__admin/inbox/ok/config').send(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(adminError(res.body).message).toBe('invalid request body')
    }
    const notJson = await sb.http.put('/__admin/inbox/ok/config').set('content-type', 'application/json').send('{"status":')
    expect(notJson.status).toBe(400)
    expect(adminError(notJson.body).message).toMatch(/^The request body is not valid JSON/)
    for (const q of ['status=99', 'status=600', 'status=abc', 'status=500&times=0']) {
      const res = await sb.http.post(`/__admin/inbox/ok?${q}`).send({})
      expect(res.status, q).toBe(400)
      expect(adminError(res.body).issues[0]).toMatch(/^\$\.(status|times): /)
    }
    const big = await rawRequest(sb, 'POST', '/__admin/inbox/ok', { 'content-type': 'application/json' }, Buffer.alloc(INBOX_LIMITS.body + 1, 0x20))
    expect(big.status).toBe(413)
    adminError(big.body)
    // nothing above was kept
    expect((await sb.http.get('/__admin/inbox')).body.data).toEqual([])
  })

  it('with ADMIN_TOKEN, POST is open (receivers carry no token) while GET, PUT and DELETE need it', async () => {
    const { sb } = await boot({ ADMIN_TOKEN: 'inbox-admin-token' })
    expect((await sb.http.post('/__admin/inbox/locked').send({ type: 'x' })).status).toBe(200)
    expect((await sb.http.get('/__admin/inbox/locked')).status).toBe(401)
    expect((await sb.http.get('/__admin/inbox')).status).toBe(401)
    expect((await sb.http.put('/__admin/inbox/locked/config').send({ status: 500 })).status).toBe(401)
    expect((await sb.http.delete('/__admin/inbox/locked')).status).toBe(401)
    // only the delivery path itself is open
    expect((await sb.http.post('/__admin/inbox/locked/config').send({})).status).toBe(401)
    expect((await sb.http.post('/__admin/reset')).status).toBe(401)
    const read = await sb.http.get('/__admin/inbox/locked').set('Authorization', 'Bearer inbox-admin-token')
    expect(read.status).toBe(200)
    expect(read.body.data).toHaveLength(1)
  })
})

describe('the inbox and the self-address guard', () => {
  it('allows exactly /__admin/inbox/{name} on the sandbox itself, in any form that routes there; everything else stays refused', async () => {
    const { base } = await boot()
    const port = served!.port
    for (const url of [`${base}/__admin/inbox/ci`, `http://localhost:${port}/__ADMIN/INBOX/ci?status=500`, `http://127.0.0.1:${port}//%5F%5Fadmin/inbox/ci/`, `http://127.0.0.1:${port}/x/../__admin/inbox/ci`]) {
      expect((await createEndpoint(url)).status, url).toBe(201)
    }
    for (const url of [
      `${base}/__admin/inbox/../reset`,
      `${base}/__admin/inbox/ci/../../reset`,
      `${base}/__admin/inbox/ci%2F..%2F..%2Freset`,
      `${base}/__admin/inbox/ci/config`,
      `${base}/__admin/inbox/`,
      `${base}/__admin/inbox`,
      `${base}/__admin/inbox/a.b`,
      `${base}/fintoc/__admin/inbox/ci`,
    ]) {
      const res = await createEndpoint(url)
      expect(res.status, url).toBe(400)
      expect(fintocError(res.body).message).toMatch(/url must not point at the sandbox itself/)
    }
  })

  it('inbox:<name> with a bad name stops the configuration; before the sandbox listens a delivery to it is a failed attempt', async () => {
    await expect(makeSandbox({ env: { FINTOC_WEBHOOK_URL: 'inbox:bad/name' } })).rejects.toThrow('invalid configuration: FINTOC_WEBHOOK_URL: inbox:<name>: the name must be 1 to 64 letters, digits, _ or -')
    await expect(makeSandbox({ env: { MONATO_WEBHOOK_URL: 'ftp://example.com' } })).rejects.toThrow('invalid configuration: MONATO_WEBHOOK_URL: must be an http(s) URL or inbox:<name>')
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', FINTOC_WEBHOOK_URL: 'inbox:early' } })
    await receiveTransfer(100)
    await advance(1000)
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries')).body.data
    expect(d.attempts[0]).toMatchObject({ statusCode: null, error: 'inbox:early: the sandbox does not listen yet, so the inbox has no address' })
  })
})

describe('bounds', () => {
  it('keeps at most INBOX_LIMITS.messages per inbox and INBOX_LIMITS.inboxes inboxes, the oldest dropped', () => {
    const inboxes = createInboxes(() => 0)
    const post = (name: string, i: number) => inboxes.receive(name, { method: 'POST', headers: {}, raw: Buffer.from(JSON.stringify({ type: `e${i}` })), query: { key: '' } })
    for (let i = 0; i <= INBOX_LIMITS.messages; i++) post('full', i)
    const held = inboxes.list('full')
    expect(held).toHaveLength(INBOX_LIMITS.messages)
    expect(held[0]!.eventType).toBe('e1')
    for (let i = 0; i < INBOX_LIMITS.inboxes; i++) post(`box${i}`, i)
    const names = inboxes.summary().map((s) => s.name)
    expect(names).toHaveLength(INBOX_LIMITS.inboxes)
    expect(names).not.toContain('full')
    expect(names.at(-1)).toBe(`box${INBOX_LIMITS.inboxes - 1}`)
  })

  it('keeps at most INBOX_LIMITS.totalBytes of bodies across inboxes, dropping the oldest message anywhere', () => {
    const inboxes = createInboxes(() => 0)
    const body = Buffer.alloc(INBOX_LIMITS.body, 0x61)
    const count = Math.floor(INBOX_LIMITS.totalBytes / INBOX_LIMITS.body)
    for (let i = 0; i < count; i++) inboxes.receive(i % 2 ? 'odd' : 'even', { method: 'POST', headers: {}, raw: body, query: { key: '' } })
    expect(inboxes.list('even').length + inboxes.list('odd').length).toBe(count)
    inboxes.receive('odd', { method: 'POST', headers: {}, raw: body, query: { key: '' } })
    expect(inboxes.list('even').length + inboxes.list('odd').length).toBe(count)
    expect(inboxes.list('even')[0]!.seq).toBe(3)
  })
})

describe('startSandbox().inbox(name)', () => {
  it('receives signed Fintoc events and Monato money in; waitFor resolves on arrival and names what it waited for on timeout', async () => {
    running = await startSandbox({ clock: 'manual', env: { FINTOC_JWS: 'off', MONATO_WEBHOOK_URL: 'inbox:monato-ci' } })
    const hooks = running.inbox('fintoc-ci')
    expect(hooks.url).toBe(`${running.url}/__admin/inbox/fintoc-ci`)
    require('fintoc/build/main/lib/constants').API_BASE_URL = running.fintocUrl
    const { Fintoc } = require('fintoc')
    const fintoc = new Fintoc(KEY)
    const endpoint = await fintoc.webhookEndpoints.create({ url: hooks.url, enabled_events: ['transfer.inbound.succeeded'] })
    const accounts = []
    for await (const a of await fintoc.v2.accounts.list()) accounts.push(a)
    const inbound = await fintoc.v2.simulate.receiveTransfer({ account_number_id: accounts[0].root_account_number_id, amount: 1000, currency: 'MXN' })
    const waiting = hooks.waitFor((m) => (m.json as { data?: { id?: string } })?.data?.id === inbound.id, { timeout: 5000 })
    await running.advance(1000)
    const got = await waiting
    expect(got.eventType).toBe('transfer.inbound.succeeded')
    expect(() => WebhookSignature.verifyHeader(got.body, String(got.headers['fintoc-signature']), endpoint.secret)).not.toThrow()
    expect(hooks.list({ eventType: 'transfer.inbound.succeeded', resourceId: inbound.id })).toHaveLength(1)

    const credit = await fetch(`${running.adminUrl}/monato/money_in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clabe: CLABE, amount: '10.00', payer_name: 'Ana', payer_institution: '40002', payment_concept: 'inbox', numeric_reference: '7654321' }),
    })
    expect(credit.status).toBe(201)
    const { id } = (await credit.json()) as { id: string }
    await running.advance(0)
    const money = await running.inbox('monato-ci').waitFor({ eventType: 'MONEY_IN', resourceId: id }, { timeout: 2000 })
    expect(money.json).toMatchObject({ msg_name: 'MONEY_IN', body: { id, amount: '10.00' } })
    // isolation: each name its own list
    expect(hooks.list({ eventType: 'MONEY_IN' })).toEqual([])

    await expect(hooks.waitFor((m) => m.eventType === 'transfer.outbound.failed', { timeout: 100 })).rejects.toThrow(
      /^inbox fintoc-ci: no message matching \(m\) => m\.eventType === .transfer\.outbound\.failed. arrived within 100 ms; it holds 1 message \(event types: transfer\.inbound\.succeeded\)$/,
    )
    await expect(hooks.waitFor({ eventType: 'nope' }, { timeout: 50, description: 'the refund webhook' })).rejects.toThrow(
      'inbox fintoc-ci: no message matching the refund webhook arrived within 50 ms; it holds 1 message',
    )
    expect(() => running!.inbox('no spaces')).toThrow('inbox("no spaces"): the name must be 1 to 64 letters, digits, _ or -')
    hooks.clear()
    expect(hooks.list()).toEqual([])
    await running.reset()
    expect(running.inbox('monato-ci').list()).toEqual([])
  })
})

describe('review fixes', () => {
  it('an inbox: URL a provider API took never leaves the inbox: a name like x/../../reset is a failed attempt, not a reset', async () => {
    const { sb: s } = await boot()
    const token = await monatoToken(s)
    expect((await s.http.post('/__admin/faults').send({ provider: 'fintoc', path: '/v2/nothing', status: 500 })).status).toBe(201)
    for (const url of ['inbox:x/../../reset', 'inbox:x/../../faults']) {
      const reg = await s.http
        .post(`/monato/v1/clients/${MONATO.clientId}/webhooks`)
        .set('Authorization', `Bearer ${token}`)
        .send({ client_id: MONATO.clientId, url, token: 'receiver-token', webhook_type: 'MONEY_IN', auth_type: 'AUTH' })
      expect(reg.status).toBeLessThan(500)
    }
    expect((await s.http.post('/__admin/monato/money_in').send({ clabe: CLABE, amount: '10.00', payer_name: 'Ana', payer_institution: '40002', payment_concept: 'x', numeric_reference: '1234567' })).status).toBe(201)
    await advance(0)
    const deliveries = (await s.http.get('/__admin/webhooks/deliveries?provider=monato')).body.data as Array<{ url: string; attempts: Array<{ error: string | null; statusCode: number | null }> }>
    const bad = deliveries.filter((d) => d.url.startsWith('inbox:x/'))
    expect(bad.length).toBeGreaterThan(0)
    for (const d of bad) for (const a of d.attempts) expect(a).toMatchObject({ statusCode: null, error: expect.stringContaining('the inbox name must be') })
    // nothing reached the control API: the fault is still there
    expect((await s.http.get('/__admin/faults')).body.data).toHaveLength(1)
  })

  it('a waitFor predicate that throws on a message does not match it, and the sender still gets its 2xx', async () => {
    running = await startSandbox({ clock: 'manual', env: { FINTOC_JWS: 'off' } })
    const box = running.inbox('throwing')
    const waiting = box.waitFor((m) => (m.json as { data: { id: string } }).data.id === 'evt_2', { timeout: 3000 })
    const post = (body: object) => fetch(box.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await post({ type: 'no.data' })).status).toBe(200)
    expect((await post({ type: 'with.data', data: { id: 'evt_2' } })).status).toBe(200)
    expect((await waiting).json).toMatchObject({ type: 'with.data' })
  })
})
