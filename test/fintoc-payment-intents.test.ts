import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { fintocError, type TestSandbox } from './helpers/sandbox.js'
import type { Receiver } from './helpers/receiver.js'
import { CHILE, fintocPaymentsSetup } from './helpers/fintoc-payments.js'
import type { specValidator } from './helpers/schemas.js'

const require = createRequire(import.meta.url)
const KEY = 'sk_test_payments'
let sb: TestSandbox
let r: Receiver
let check: Awaited<ReturnType<typeof specValidator>>

fintocPaymentsSetup(KEY, (setup) => {
  ;({ sb, r, check } = setup)
})

const create = (body: object = { amount: 2476, currency: 'CLP', customer_email: 'name@example.com' }) => sb.http.post('/fintoc/v1/payment_intents').set('Authorization', KEY).send(body)
const get = async (id: string) => (await sb.http.get(`/fintoc/v1/payment_intents/${id}`).set('Authorization', KEY)).body
const pay = (id: string, body: object) => sb.http.post(`/__admin/fintoc/payment_intents/${id}/pay`).send(body)
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const eventTypes = () => r.received.map((x) => JSON.parse(x.body).type)

describe('payment intents', () => {
  it('create shows the widget token once; the quickstart values succeed 5 s after paying', async () => {
    const res = await create()
    expect(res.status).toBe(201)
    expect(check('createPaymentIntent', res.body)).toBeNull()
    expect(res.body).toMatchObject({ object: 'payment_intent', status: 'created', amount: 2476, currency: 'CLP', customer_email: 'name@example.com', sender_account: null })
    expect(res.body.widget_token).toMatch(new RegExp(`^${res.body.id}_sec_[0-9A-Za-z]+$`))
    expect((await get(res.body.id)).widget_token).toBeNull()
    const paying = await pay(res.body.id, CHILE)
    expect(paying.status).toBe(200)
    expect(paying.body.status).toBe('in_progress')
    await advance(4999)
    expect((await get(res.body.id)).status).toBe('in_progress')
    await advance(1)
    const done = await get(res.body.id)
    expect(done).toMatchObject({ status: 'succeeded', sender_account: { number: '422159212' } })
    expect(done.transaction_date).toMatch(/Z$/)
    expect(check('getPaymentIntent', done)).toBeNull()
    expect(eventTypes()).toEqual(['payment_intent.succeeded'])
  })

  it.each([
    ['Chile, failing account', 'CLP', { ...CHILE, account: '422159213' }, ['failed'], ['payment_intent.failed']],
    ['Chile, wrong MFA', 'CLP', { ...CHILE, mfa: '000000' }, ['rejected'], ['payment_intent.rejected']],
    ['Chile, pending then succeeded', 'CLP', { ...CHILE, account: '422159214' }, ['pending', 'succeeded'], ['payment_intent.pending', 'payment_intent.succeeded']],
    ['Mexico, 5555555555', 'MXN', { account: '5555555555' }, ['succeeded'], ['payment_intent.succeeded']],
    ['Mexico, pending then failed', 'MXN', { account: '5555555559' }, ['pending', 'failed'], ['payment_intent.pending', 'payment_intent.failed']],
  ])('%s', async (_label, currency, input, statuses, events) => {
    const { body } = await create({ amount: 1000, currency })
    await pay(body.id, input)
    await advance(5000)
    expect((await get(body.id)).status).toBe(statuses[0])
    if (statuses.length > 1) {
      await advance(60 * 60 * 1000)
      expect((await get(body.id)).status).toBe(statuses[1])
    }
    expect(eventTypes()).toEqual(events)
  })

  it('bad widget credentials are refused and leave the intent open', async () => {
    const { body } = await create()
    const res = await pay(body.id, { ...CHILE, password: 'nope' })
    expect(res.status).toBe(422)
    expect(res.body.error.message).toMatch(/jonsnow/)
    expect((await get(body.id)).status).toBe('created')
  })

  it('expire: an open intent expires (409 once it is not open); the token expires after 10 minutes', async () => {
    const a = (await create()).body
    const expired = await sb.http.post(`/fintoc/v1/payment_intents/${a.id}/expire`).set('Authorization', KEY)
    expect(expired.status).toBe(200)
    expect(expired.body.status).toBe('expired')
    const again = await sb.http.post(`/fintoc/v1/payment_intents/${a.id}/expire`).set('Authorization', KEY)
    expect(again.status).toBe(409)
    expect(fintocError(again.body).code).toBe('invalid_payment_intent_status')
    const b = (await create()).body
    await advance(10 * 60 * 1000)
    expect((await get(b.id)).status).toBe('expired')
    expect((await pay(b.id, CHILE)).status).toBe(409)
    expect(eventTypes()).toEqual(['payment_intent.expired', 'payment_intent.expired'])
  })

  it('list filters by status and pages with v1 links; other keys see nothing', async () => {
    for (let i = 0; i < 3; i++) await create()
    const paid = (await create()).body
    await pay(paid.id, CHILE)
    await advance(5000)
    const succeeded = await sb.http.get('/fintoc/v1/payment_intents?status=succeeded').set('Authorization', KEY)
    expect(succeeded.body.map((p: { id: string }) => p.id)).toEqual([paid.id])
    const page = await sb.http.get('/fintoc/v1/payment_intents?per_page=2&page=1').set('Authorization', KEY)
    expect(page.body).toHaveLength(2)
    expect(String(page.headers.link)).toContain('rel="next"')
    expect((await sb.http.get(`/fintoc/v1/payment_intents/${paid.id}`).set('Authorization', 'sk_test_other')).status).toBe(404)
  })

  it('missing amount → 400 missing_parameter; unknown currency → 400', async () => {
    expect(fintocError((await create({ currency: 'CLP' })).body)).toMatchObject({ code: 'missing_parameter', param: 'amount' })
    expect((await create({ amount: 1, currency: 'USD' })).status).toBe(400)
  })
})

