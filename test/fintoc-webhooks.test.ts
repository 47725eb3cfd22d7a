import { createRequire } from 'node:module'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'

const require = createRequire(import.meta.url)
// verifyHeader returns nothing and throws WebhookSignatureError when a signature does not verify
const { WebhookSignature } = require('fintoc') as { WebhookSignature: { verifyHeader(payload: string, header: string, secret: string): void } }

const KEY = 'sk_test_webhooks'
let sb: TestSandbox
let receivers: Receiver[] = []

async function setup(env: Record<string, string> = {}) {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', ...env } })
}
beforeEach(() => {
  receivers = []
})
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()))
  await sb.close()
})

const receiver = async () => {
  const r = await startReceiver()
  receivers.push(r)
  return r
}
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const subscribe = async (url: string, events: string[]) => (await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url, enabled_events: events })).body
const account = async () => (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
const receive = async (amount: number) => {
  const a = await account()
  return (await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: a.root_account_number_id, amount, currency: 'MXN' })).body
}
const deliveries = async (query = '') => (await sb.http.get(`/__admin/webhooks/deliveries${query}`)).body.data

describe('Fintoc webhook deliveries', () => {
  it('each event of one transfer keeps the transfer as it was then, in its webhook and in GET /v2/events', async () => {
    await setup()
    const r = await receiver()
    await subscribe(r.url, ['*'])
    await receive(20_000)
    await advance(1000)
    const a = await account()
    // 8800 succeeds, then the receiving bank returns it one delay later
    const t = (await sb.http.post('/fintoc/v2/transfers').set('Authorization', KEY).send({ amount: 8800, currency: 'MXN', account_id: a.id, counterparty: { account_number: '735969000000203297' } })).body
    await advance(1000)
    await advance(1000)
    const events = r.received.map((x) => JSON.parse(x.body)).filter((e) => e.data.id === t.id)
    expect(events.map((e) => e.type)).toEqual(['transfer.outbound.succeeded', 'transfer.outbound.returned'])
    const [succeeded, returned] = events
    expect(succeeded.data).toMatchObject({ status: 'succeeded', return_reason: null, receipt_url: expect.stringContaining(encodeURIComponent(t.tracking_key)) })
    expect(succeeded.data.post_date).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/)
    expect(returned.data).toMatchObject({ status: 'returned', return_reason: expect.any(String), post_date: succeeded.data.post_date })
    for (const e of events) expect((await sb.http.get(`/fintoc/v2/events/${e.id}`).set('Authorization', KEY)).body).toEqual(e)
    expect((await sb.http.get(`/fintoc/v2/transfers/${t.id}`).set('Authorization', KEY)).body).toEqual(returned.data)
  })

  it('are signed so the official SDK verifies them, and carry the event as GET /v2/events shows it', async () => {
    await setup()
    const r = await receiver()
    const endpoint = await subscribe(r.url, ['transfer.inbound.succeeded'])
    const t = await receive(5000)
    expect(r.received).toHaveLength(0)
    await advance(1000)
    expect(r.received).toHaveLength(1)
    const { headers, body } = r.received[0]!
    expect(headers['content-type']).toBe('application/json')
    expect(String(headers['fintoc-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(() => WebhookSignature.verifyHeader(body, String(headers['fintoc-signature']), endpoint.secret)).not.toThrow()
    expect(() => WebhookSignature.verifyHeader(body, String(headers['fintoc-signature']), 'whsec_wrong')).toThrow()
    const event = JSON.parse(body)
    expect(event).toMatchObject({ object: 'event', type: 'transfer.inbound.succeeded', mode: 'test', data: { id: t.id, status: 'succeeded' } })
    const stored = await sb.http.get(`/fintoc/v2/events/${event.id}`).set('Authorization', KEY)
    expect(stored.body).toEqual(event)
    const [d] = await deliveries(`?resource_id=${t.id}`)
    expect(d).toMatchObject({ provider: 'fintoc', eventType: 'transfer.inbound.succeeded', status: 'succeeded', endpointId: endpoint.id })
    expect(d.attempts).toEqual([expect.objectContaining({ statusCode: 200, error: null, url: r.url })])
    // the attempt keeps the signature it sent, exactly as the receiver got it
    expect(d.attempts[0].headers).toEqual({ 'Fintoc-Signature': String(headers['fintoc-signature']) })
  })

  it('go only to enabled endpoints subscribed to the type (or *)', async () => {
    await setup()
    const [all, inbound, outbound, off] = [await receiver(), await receiver(), await receiver(), await receiver()]
    await subscribe(all.url, ['*'])
    await subscribe(inbound.url, ['transfer.inbound.succeeded'])
    await subscribe(outbound.url, ['transfer.outbound.succeeded'])
    const disabled = await subscribe(off.url, ['*'])
    await sb.http.patch(`/fintoc/v1/webhook_endpoints/${disabled.id}`).set('Authorization', KEY).send({ disabled: true })
    await receive(100)
    await advance(1000)
    expect([all, inbound, outbound, off].map((r) => r.received.length)).toEqual([1, 1, 0, 0])
  })

  it('retry with exponential backoff on the sandbox clock until the receiver is back', async () => {
    await setup()
    const r = await receiver()
    let failures = 3
    r.respond(() => (failures-- > 0 ? 503 : 204))
    await subscribe(r.url, ['*'])
    await receive(100)
    await advance(1000)
    expect(r.received).toHaveLength(1)
    await advance(2999)
    expect(r.received).toHaveLength(1)
    await advance(1)
    expect(r.received).toHaveLength(2)
    await advance(6000 + 12000)
    expect(r.received).toHaveLength(4)
    const [d] = await deliveries()
    expect(d.status).toBe('succeeded')
    expect(d.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([503, 503, 503, 204])
    // the same bytes every time, so a receiver can dedupe on the event id
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1)
  })

  it('a receiver that never answers 2xx ends with an exhausted delivery after 17 retries', async () => {
    await setup()
    const r = await receiver()
    r.respond(() => 500)
    await subscribe(r.url, ['*'])
    await receive(100)
    await advance(1000 + 3000 * 2 ** 18)
    expect(r.received).toHaveLength(18)
    const [d] = await deliveries('?outcome=failed')
    expect(d.attempts).toHaveLength(18)
    await advance(3000 * 2 ** 18)
    expect(r.received).toHaveLength(18)
  })

  it('500 forever for many events: every delivery is exhausted and logged, the log stays bounded and nothing stays scheduled', async () => {
    await setup({ WEBHOOK_LOG_SIZE: '5', FINTOC_SETTLE_DELAY_MS: '0' })
    const r = await receiver()
    r.respond(() => 500)
    await subscribe(`${r.url}?token=receiver-credential-123`, ['transfer.inbound.succeeded'])
    for (let i = 0; i < 30; i++) await receive(100 + i)
    await advance(3000 * 2 ** 18)
    // each of the 30 events was tried 1 + 17 times, then given up
    expect(r.received).toHaveLength(30 * 18)
    const core = sb.store.data.core as { jobs: Record<string, unknown>; webhooks: { deliveries: Record<string, { status: string }>; order: string[] } }
    expect(Object.keys(core.jobs)).toHaveLength(0)
    expect(core.webhooks.order).toHaveLength(5)
    expect(Object.keys(core.webhooks.deliveries)).toHaveLength(5)
    expect(Object.values(core.webhooks.deliveries).every((d) => d.status === 'failed')).toBe(true)
    expect(sb.logs().match(/"msg":"webhook delivery exhausted"/g)).toHaveLength(30)
    // the receiver's URL is logged without the credential in its query string
    expect(sb.logs()).toContain('token=****')
    expect(sb.logs()).not.toContain('receiver-credential-123')
    // and a day later nothing more is sent
    await advance(86_400_000)
    expect(r.received).toHaveLength(30 * 18)
  })

  it('a refused connection is a failed attempt; redelivery sends it again', async () => {
    await setup()
    const r = await receiver()
    const url = r.url
    await r.close()
    receivers = []
    await subscribe(url, ['*'])
    await receive(100)
    await advance(1000)
    const [d] = await deliveries()
    expect(d.status).toBe('pending')
    expect(d.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/ECONNREFUSED|fetch failed/) })
    const again = await sb.http.post(`/__admin/webhooks/deliveries/${d.id}/redeliver`)
    expect(again.status).toBe(200)
    expect(again.body.attempts).toHaveLength(2)
    expect((await sb.http.post('/__admin/webhooks/deliveries/whd_nope/redeliver')).status).toBe(404)
  })

  it('a hanging receiver times out without delaying another endpoint', async () => {
    await setup({ WEBHOOK_TIMEOUT_MS: '300' })
    const [slow, fast] = [await receiver(), await receiver()]
    slow.respond(() => 'hang')
    await subscribe(slow.url, ['*'])
    await subscribe(fast.url, ['*'])
    await receive(100)
    const started = Date.now()
    await advance(1000)
    expect(fast.received).toHaveLength(1)
    expect(fast.received[0]!.at - started).toBeLessThan(300)
    const slowDelivery = (await deliveries()).find((d: { url: string }) => d.url === slow.url)
    expect(slowDelivery.attempts[0].error).toMatch(/timeout after 300 ms/)
  })

  it('FINTOC_WEBHOOK_URL receives every event of every organization, signed with FINTOC_WEBHOOK_SECRET', async () => {
    const r = await startReceiver()
    receivers.push(r)
    await setup({ FINTOC_WEBHOOK_URL: r.url, FINTOC_WEBHOOK_SECRET: 'whsec_global_secret' })
    await receive(100)
    const other = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_other')).body[0]
    await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', 'sk_test_other').send({ account_number_id: other.root_account_number_id, amount: 1, currency: 'MXN' })
    await advance(1000)
    expect(r.received).toHaveLength(2)
    for (const x of r.received) expect(() => WebhookSignature.verifyHeader(x.body, String(x.headers['fintoc-signature']), 'whsec_global_secret')).not.toThrow()
  })
})

