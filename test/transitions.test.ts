import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Forcing transitions from the control API takes the same path as the natural one: money and webhooks follow.

let sb: TestSandbox
let hook: Receiver
beforeEach(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '60000', MONATO_SETTLE_DELAY_MS: '60000' } })
  hook = await startReceiver()
})
afterEach(async () => {
  await hook.close()
  await sb.close()
})

const KEY = 'sk_test_transitions'
const transition = (path: string, body: object) => sb.http.post(`/__admin/${path}/transition`).send(body)

describe('forced transitions', () => {
  it('Fintoc transfers: a pending outbound forced to failed gives the money back and sends its webhook', async () => {
    await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: hook.url, enabled_events: ['*'] })
    const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    const inbound = (await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 1000, currency: 'MXN' })).body
    expect((await transition(`fintoc/transfers/${inbound.id}`, { to: 'succeeded' })).body.status).toBe('succeeded')
    const out = (await sb.http.post('/fintoc/v2/transfers').set('Authorization', KEY).send({ amount: 400, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })).body
    const failed = await transition(`fintoc/transfers/${out.id}`, { to: 'failed', reason: 'forced_in_test' })
    expect(failed.body).toMatchObject({ status: 'failed', return_reason: 'forced_in_test' })
    expect((await sb.http.get(`/fintoc/v2/accounts/${account.id}`).set('Authorization', KEY)).body.available_balance).toBe(1000)
    const again = await transition(`fintoc/transfers/${out.id}`, { to: 'succeeded' })
    expect(again.status).toBe(409)
    expect((await transition('fintoc/transfers/tr_nope', { to: 'succeeded' })).status).toBe(404)
    expect((await transition(`fintoc/transfers/${out.id}`, { to: 'exploded' })).status).toBe(400)
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(hook.received.map((x) => JSON.parse(x.body).type)).toEqual(['transfer.inbound.succeeded', 'transfer.outbound.failed'])
  })

  it('Monato money outs: INITIALIZED forced to REJECTED gives the money back with a STATUS_UPDATE; LIQUIDATED to REFUNDED too', async () => {
    const token = await monatoToken(sb)
    const base = `/monato/v1/clients/${MONATO.clientId}`
    await sb.http.post(`${base}/webhooks`).set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, url: hook.url, token: 't', webhook_type: 'STATUS_UPDATE' })
    const dest = (await sb.http.post(`${base}/instruments`).set('Authorization', `Bearer ${token}`).send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' } })).body.id
    const send = async () => (await sb.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: dest, transaction_request: { amount: '100.00', currency: 'MXN' } })).body
    const balance = async () => (await sb.http.get(`${base}/accounts`).set('Authorization', `Bearer ${token}`)).body.data[0].availableBalance
    const a = await send()
    expect((await transition(`monato/transactions/${a.id}`, { to: 'REJECTED', reason: 'CANCELLED_ACCOUNT' })).body.transactionStatus).toBe('REJECTED')
    const b = await send()
    await transition(`monato/transactions/${b.id}`, { to: 'LIQUIDATED' })
    expect(await balance()).toBe('999900.00')
    expect((await transition(`monato/transactions/${b.id}`, { to: 'REFUNDED' })).body.transactionStatus).toBe('REFUNDED')
    expect(await balance()).toBe('1000000.00')
    expect((await transition(`monato/transactions/${b.id}`, { to: 'LIQUIDATED' })).status).toBe(409)
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(hook.received.map((x) => JSON.parse(x.body).body.status)).toEqual(['REJECTED', 'LIQUIDATED', 'REFUNDED'])
    expect(JSON.parse(hook.received[0]!.body).body.reason).toBe('CANCELLED_ACCOUNT')
  })
})

describe('forced transitions of verifications and payment intents', () => {
  it('follow their tables and emit their events', async () => {
    await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: hook.url, enabled_events: ['*'] })
    const v = (await sb.http.post('/fintoc/v2/account_verifications').set('Authorization', KEY).send({ account_number: '012180015530983477' })).body
    expect((await transition(`fintoc/account_verifications/${v.id}`, { to: 'failed', reason: 'forced' })).body).toMatchObject({ status: 'failed', reason: 'forced' })
    expect((await transition(`fintoc/account_verifications/${v.id}`, { to: 'succeeded' })).status).toBe(409)
    const p = (await sb.http.post('/fintoc/v1/payment_intents').set('Authorization', KEY).send({ amount: 1000, currency: 'MXN' })).body
    expect((await transition(`fintoc/payment_intents/${p.id}`, { to: 'succeeded' })).status).toBe(409)
    await sb.http.post(`/__admin/fintoc/payment_intents/${p.id}/pay`).send({ account: '5555555555' })
    expect((await transition(`fintoc/payment_intents/${p.id}`, { to: 'pending' })).body.status).toBe('pending')
    expect((await transition(`fintoc/payment_intents/${p.id}`, { to: 'failed' })).body.status).toBe('failed')
    // the planned outcome no longer applies
    await sb.http.post('/__admin/clock/advance').send({ ms: 60 * 60 * 1000 })
    expect((await sb.http.get(`/fintoc/v1/payment_intents/${p.id}`).set('Authorization', KEY)).body.status).toBe('failed')
    expect(hook.received.map((x) => JSON.parse(x.body).type)).toEqual(['account_verification.failed', 'payment_intent.pending', 'payment_intent.failed'])
  })
})
