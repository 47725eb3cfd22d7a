import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

let sb: TestSandbox
let token: string
let r: Receiver
let destination: string
let check: Awaited<ReturnType<typeof specValidator>>

beforeAll(async () => {
  check = await specValidator('specs/monato-fincore.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '1000' } })
  token = await monatoToken(sb)
  r = await startReceiver('/status')
  await call('post', `${base}/webhooks`, { client_id: MONATO.clientId, url: r.url, token: 'receiver-secret', webhook_type: 'STATUS_UPDATE' })
  destination = (
    await call('post', `${base}/instruments`, {
      source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1',
      client_id: MONATO.clientId,
      type: 'RECEIVER',
      rfc: 'ND',
      alias: 'Proveedor',
      virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'Juan Perez' },
    })
  ).body.id
})
afterEach(async () => {
  await r.close()
  await sb.close()
})

const base = `/monato/v1/clients/${MONATO.clientId}`
function call(method: 'get' | 'post', url: string, body?: object) {
  const req = sb.http[method](url).set('Authorization', `Bearer ${token}`)
  return body ? req.send(body) : req
}
const moneyOut = (amount: string, extra: object = {}) =>
  call('post', '/monato/v1/transactions/money_out', {
    client_id: MONATO.clientId,
    source_instrument_id: MONATO.sourceInstrumentId,
    destination_instrument_id: destination,
    transaction_request: { external_reference: '1234567', description: 'lorem ipsum', amount, currency: 'MXN' },
    ...extra,
  })
const balance = async () => (await call('get', `${base}/accounts`)).body.data[0].availableBalance
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const updates = () => r.received.map((x) => JSON.parse(x.body))