describe('with the real clock', () => {
  it('settlement and delivery happen on their own, without /__admin/clock/advance', async () => {
    const { createClock } = await import('../src/core/clock.js')
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '50' }, clock: createClock('real') })
    const r = await receiver()
    await subscribe(r.url, ['transfer.inbound.succeeded'])
    const t = await receive(100)
    const deadline = Date.now() + 5000
    while (r.received.length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20))
    expect(r.received).toHaveLength(1)
    expect(JSON.parse(r.received[0]!.body).data.id).toBe(t.id)
  })
})

describe('endpoints from scenario files', () => {
  it('receive signed events with the declared secret', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const path = await import('node:path')
    const r = await receiver()
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'hooks.json')
    await writeFile(
      file,
      JSON.stringify({ fintoc: { organizations: [{ api_key: KEY, webhook_endpoints: [{ id: 'we_ScenarioEndpoint', url: r.url, enabled_events: ['transfer.inbound.succeeded'], secret: 'whsec_from_scenario' }] }] } }),
    )
    sb = await makeSandbox({ env: { SCENARIO: file, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } })
    const listed = await sb.http.get('/fintoc/v1/webhook_endpoints/we_ScenarioEndpoint').set('Authorization', KEY)
    expect(listed.body).toMatchObject({ url: r.url, secret: null, status: 'enabled' })
    await receive(100)
    await advance(0)
    expect(r.received).toHaveLength(1)
    expect(() => WebhookSignature.verifyHeader(r.received[0]!.body, String(r.received[0]!.headers['fintoc-signature']), 'whsec_from_scenario')).not.toThrow()
  })
})
