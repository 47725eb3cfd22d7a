import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fintocError, MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox
let token: string
beforeAll(async () => {
  // signatures have their own tests; here bodies must reach validation
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
  token = await monatoToken(sb)
})
afterAll(() => sb.close())

const KEY = 'sk_test_validation'
const transfer = {
  amount: 59013,
  currency: 'mxn',
  account_id: 'acc_31yYL7h9LVPg121AgFtCyJPDsgM',
  counterparty: { account_number: '735969000000203297' },
}

describe('Fintoc request validation', () => {
  const post = (url: string, body: object) => sb.http.post(`/fintoc${url}`).set('Authorization', KEY).send(body)

  it.each([
    ['amount', { ...transfer, amount: undefined }],
    ['currency', { ...transfer, currency: undefined }],
    ['account_id', { ...transfer, account_id: undefined }],
    ['counterparty', { ...transfer, counterparty: undefined }],
    ['counterparty.account_number', { ...transfer, counterparty: {} }],
  ])('missing %s → 400 missing_parameter naming it', async (param, body) => {
    const res = await post('/v2/transfers', body)
    expect(res.status).toBe(400)
    expect(fintocError(res.body)).toMatchObject({ type: 'invalid_request_error', code: 'missing_parameter', param, message: `Missing required param: ${param}` })
  })

  it.each([
    ['a string amount', { amount: '100' }, 'amount', 'invalid_amount'],
    ['a float amount', { amount: 10.5 }, 'amount', 'invalid_amount'],
    ['a negative amount', { amount: -1 }, 'amount', 'invalid_amount'],
    ['an unknown currency', { currency: 'USD' }, 'currency', 'invalid_currency'],
    ['a 41-character comment', { comment: 'x'.repeat(41) }, 'comment', 'invalid_comment_size'],
  ])('%s → 400 with the spec-declared code', async (_label, patch, param, code) => {
    const res = await post('/v2/transfers', { ...transfer, ...patch })
    expect(res.status).toBe(400)
    const err = fintocError(res.body)
    expect(err).toMatchObject({ type: 'invalid_request_error', code, param })
    expect(err.message).toContain(param)
  })

  it('ignores unknown body fields (the Node SDK sends path_ and idempotency_key)', async () => {
    const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    const res = await post('/v2/simulate/receive_transfer', {
      path_: '/v2/simulate/receive_transfer',
      idempotency_key: 'abc',
      account_number_id: account.root_account_number_id,
      amount: 100,
      currency: 'MXN',
      __proto__: { polluted: true },
    })
    expect(res.status).toBeLessThan(300)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a body that is not an object → 400 naming the body', async () => {
    const res = await sb.http.post('/fintoc/v2/transfers').set('Authorization', KEY).set('Content-Type', 'application/json').send('[1,2]')
    expect(res.status).toBe(400)
    expect(fintocError(res.body).message).toMatch(/request body must be object/)
  })

  it('an empty body → the first required field is named', async () => {
    const res = await sb.http.post('/fintoc/v2/transfers').set('Authorization', KEY)
    expect(res.status).toBe(400)
    expect(fintocError(res.body).code).toBe('missing_parameter')
  })

  it('query parameters are validated and coerced', async () => {
    const bad = await sb.http.get('/fintoc/v2/accounts?limit=0').set('Authorization', KEY)
    expect(bad.status).toBe(400)
    expect(fintocError(bad.body)).toMatchObject({ param: 'limit', code: 'invalid_params' })
    const notNumber = await sb.http.get('/fintoc/v2/accounts?limit=ten').set('Authorization', KEY)
    expect(notNumber.status).toBe(400)
    const ok = await sb.http.get('/fintoc/v2/accounts?limit=5&unknown_filter=x').set('Authorization', KEY)
    expect(ok.status).toBe(200)
  })
})

describe('Monato request validation', () => {
  const moneyOut = (request: Record<string, unknown>) =>
    sb.http
      .post('/monato/v1/transactions/money_out')
      .set('Authorization', `Bearer ${token}`)
      .send({
        client_id: MONATO.clientId,
        source_instrument_id: MONATO.sourceInstrumentId,
        destination_instrument_id: 'd3fdb481-2058-46c8-807d-4eaf866ae1ec',
        transaction_request: { external_reference: '1234567', description: 'pago', amount: '1.95', currency: 'MXN', ...request },
      })

  it.each([
    ['amount 0.00', { amount: '0.00' }, 'Transaction Amount must be higher than 0.'],
    ['amount with one decimal', { amount: '1.5' }, 'Transaction Amount must be higher than 0.'],
    ['negative amount', { amount: '-1.00' }, 'Transaction Amount must be higher than 0.'],
    ['currency USD', { currency: 'USD' }, 'Transaction currency unsupported.'],
    ['a 40-character description', { description: 'x'.repeat(40) }, 'Transaction description must have less than 40 characters length.'],
    ['an 8-digit external reference', { external_reference: '12345678' }, 'External reference should be numeric and have a maximum length of 7 digits.'],
    ['a non-numeric external reference', { external_reference: 'abc' }, 'External reference should be numeric and have a maximum length of 7 digits.'],
  ])('%s → 400 DATA_ERROR with the documented message', async (_label, patch, message) => {
    const res = await moneyOut(patch)
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ code: 3, message, reason: 'DATA_ERROR', error_detail: message, method_name: 'money_out' })
  })

  it('a missing field is named in the message', async () => {
    const res = await sb.http.post(`/monato/v1/clients/${MONATO.clientId}/instruments`).set('Authorization', `Bearer ${token}`).send({ type: 'RECEIVER' })
    expect(res.status).toBe(400)
    expect(monatoError(res.body).message).toMatch(/source_bank_id|client_id|rfc|alias/)
  })

  it('a path id that is not a UUID → 400 DATA_ERROR naming it', async () => {
    const res = await sb.http.get(`/monato/v1/clients/${MONATO.clientId}/instruments/not-a-uuid`).set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(400)
    expect(monatoError(res.body).message).toMatch(/instrumentId/)
  })

  it('an instrument with both debit_card and virtual_clabe → the documented one-of message', async () => {
    const res = await sb.http
      .post(`/monato/v1/clients/${MONATO.clientId}/instruments`)
      .set('Authorization', `Bearer ${token}`)
      .send({
        source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1',
        client_id: MONATO.clientId,
        type: 'RECEIVER',
        rfc: 'ND',
        alias: 'x',
        debit_card: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', card_number: '5579072268574100', holder_name: 'A' },
        virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '002180000000000003', holder_name: 'A' },
      })
    expect(res.status).toBe(400)
    expect(monatoError(res.body).message).toMatch(/debit_card|virtual_clabe/)
  })

  it('query page must be ≥ 1', async () => {
    const res = await sb.http.get('/monato/v1/banks?page=0').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(400)
    expect(monatoError(res.body).message).toMatch(/page/)
  })
})
