import { mkdtemp } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import type { JobsState } from '../src/core/scheduler.js'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import type { Receiver } from './helpers/receiver.js'
import { CHILE, fintocPaymentsSetup } from './helpers/fintoc-payments.js'
import type { specValidator } from './helpers/schemas.js'

// Issue #17 item 4: refunds of succeeded payment intents, over real HTTP and with the official SDK.

const require = createRequire(import.meta.url)
const KEY = 'sk_test_refunds'
let sb: TestSandbox
let r: Receiver
let check: Awaited<ReturnType<typeof specValidator>>

fintocPaymentsSetup(KEY, (setup) => {
  ;({ sb, r, check } = setup)
})

const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const refund = (body: object, key = KEY) => sb.http.post('/fintoc/v1/refunds').set('Authorization', key).send(body)
const getRefund = async (id: string) => (await sb.http.get(`/fintoc/v1/refunds/${id}`).set('Authorization', KEY)).body
const refundEvents = () => r.received.map((x) => JSON.parse(x.body)).filter((e) => e.type.startsWith('refund.'))

/** a payment intent of KEY, paid with the quickstart values (or left `created`) */
async function payment(amount: number, paid = true): Promise<string> {
  const { body } = await sb.http.post('/fintoc/v1/payment_intents').set('Authorization', KEY).send({ amount, currency: 'CLP', customer_email: 'name@example.com' })
  if (paid) {
    await sb.http.post(`/__admin/fintoc/payment_intents/${body.id}/pay`).send(CHILE)
    await advance(5000)
  }
  return body.id
}