describe('Monato money out', () => {
  it('answers INITIALIZED with a FINCH tracking key, holds the amount, liquidates and sends STATUS_UPDATE with the Bearer token', async () => {
    const res = await moneyOut('1.95')
    expect(res.status).toBe(200)
    expect(check('createMoneyOut', res.body)).toBeNull()
    expect(res.body).toMatchObject({ transactionStatus: 'INITIALIZED', amount: '1.95', currency: 'MXN', category: 'DEBIT_TRANS', subCategory: 'SPEI_DEBIT', externalReference: '1234567' })
    expect(res.body.trackingId).toMatch(/^\d{8}FINCH[A-Z0-9]{10}$/)
    expect(await balance()).toBe('999998.05')
    await advance(1000)
    const got = await call('get', `${base}/transactions/${res.body.id}`)
    expect(got.body.transactionStatus).toBe('LIQUIDATED')
    expect(check('getTransaction', got.body)).toBeNull()
    expect(await balance()).toBe('999998.05')
    expect(r.received).toHaveLength(1)
    expect(r.received[0]!.headers.authorization).toBe('Bearer receiver-secret')
    const [msg] = updates()
    expect(msg).toMatchObject({ msg_name: 'STATUS_UPDATE', body: { id: res.body.id, tracking_key: res.body.trackingId, status: 'LIQUIDATED', message_type: 'SPEI' } })
    expect(msg.id_msg).toMatch(/^[0-9a-f-]{36}$/)
    expect(msg.body.update_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}-06:00$/)
  })

  it.each([
    ['1.01', 'NON_EXISTENT_ACCOUNT', 'Cuenta inexistente'],
    ['1.03', 'CANCELLED_ACCOUNT', 'Cuenta cancelada'],
  ])('amount %s is REJECTED (%s) and the money comes back', async (amount, reason, description) => {
    const res = await moneyOut(amount)
    await advance(1000)
    expect((await call('get', `${base}/transactions/${res.body.id}`)).body.transactionStatus).toBe('REJECTED')
    expect(await balance()).toBe('1000000.00')
    expect(updates()[0].body).toMatchObject({ status: 'REJECTED', reason, reason_description: description })
  })

  it('amount 1.06 liquidates, then is REFUNDED later with the money back', async () => {
    const res = await moneyOut('1.06')
    await advance(1000)
    await advance(1000)
    expect((await call('get', `${base}/transactions/${res.body.id}`)).body.transactionStatus).toBe('REFUNDED')
    expect(await balance()).toBe('1000000.00')
    expect(updates().map((m) => m.body.status)).toEqual(['LIQUIDATED', 'REFUNDED'])
  })

  it('insufficient funds → FAILED_PRECONDITION and nothing changes; the money is exact to the centavo', async () => {
    const res = await moneyOut('1000000.01')
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ code: 9, reason: 'FAILED_PRECONDITION', method_name: 'money_out' })
    expect(await balance()).toBe('1000000.00')
    for (let i = 0; i < 3; i++) await moneyOut('0.10')
    expect(await balance()).toBe('999999.70')
  })

  it('an unknown instrument answers 500 (the documented quirk) in the Monato envelope', async () => {
    const res = await moneyOut('1.00', { destination_instrument_id: 'd3fdb481-2058-46c8-807d-4eaf866ae1ec' })
    expect(res.status).toBe(500)
    expect(monatoError(res.body)).toMatchObject({ code: 13, reason: 'INTERNAL', http_code: '500' })
    expect(sb.logs()).not.toMatch(/"unexpected error"/)
  })

  it("another client's client_id → 403; an unknown transaction → 404", async () => {
    expect((await moneyOut('1.00', { client_id: '11111111-2222-4333-8444-555555555555' })).status).toBe(403)
    expect((await call('get', `${base}/transactions/16811ee8-1ef9-4dd4-8d84-9c2df89cf302`)).status).toBe(404)
  })

  it('a blocked source account → FAILED_PRECONDITION', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'blocked.json')
    const src = '709448c3-7cbf-454d-a87e-feb23801269b'
    await writeFile(file, JSON.stringify({ monato: { clients: [{ id: MONATO.clientId, api_key: MONATO.apiKey, client_secret: MONATO.clientSecret, accounts: [{ instrument_id: src, balance: '10.00', status: 'BLOCKED' }] }] } }))
    const blocked = await makeSandbox({ env: { SCENARIO: `data/scenarios/default.json,${file}` } })
    const t = await monatoToken(blocked)
    const inst = await blocked.http
      .post(`${base}/instruments`)
      .set('Authorization', `Bearer ${t}`)
      .send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' } })
    const res = await blocked.http
      .post('/monato/v1/transactions/money_out')
      .set('Authorization', `Bearer ${t}`)
      .send({ client_id: MONATO.clientId, source_instrument_id: src, destination_instrument_id: inst.body.id, transaction_request: { amount: '1.00', currency: 'MXN' } })
    expect(monatoError(res.body)).toMatchObject({ reason: 'FAILED_PRECONDITION', message: 'The source account is not active.' })
    await blocked.close()
  })
})

describe('Monato scenario files', () => {
  it('declare webhook registrations and outcome rules', async () => {
    const hook = await startReceiver('/scenario')
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'monato.json')
    await writeFile(
      file,
      JSON.stringify({
        monato: {
          outcome_rules: [{ amount: '7.77', outcome: 'REJECTED', reason: 'ACCOUNT_TYPE_MISMATCH', reason_description: 'Tipo de cuenta no corresponde' }],
          clients: [{ id: MONATO.clientId, api_key: MONATO.apiKey, client_secret: MONATO.clientSecret, webhooks: [{ type: 'STATUS_UPDATE', url: hook.url, token: 'from-scenario' }] }],
        },
      }),
    )
    const own = await makeSandbox({ env: { SCENARIO: `data/scenarios/default.json,${file}`, MONATO_SETTLE_DELAY_MS: '0' } })
    const t = await monatoToken(own)
    const inst = await own.http
      .post(`${base}/instruments`)
      .set('Authorization', `Bearer ${t}`)
      .send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' } })
    await own.http
      .post('/monato/v1/transactions/money_out')
      .set('Authorization', `Bearer ${t}`)
      .send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: inst.body.id, transaction_request: { amount: '7.77', currency: 'MXN' } })
    await own.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(hook.received).toHaveLength(1)
    expect(hook.received[0]!.headers.authorization).toBe('Bearer from-scenario')
    expect(JSON.parse(hook.received[0]!.body).body).toMatchObject({ status: 'REJECTED', reason: 'ACCOUNT_TYPE_MISMATCH' })
    await own.close()
    await hook.close()
  })
})
