import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox
let token: string
let moneyInHook: Receiver
let statusHook: Receiver
const CLABE = '734180000001233635'
const base = `/monato/v1/clients/${MONATO.clientId}`

beforeEach(async () => {
  sb = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '1000' } })
  token = await monatoToken(sb)
  moneyInHook = await startReceiver('/money-in')
  statusHook = await startReceiver('/status')
  for (const [url, type] of [
    [moneyInHook.url, 'MONEY_IN'],
    [statusHook.url, 'STATUS_UPDATE'],
  ]) {
    await sb.http.post(`${base}/webhooks`).set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, url, token: `tok-${type}`, webhook_type: type })
  }
})
afterEach(async () => {
  await moneyInHook.close()
  await statusHook.close()
  await sb.close()
})

const moneyIn = (body: object) => sb.http.post('/__admin/monato/money_in').send(body)
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const balance = async () => (await sb.http.get(`${base}/accounts`).set('Authorization', `Bearer ${token}`)).body.data[0].availableBalance
const refund = (id: string, amount: string) => sb.http.post(`${base}/transactions/${id}/refund`).set('Authorization', `Bearer ${token}`).send({ amount, description: 'Invalid amount' })

describe('money in (sandbox stand-in for a SPEI credit)', () => {
  it('credits the account, stores a credit transaction and sends MONEY_IN with the Bearer token', async () => {
    const res = await moneyIn({ clabe: CLABE, amount: '123.00', payer_name: 'Juan Perez', payer_institution: '40002', payment_concept: 'Payment for invoice 4567', numeric_reference: '2504021' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ category: 'CREDIT_TRANS', subCategory: 'SPEI_CREDIT', transactionStatus: 'LIQUIDATED', amount: '123.00' })
    expect(await balance()).toBe('1000123.00')
    await advance(0)
    expect(moneyInHook.received).toHaveLength(1)
    expect(moneyInHook.received[0]!.headers.authorization).toBe('Bearer tok-MONEY_IN')
    const msg = JSON.parse(moneyInHook.received[0]!.body)
    expect(msg).toMatchObject({ msg_name: 'MONEY_IN', body: { id: res.body.id, beneficiary_account: CLABE, amount: '123.00', payer_institution: '40002', sub_category: 'SPEI_CREDIT', numeric_reference: '2504021' } })
    expect(msg.msg_date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(msg.body.transaction_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    expect(msg.body.registered_at).toMatch(/-06:00$/)
    const got = await sb.http.get(`${base}/transactions/${res.body.id}`).set('Authorization', `Bearer ${token}`)
    expect(got.body.transactionStatus).toBe('LIQUIDATED')
  })

  it('rejects an unknown CLABE (404) and a bad amount (400 with the JSON path)', async () => {
    expect((await moneyIn({ clabe: '012180015530983477', amount: '1.00' })).status).toBe(404)
    const bad = await moneyIn({ clabe: CLABE, amount: '1.5' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues[0]).toMatch(/^\$\.amount/)
  })
})

describe('refunds', () => {
  it('only the full amount, only once, only of received money; the refund is a debit with its lifecycle', async () => {
    const credit = (await moneyIn({ clabe: CLABE, amount: '10.00' })).body
    const partial = await refund(credit.id, '5.00')
    expect(partial.status).toBe(400)
    expect(monatoError(partial.body)).toMatchObject({ reason: 'DATA_ERROR', message: expect.stringMatching(/Partial refunds/) })
    const ok = await refund(credit.id, '10.00')
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ category: 'DEBIT_TRANS', subCategory: 'SPEI_DEBIT', transactionStatus: 'INITIALIZED', amount: '10.00' })
    expect(ok.body.trackingId).toMatch(/^\d{8}FINCH[A-Z0-9]{10}$/)
    expect(await balance()).toBe('1000000.00')
    const twice = await refund(credit.id, '10.00')
    expect(twice.status).toBe(400)
    expect(monatoError(twice.body)).toMatchObject({ code: 9, reason: 'FAILED_PRECONDITION' })
    await advance(1000)
    const settled = await sb.http.get(`${base}/transactions/${ok.body.id}`).set('Authorization', `Bearer ${token}`)
    expect(settled.body.transactionStatus).toBe('LIQUIDATED')
    expect(statusHook.received.map((x) => JSON.parse(x.body).body.status)).toEqual(['LIQUIDATED'])
    const notCredit = await refund(ok.body.id, '10.00')
    expect(monatoError(notCredit.body).reason).toBe('FAILED_PRECONDITION')
    expect((await refund('16811ee8-1ef9-4dd4-8d84-9c2df89cf302', '1.00')).status).toBe(404)
  })
})

describe('a MONEY_IN receiver that refuses', () => {
  it('answering 422 rejects the deposit: no retry, and the sandbox refunds it automatically', async () => {
    moneyInHook.respond(() => 422)
    const credit = (await moneyIn({ clabe: CLABE, amount: '50.00' })).body
    expect(credit.amount).toBe('50.00')
    // the first attempt is due now, so it runs under the manual clock too; advance(0) waits for it
    await advance(0)
    expect(moneyInHook.received).toHaveLength(1)
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries?event_type=MONEY_IN')).body.data
    expect(d.status).toBe('refused')
    // the refund is a debit held at once, liquidated one settle delay later with its STATUS_UPDATE
    expect(await balance()).toBe('1000000.00')
    const again = await refund(credit.id, '50.00')
    expect(monatoError(again.body).message).toMatch(/already refunded/)
    // (9 days of sandbox time: the 24 h token expires too, which is right)
    await advance(1000 + 3000 * 2 ** 18)
    expect(moneyInHook.received).toHaveLength(1)
    expect(statusHook.received.map((x) => JSON.parse(x.body).body.status)).toEqual(['LIQUIDATED'])
  })

  it('answering 201 accepts it', async () => {
    moneyInHook.respond(() => 201)
    await moneyIn({ clabe: CLABE, amount: '50.00' })
    await advance(0)
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries?event_type=MONEY_IN')).body.data
    expect(d.status).toBe('succeeded')
    expect(await balance()).toBe('1000050.00')
  })
})