describe('refunds', () => {
  it('a partial refund is pending, then in_progress, then succeeded, with its refund.* webhooks', async () => {
    const pi = await payment(10_000)
    const res = await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 2500, metadata: { order: '42' } })
    expect(res.status).toBe(201)
    expect(check('createRefund', res.body)).toBeNull()
    expect(res.body).toMatchObject({ object: 'refund', status: 'pending', amount: 2500, currency: 'CLP', resource_id: pi, resource_type: 'payment_intent', failure_code: null, metadata: { order: '42' }, mode: 'test' })
    expect(res.body.id).toMatch(/^re_/)
    expect(res.body.recipient_account).toMatchObject({ holder_id: '416148503', number: '422159212', institution_id: 'cl_banco_de_chile' })
    await advance(5000)
    expect((await getRefund(res.body.id)).status).toBe('in_progress')
    await advance(5000)
    const done = await getRefund(res.body.id)
    expect(done.status).toBe('succeeded')
    expect(check('getRefund', done)).toBeNull()
    expect(refundEvents().map((e) => [e.type, e.data.status])).toEqual([
      ['refund.in_progress', 'in_progress'],
      ['refund.succeeded', 'succeeded'],
    ])
    // the events are served too
    const evt = refundEvents()[1]
    const served = await sb.http.get(`/fintoc/v2/events/${evt.id}`).set('Authorization', KEY)
    expect(served.body).toMatchObject({ type: 'refund.succeeded', data: { id: res.body.id, status: 'succeeded' } })
  })

  it('amount 7700 fails with fraud_risk after in_progress', async () => {
    const pi = await payment(10_000)
    const { body } = await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 7700 })
    await advance(10_000)
    expect(await getRefund(body.id)).toMatchObject({ status: 'failed', failure_code: 'fraud_risk' })
    expect(refundEvents().map((e) => e.type)).toEqual(['refund.in_progress', 'refund.failed'])
    // a failed refund gives its amount back: the whole payment can still be refunded
    expect((await refund({ resource_type: 'payment_intent', resource_id: pi })).status).toBe(201)
  })

  it('amount 6600 is retried for 5 business days (weekends skipped), then fails with insufficient_funds', async () => {
    // the sandbox clock is on Thursday 2026-01-15: picked up 5 s after creation, 5 business days later is the next
    // Thursday (Friday, Monday, Tuesday, Wednesday, Thursday)
    const pi = await payment(10_000)
    const { body } = await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 6600 })
    await advance(5000)
    expect((await getRefund(body.id)).status).toBe('in_progress')
    await advance(7 * 24 * 3600 * 1000 - 1)
    expect((await getRefund(body.id)).status).toBe('in_progress')
    // what is being retried still holds its amount
    expect((await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 3401 })).status).toBe(400)
    await advance(1)
    const failed = await getRefund(body.id)
    // created on a Thursday: a calendar week later, not 5 days later
    expect(new Date(body.created_at).getUTCDay()).toBe(4)
    const expected = new Date(Date.parse(body.created_at) + 5000 + 7 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds', updated_at: expected })
    expect(refundEvents().map((e) => e.type)).toEqual(['refund.in_progress', 'refund.failed'])
    expect((await refund({ resource_type: 'payment_intent', resource_id: pi })).status).toBe(201)
  })

  it('without an amount refunds the whole payment; partials never add up beyond it', async () => {
    const pi = await payment(1000)
    expect((await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 600 })).status).toBe(201)
    const over = await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 401 })
    expect(over.status).toBe(400)
    expect(fintocError(over.body)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_amount', param: 'amount' })
    // the documented default (the whole amount) no longer fits either
    expect(fintocError((await refund({ resource_type: 'payment_intent', resource_id: pi })).body).code).toBe('invalid_amount')
    expect((await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 400 })).status).toBe(201)
    const all = await refund({ resource_type: 'payment_intent', resource_id: await payment(777) })
    expect(all.body.amount).toBe(777)
  })

  it('a checkout session is refunded through its payment intent (there is no checkout_session resource_type)', async () => {
    const cs = (await sb.http.post('/fintoc/v2/checkout_sessions').set('Authorization', KEY).send({ amount: 5000, currency: 'CLP', success_url: 'https://m.example/s', cancel_url: 'https://m.example/c' })).body
    await sb.http.post(`/__admin/fintoc/checkout_sessions/${cs.id}/pay`).send(CHILE)
    await advance(5000)
    const session = (await sb.http.get(`/fintoc/v2/checkout_sessions/${cs.id}`).set('Authorization', KEY)).body
    expect(session.payment_resource.payment_intent.status).toBe('succeeded')
    const res = await refund({ resource_type: 'payment_intent', resource_id: session.payment_resource.payment_intent.id, amount: 1000 })
    expect(res.status).toBe(201)
    expect(res.body.currency).toBe('CLP')
    expect(fintocError((await refund({ resource_type: 'checkout_session', resource_id: cs.id })).body).code).toBe('invalid_enum')
  })

  it('bad input: each in Fintoc’s envelope, and nothing changes', async () => {
    const unpaid = await payment(1000, false)
    const paid = await payment(1000)
    const before = JSON.stringify((sb.store.data.fintoc as { refunds: object }).refunds)
    const cases: Array<[object, number, string, string | null, string?]> = [
      [{ resource_type: 'payment_intent', resource_id: unpaid }, 409, 'invalid_payment_intent_status', 'resource_id'],
      [{ resource_type: 'payment_intent', resource_id: 'pi_nope' }, 404, 'missing_resource', 'resource_id'],
      [{ resource_type: 'payment_intent', resource_id: paid }, 404, 'missing_resource', 'resource_id', 'sk_test_someone_else'],
      [{ resource_type: 'payment_intent', resource_id: paid, amount: 0 }, 400, 'invalid_amount', 'amount'],
      [{ resource_type: 'payment_intent', resource_id: paid, amount: -5 }, 400, 'invalid_amount', 'amount'],
      [{ resource_type: 'payment_intent', resource_id: paid, amount: 1001 }, 400, 'invalid_amount', 'amount'],
      [{ resource_type: 'checkout_session', resource_id: paid }, 400, 'invalid_enum', 'resource_type'],
      [{ resource_type: 'payment_intent' }, 400, 'missing_parameter', 'resource_id'],
      [{ resource_type: 'payment_intent', resource_id: paid, recipient_account: { number: '1' } }, 400, 'invalid_params', 'recipient_account'],
    ]
    for (const [body, status, code, param, key] of cases) {
      const res = await refund(body, key)
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status])
      expect(fintocError(res.body)).toMatchObject({ code, param })
    }
    expect(JSON.stringify((sb.store.data.fintoc as { refunds: object }).refunds)).toBe(before)
  })

  it('cancel: only while pending (409 invalid_refund_status after), with refund.canceled', async () => {
    const pi = await payment(1000)
    const a = (await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 1000 })).body
    const canceled = await sb.http.post(`/fintoc/v1/refunds/${a.id}/cancel`).set('Authorization', KEY)
    expect(canceled.status).toBe(200)
    expect(check('cancelRefund', canceled.body)).toBeNull()
    expect(canceled.body.status).toBe('canceled')
    const again = await sb.http.post(`/fintoc/v1/refunds/${a.id}/cancel`).set('Authorization', KEY)
    expect(again.status).toBe(409)
    expect(fintocError(again.body).code).toBe('invalid_refund_status')
    // the canceled amount is refundable again; once picked up, a refund can no longer be canceled
    const b = (await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 1000 })).body
    await advance(5000)
    expect((await sb.http.post(`/fintoc/v1/refunds/${b.id}/cancel`).set('Authorization', KEY)).status).toBe(409)
    expect((await sb.http.post(`/fintoc/v1/refunds/${b.id}/cancel`).set('Authorization', 'sk_test_someone_else')).status).toBe(404)
    await advance(60_000)
    expect((await getRefund(a.id)).status).toBe('canceled')
    expect(refundEvents().map((e) => e.type)).toEqual(['refund.canceled', 'refund.in_progress', 'refund.succeeded'])
  })

  it('list: newest first, status/since/until filters, v1 page links; other keys see nothing', async () => {
    const pi = await payment(10_000)
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 100 + i })).body.id)
    await sb.http.post(`/fintoc/v1/refunds/${made[0]}/cancel`).set('Authorization', KEY)
    const list = (q: string, key = KEY) => sb.http.get(`/fintoc/v1/refunds${q}`).set('Authorization', key)
    expect((await list('')).body.map((x: { id: string }) => x.id)).toEqual([...made].reverse())
    expect((await list('?status=canceled')).body.map((x: { id: string }) => x.id)).toEqual([made[0]])
    const page = await list('?per_page=2&page=2&status=pending')
    expect(page.body.map((x: { id: string }) => x.id)).toEqual([made[2], made[1]])
    expect(String(page.headers.link)).toContain('rel="prev"')
    expect(String(page.headers.link)).toContain('status=pending')
    expect(String(page.headers.link)).not.toContain('rel="next"')
    expect((await list('?until=2000-01-01T00:00:00Z')).body).toEqual([])
    expect((await list('?per_page=301')).status).toBe(400)
    expect((await list('', 'sk_test_someone_else')).body).toEqual([])
    expect((await sb.http.get(`/fintoc/v1/refunds/${made[1]}`).set('Authorization', 'sk_test_someone_else')).status).toBe(404)
  })

  it('idempotency: a retried create with the same key makes one refund', async () => {
    const pi = await payment(1000)
    const send = () => sb.http.post('/fintoc/v1/refunds').set('Authorization', KEY).set('Idempotency-Key', 'refund-1').send({ resource_type: 'payment_intent', resource_id: pi, amount: 700 })
    const first = await send()
    const second = await send()
    expect(second.headers['idempotent-replayed']).toBe('true')
    expect(second.body.id).toBe(first.body.id)
    expect((await sb.http.get('/fintoc/v1/refunds').set('Authorization', KEY)).body).toHaveLength(1)
  })
})