describe('the sandbox widget page', () => {
  it('serves a form for the token and pays through it', async () => {
    const { body } = await create({ amount: 1029, currency: 'MXN' })
    const html = await sb.http.get(`/fintoc/widget?token=${body.widget_token}`)
    expect(html.status).toBe(200)
    expect(html.headers['content-type']).toMatch(/text\/html/)
    expect(html.text).toContain('<form method="post" action="widget/pay">')
    expect(html.text).toContain('Pay 1029 MXN')
    const submitted = await sb.http.post('/fintoc/widget/pay').type('form').send({ token: body.widget_token, institution_id: 'mx_banco_bbva', account: '5555555555' })
    expect(submitted.status).toBe(200)
    await advance(5000)
    expect((await get(body.id)).status).toBe('succeeded')
    expect((await sb.http.get('/fintoc/widget?token=nope')).status).toBe(404)
    const refused = await sb.http.post('/fintoc/widget/pay').type('form').send({ token: body.widget_token, account: '5555555555' })
    expect(refused.status).toBe(409)
  })
})

describe('the Payment Initiation quickstart with the official SDK', () => {
  it('create with the SDK, pay through the stand-in, receive payment_intent.succeeded and verify it with the SDK', async () => {
    const server: Server = createServer(sb.app)
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      require('fintoc/build/main/lib/constants').API_BASE_URL = `${base}/fintoc`
      const { Fintoc, WebhookSignature } = require('fintoc')
      const fintoc = new Fintoc(KEY)
      const secret = (await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: r.url, enabled_events: ['payment_intent.succeeded'] })).body.secret
      const intent = await fintoc.paymentIntents.create({ amount: 2476, currency: 'CLP', customer_email: 'name@example.com' })
      expect(intent.status).toBe('created')
      expect(intent.widget_token).toContain('_sec_')
      await fetch(`${base}/__admin/fintoc/payment_intents/${intent.id}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CHILE) })
      await fetch(`${base}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 5000 }) })
      const succeeded = r.received.filter((x) => x.headers['fintoc-signature'] && JSON.parse(x.body).type === 'payment_intent.succeeded')
      // one delivery per endpoint: the catch-all one from beforeEach and the one made here
      expect(succeeded).toHaveLength(2)
      const verified = succeeded.filter((x) => {
        try {
          WebhookSignature.verifyHeader(x.body, String(x.headers['fintoc-signature']), secret)
          return true
        } catch {
          return false
        }
      })
      expect(verified).toHaveLength(1)
      expect(JSON.parse(verified[0]!.body).data).toMatchObject({ id: intent.id, status: 'succeeded' })
      expect((await fintoc.paymentIntents.get(intent.id)).status).toBe('succeeded')
    } finally {
      server.close()
    }
  })
})
