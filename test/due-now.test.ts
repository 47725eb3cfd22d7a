import { afterEach, describe, expect, it } from 'vitest'
import { type Clock, createClock } from '../src/core/clock.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// A manual clock stops time, not the present: a webhook a request causes goes out without an advance,
// under either clock; only what lies in the future (a retry) waits for time to move.

const KEY = 'sk_test_due_now'
const START = Date.parse('2026-01-15T12:00:00Z')
const base = `/monato/v1/clients/${MONATO.clientId}`
const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

const clocks: Array<[string, () => Clock]> = [
  ['manual', () => createClock('manual', START)],
  ['real', () => createClock('real', START)],
]

/** polls what a receiver got, without touching the sandbox clock */
async function waitFor(hook: Receiver, count: number, ms = 5_000): Promise<string[]> {
  const until = Date.now() + ms
  while (hook.received.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
  return hook.received.map((x) => {
    const body = JSON.parse(x.body)
    return body.type ?? `${body.msg_name}:${body.body.status ?? ''}`
  })
}

async function setup(clock: Clock, env: Record<string, string> = {}) {
  // settlements far in the future: only what the request itself causes is due now
  const sb = await makeSandbox({ clock, env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '3600000', MONATO_SETTLE_DELAY_MS: '3600000', ...env } })
  const hook = await startReceiver()
  open.push(sb, hook)
  return { sb, hook }
}

async function monatoHook(sb: TestSandbox, hook: Receiver, type: string) {
  const token = await monatoToken(sb)
  await sb.http.post(`${base}/webhooks`).set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, url: hook.url, token: 't', webhook_type: type })
  return token
}