describe('the control API and scenario rules', () => {
  it('forces a refund along its table; a pending one reaches succeeded through in_progress', async () => {
    const pi = await payment(1000)
    const a = (await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 100 })).body
    const forced = await sb.http.post(`/__admin/fintoc/refunds/${a.id}/transition`).send({ to: 'succeeded' })
    expect(forced.status).toBe(200)
    expect(forced.body.status).toBe('succeeded')
    expect((await sb.http.post(`/__admin/fintoc/refunds/${a.id}/transition`).send({ to: 'canceled' })).status).toBe(409)
    const b = (await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 100 })).body
    const failed = await sb.http.post(`/__admin/fintoc/refunds/${b.id}/transition`).send({ to: 'failed', failure_code: 'fraud_risk' })
    expect(failed.body).toMatchObject({ status: 'failed', failure_code: 'fraud_risk' })
    expect((await sb.http.post('/__admin/fintoc/refunds/re_nope/transition').send({ to: 'failed' })).status).toBe(404)
    // the jobs scheduled before the forced moves do nothing later
    await advance(60_000)
    expect(refundEvents().map((e) => e.type)).toEqual(['refund.in_progress', 'refund.succeeded', 'refund.failed'])
  })

  it('a scenario seeds succeeded payments to refund, paid through the payment-intent domain, without webhooks', async () => {
    const seeded = { api_key: 'sk_test_refunds_seeded', payment_intents: [{ id: 'pi_seededRefund1', amount: 5000 }, { amount: 1029, currency: 'MXN' }] }
    expect((await sb.http.post('/__admin/scenarios').send({ fintoc: { organizations: [seeded] } })).status).toBe(201)
    const key = seeded.api_key
    const pis = (await sb.http.get('/fintoc/v1/payment_intents').set('Authorization', key)).body
    expect(pis.map((p: { status: string; currency: string }) => [p.status, p.currency])).toEqual([
      ['succeeded', 'MXN'],
      ['succeeded', 'CLP'],
    ])
    expect(pis[1]).toMatchObject({ id: 'pi_seededRefund1', sender_account: { number: '422159212' } })
    const res = await refund({ resource_type: 'payment_intent', resource_id: 'pi_seededRefund1' }, key)
    expect(res.status).toBe(201)
    expect(res.body.amount).toBe(5000)
    expect((await refund({ resource_type: 'payment_intent', resource_id: pis[0].id, amount: 1029 }, key)).status).toBe(201)
    expect(r.received).toHaveLength(0)
  })

  it('a scenario outcome rule fails refunds of a given amount', async () => {
    expect((await sb.http.post('/__admin/scenarios').send({ fintoc: { outcome_rules: [{ direction: 'refund', amount: 123, outcome: 'failed', reason: 'fraud_risk' }] } })).status).toBe(201)
    const pi = await payment(1000)
    const { body } = await refund({ resource_type: 'payment_intent', resource_id: pi, amount: 123 })
    await advance(10_000)
    expect(await getRefund(body.id)).toMatchObject({ status: 'failed', failure_code: 'fraud_risk' })
  })
})