async function receiverInstrument(sb: TestSandbox, token: string, clabe: string) {
  const res = await sb.http
    .post(`${base}/instruments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: clabe, holder_name: 'J' } })
  return res.body.id as string
}

describe.each(clocks)('under a %s clock, what a request makes due now is delivered without an advance', (_mode, makeClock) => {
  it('Monato MONEY_IN from POST /__admin/monato/money_in', async () => {
    const { sb, hook } = await setup(makeClock())
    await monatoHook(sb, hook, 'MONEY_IN')
    expect((await sb.http.post('/__admin/monato/money_in').send({ clabe: '734180000001233635', amount: '10.00' })).status).toBe(201)
    expect(await waitFor(hook, 1)).toEqual(['MONEY_IN:'])
  })

  it('the CEP PENDING of a penny validation', async () => {
    const { sb, hook } = await setup(makeClock())
    const token = await monatoHook(sb, hook, 'CEP')
    const destination = await receiverInstrument(sb, token, '012180015530983477')
    const res = await sb.http.post('/monato/v1/transactions/penny_validation').set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination })
    expect(res.status).toBe(200)
    expect(await waitFor(hook, 1)).toEqual(['CEP:PENDING'])
  })

  it('STATUS_UPDATE after a forced Monato transition', async () => {
    const { sb, hook } = await setup(makeClock())
    const token = await monatoHook(sb, hook, 'STATUS_UPDATE')
    const destination = await receiverInstrument(sb, token, '012180015530983477')
    const out = await sb.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { amount: '5.00', currency: 'MXN' } })
    expect(out.body.transactionStatus).toBe('INITIALIZED')
    expect((await sb.http.post(`/__admin/monato/transactions/${out.body.id}/transition`).send({ to: 'REJECTED' })).status).toBe(200)
    expect(await waitFor(hook, 1)).toEqual(['STATUS_UPDATE:REJECTED'])
  })

  it('payment_intent.expired after POST /v1/payment_intents/{id}/expire', async () => {
    const { sb, hook } = await setup(makeClock())
    await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: hook.url, enabled_events: ['*'] })
    const pi = (await sb.http.post('/fintoc/v1/payment_intents').set('Authorization', KEY).send({ amount: 1000, currency: 'MXN' })).body
    expect((await sb.http.post(`/fintoc/v1/payment_intents/${pi.id}/expire`).set('Authorization', KEY)).body.status).toBe('expired')
    expect(await waitFor(hook, 1)).toEqual(['payment_intent.expired'])
  })

  it('transfer.outbound.failed after a forced transition', async () => {
    const { sb, hook } = await setup(makeClock())
    const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    const inbound = (await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 1000, currency: 'MXN' })).body
    await sb.http.post(`/__admin/fintoc/transfers/${inbound.id}/transition`).send({ to: 'succeeded' })
    // subscribed after the inbound settled: only the outbound's event is expected
    await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: hook.url, enabled_events: ['transfer.outbound.failed'] })
    const out = (await sb.http.post('/fintoc/v2/transfers').set('Authorization', KEY).send({ amount: 400, currency: 'MXN', account_id: account.id, counterparty: { account_number: '012180015530983477' } })).body
    expect((await sb.http.post(`/__admin/fintoc/transfers/${out.id}/transition`).send({ to: 'failed' })).body.status).toBe('failed')
    expect(await waitFor(hook, 1)).toEqual(['transfer.outbound.failed'])
  })
})

describe('what lies in the future still waits', () => {
  it('manual clock: a failed first attempt retries only once the clock reaches the retry', async () => {
    const { sb, hook } = await setup(createClock('manual', START), { WEBHOOK_FIRST_RETRY_MS: '3000' })
    await monatoHook(sb, hook, 'MONEY_IN')
    hook.respond(() => 500)
    await sb.http.post('/__admin/monato/money_in').send({ clabe: '734180000001233635', amount: '10.00' })
    expect(await waitFor(hook, 1)).toHaveLength(1)
    // real time passes, sandbox time does not
    await new Promise((r) => setTimeout(r, 300))
    expect(hook.received).toHaveLength(1)
    await sb.http.post('/__admin/clock/advance').send({ ms: 2_999 })
    expect(hook.received).toHaveLength(1)
    hook.respond(() => 200)
    await sb.http.post('/__admin/clock/advance').send({ ms: 1 })
    expect(hook.received).toHaveLength(2)
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries?event_type=MONEY_IN')).body.data
    expect(d).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 500 }, { statusCode: 200 }] })
  })

  it('manual clock: settlements wait for an advance; advance waits for a delivery already under way', async () => {
    const { sb, hook } = await setup(createClock('manual', START), { MONATO_SETTLE_DELAY_MS: '1000' })
    const token = await monatoHook(sb, hook, 'STATUS_UPDATE')
    const destination = await receiverInstrument(sb, token, '012180015530983477')
    const out = await sb.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { amount: '5.00', currency: 'MXN' } })
    await new Promise((r) => setTimeout(r, 200))
    expect(hook.received).toHaveLength(0)
    const get = async () => (await sb.http.get(`${base}/transactions/${out.body.id}`).set('Authorization', `Bearer ${token}`)).body.transactionStatus
    expect(await get()).toBe('INITIALIZED')
    // a slow receiver: the advance answers only once its delivery has its outcome
    hook.respond(() => 'hang')
    let done = false
    // supertest sends on then(): start it now
    const advanced = sb.http
      .post('/__admin/clock/advance')
      .send({ ms: 1000 })
      .then((res) => {
        done = true
        return res
      })
    await waitFor(hook, 1)
    expect(await get()).toBe('LIQUIDATED')
    await new Promise((r) => setTimeout(r, 200))
    expect(done).toBe(false)
    await hook.close()
    await advanced
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries?event_type=STATUS_UPDATE')).body.data
    expect(d.attempts).toHaveLength(1)
  })

  it('real clock: a retry is not sent before it is due', async () => {
    const { sb, hook } = await setup(createClock('real', START), { WEBHOOK_FIRST_RETRY_MS: '60000' })
    await monatoHook(sb, hook, 'MONEY_IN')
    hook.respond(() => 500)
    await sb.http.post('/__admin/monato/money_in').send({ clabe: '734180000001233635', amount: '10.00' })
    expect(await waitFor(hook, 1)).toHaveLength(1)
    await new Promise((r) => setTimeout(r, 300))
    expect(hook.received).toHaveLength(1)
    hook.respond(() => 200)
    await sb.http.post('/__admin/clock/advance').send({ ms: 60_000 })
    expect(await waitFor(hook, 2)).toHaveLength(2)
  })
})