describe('refunds with the official SDK', () => {
  it('partial + partial + over-refund (typed error), cancel while pending, webhooks verified with WebhookSignature', async () => {
    const server: Server = createServer(sb.app)
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      require('fintoc/build/main/lib/constants').API_BASE_URL = `${base}/fintoc`
      const { Fintoc, WebhookSignature } = require('fintoc')
      const { InvalidRequestError } = require('fintoc/build/main/lib/errors')
      const fintoc = new Fintoc(KEY)
      const secret = (await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: r.url, enabled_events: ['refund.succeeded', 'refund.failed'] })).body.secret
      const pi = await payment(5000)
      const a = await fintoc.refunds.create({ resource_type: 'payment_intent', resource_id: pi, amount: 2000 })
      const b = await fintoc.refunds.create({ resource_type: 'payment_intent', resource_id: pi, amount: 6600 - 3600 })
      expect([a.status, b.status]).toEqual(['pending', 'pending'])
      const over = await fintoc.refunds.create({ resource_type: 'payment_intent', resource_id: pi, amount: 1 }).catch((e: unknown) => e)
      expect(over).toBeInstanceOf(InvalidRequestError)
      expect(String((over as Error).message)).toMatch(/invalid_amount/)
      const canceled = await fintoc.refunds.cancel(b.id)
      expect(canceled.status).toBe('canceled')
      const c = await fintoc.refunds.create({ resource_type: 'payment_intent', resource_id: pi, amount: 3000 })
      expect((await fintoc.refunds.get(c.id)).amount).toBe(3000)
      await fetch(`${base}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 10_000 }) })
      const listed = await fintoc.refunds.list({ lazy: false })
      expect(listed.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([
        [c.id, 'succeeded'],
        [b.id, 'canceled'],
        [a.id, 'succeeded'],
      ])
      const verified = r.received.filter((x) => {
        try {
          WebhookSignature.verifyHeader(x.body, String(x.headers['fintoc-signature']), secret)
          return true
        } catch {
          return false
        }
      })
      expect(verified.map((x) => JSON.parse(x.body)).map((e) => [e.type, e.data.id])).toEqual([
        ['refund.succeeded', a.id],
        ['refund.succeeded', c.id],
      ])
    } finally {
      server.close()
    }
  })
})

describe('refunds on the sandbox clock across restarts', () => {
  it('a refund whose job went missing gets it back at boot, due when it was; the job runs once', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-refunds-')), 'state.json')
    const start = Date.parse('2026-01-15T12:00:00Z')
    const first = await makeSandbox({ clock: createClock('manual', start), env: { DATA_FILE: file } })
    const pi = (await first.http.post('/fintoc/v1/payment_intents').set('Authorization', KEY).send({ amount: 1000, currency: 'CLP' })).body.id
    await first.http.post(`/__admin/fintoc/payment_intents/${pi}/pay`).send(CHILE)
    await first.http.post('/__admin/clock/advance').send({ ms: 5000 })
    const re = (await first.http.post('/fintoc/v1/refunds').set('Authorization', KEY).send({ resource_type: 'payment_intent', resource_id: pi, amount: 10 })).body
    // a data file from a version that lost jobs
    await first.store.update((st) => {
      ;(st.core as JobsState).jobs = {}
    })
    await first.close()
    const second = await makeSandbox({ clock: createClock('manual', start + 5000 + 4000), env: { DATA_FILE: file } })
    try {
      expect(second.logs()).toMatch(/"rescheduled":1\b/)
      const status = async () => (await second.http.get(`/fintoc/v1/refunds/${re.id}`).set('Authorization', KEY)).body.status
      await second.http.post('/__admin/clock/advance').send({ ms: 999 })
      expect(await status()).toBe('pending')
      await second.http.post('/__admin/clock/advance').send({ ms: 1 })
      expect(await status()).toBe('in_progress')
      await second.http.post('/__admin/clock/advance').send({ ms: 5000 })
      expect(await status()).toBe('succeeded')
      const types = Object.values((second.store.data.fintoc as { events: Record<string, { type: string }> }).events).map((e) => e.type).filter((t) => t.startsWith('refund.'))
      expect(types).toEqual(['refund.in_progress', 'refund.succeeded'])
    } finally {
      await second.close()
    }
  })
})

describe('organization expiry', () => {
  it('an idle organization is freed with its refunds, their events and their jobs', async () => {
    const box = await makeSandbox({ env: { FINTOC_ORG_IDLE_TTL_MS: '1500' } })
    try {
      const key = 'sk_test_refunds_idle'
      const pi = (await box.http.post('/fintoc/v1/payment_intents').set('Authorization', key).send({ amount: 1000, currency: 'CLP' })).body.id
      await box.http.post(`/__admin/fintoc/payment_intents/${pi}/pay`).send(CHILE)
      await box.http.post('/__admin/clock/advance').send({ ms: 5000 })
      const pending = (await box.http.post('/fintoc/v1/refunds').set('Authorization', key).send({ resource_type: 'payment_intent', resource_id: pi, amount: 10 })).body.id
      const done = (await box.http.post('/fintoc/v1/refunds').set('Authorization', key).send({ resource_type: 'payment_intent', resource_id: pi, amount: 20 })).body.id
      await box.http.post(`/__admin/fintoc/refunds/${done}/transition`).send({ to: 'succeeded' })
      const s = () => box.store.data.fintoc as { refunds: Record<string, unknown>; events: Record<string, { type: string }> }
      expect(Object.keys(s().refunds)).toEqual([pending, done])
      await new Promise((r) => setTimeout(r, 2000))
      // the next request of any key frees the idle organization
      await box.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_refunds_busy')
      expect(s().refunds).toEqual({})
      expect(Object.values(s().events).filter((e) => e.type.startsWith('refund.'))).toEqual([])
      const jobs = Object.values((box.store.data.core as JobsState).jobs)
      expect(jobs.filter((j) => j.ref.startsWith(pending))).toEqual([])
      const snapshot = (await box.http.get('/__admin/snapshot')).body
      expect((await box.http.post('/__admin/snapshot').send(snapshot)).status).toBe(200)
    } finally {
      await box.close()
    }
  })
})
