import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

// What a real public Monato client calls: transfers to an account's own instrumentId, one account,
// deleting an instrument (issue #13). The transaction list has its own file.

const FINCO = '9d84b03a-28d1-4898-a69c-38824239e2b1'
const CUSTOMER = 'bb1e8fde-e68e-48e9-a483-d32153c752c2'
const CENTRAL = '750ab428-b401-4b58-8a95-502bcb7b1bf8'
const UNKNOWN = '0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e'
const OTHER = { id: '0d0a1c3e-5b6f-4a7e-9c1d-2e3f4a5b6c7d', api_key: 'client_calls_other_api_key', client_secret: 'client_calls_other_secret_0123456789' }
const OTHER_ACCOUNT = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
const OTHER_ACCOUNT_INSTRUMENT = '7b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e'
const base = `/monato/v1/clients/${MONATO.clientId}`
const otherBase = `/monato/v1/clients/${OTHER.id}`

let sb: TestSandbox
let token: string
let otherToken: string
let hook: Receiver
let check: Awaited<ReturnType<typeof specValidator>>

beforeAll(async () => {
  check = await specValidator('specs/monato-fincore.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox()
  token = await monatoToken(sb)
  await sb.http.post('/__admin/scenarios').send({ monato: { clients: [{ ...OTHER, accounts: [{ id: OTHER_ACCOUNT, instrument_id: OTHER_ACCOUNT_INSTRUMENT, balance: '10.00' }] }] } })
  otherToken = (await sb.http.post(`${otherBase}/auth/credential-tokens`).set('x-api-key', OTHER.api_key).send({ client_id: OTHER.id, client_secret: OTHER.client_secret })).body.token
  hook = await startReceiver('/money-in')
  await call('post', `${base}/webhooks`, { client_id: MONATO.clientId, url: hook.url, token: 't', webhook_type: 'MONEY_IN' })
})
afterEach(async () => {
  await hook.close()
  await sb.close()
})

function call(method: 'get' | 'post' | 'delete', url: string, body?: object, as = token) {
  const req = sb.http[method](url).set('Authorization', `Bearer ${as}`)
  return body ? req.send(body) : req
}
async function privateAccount(ownerId: string) {
  const res = await call('post', `${base}/private_accounts`, { bank_id: FINCO, owner_id: ownerId, client_bank_adapter_id: '5b3a1b67-ab59-4cc1-8fc6-1d558b32b237', client_id: MONATO.clientId, account_id: '24a726ac-180d-48df-82bc-711f2788a46f' })
  expect(res.status).toBe(200)
  return res.body as { id: string; instrumentId: string; clabeNumber: string }
}
async function clabeInstrument(clabe: string) {
  const res = await call('post', `${base}/instruments`, { source_bank_id: FINCO, client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'Proveedor', virtual_clabe: { destination_bank_id: FINCO, clabe_number: clabe, holder_name: 'Proveedor SA' } })
  expect(res.status).toBe(200)
  return res.body.id as string
}
const send = (path: 'money_out' | 'internal_transaction', destination: string, amount = '5.00', source = MONATO.sourceInstrumentId) =>
  call('post', `/monato/v1/transactions/${path}`, { client_id: MONATO.clientId, source_instrument_id: source, destination_instrument_id: destination, transaction_request: { amount, currency: 'MXN', description: 'traspaso' } })
const accounts = async (as = token, b = base) => (await call('get', `${b}/accounts`, undefined, as)).body.data as Array<{ id: string; instrumentId: string; availableBalance: string }>
const balanceOf = async (id: string) => (await accounts()).find((a) => a.id === id)!.availableBalance
const moneyIns = async () => {
  await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
  return hook.received.map((r) => JSON.parse(r.body).body)
}

describe("money to an account's own instrumentId", () => {
  it('internal_transaction to another owner: INT_DEBIT liquidated at once, INT_CREDIT credited and notified', async () => {
    const target = await privateAccount(CUSTOMER)
    // the id a client reads from the accounts list, as the public client does
    const listed = (await accounts()).find((a) => a.id === target.id)!.instrumentId
    expect(listed).toBe(target.instrumentId)
    const res = await send('internal_transaction', listed)
    expect(res.status).toBe(200)
    expect(check('createInternalTransaction', res.body)).toBeNull()
    expect(res.body).toMatchObject({ category: 'DEBIT_TRANS', subCategory: 'INT_DEBIT', transactionStatus: 'LIQUIDATED', amount: '5.00' })
    expect(await balanceOf(target.id)).toBe('5.00')
    expect(await balanceOf(CENTRAL)).toBe('999995.00')
    const ins = await moneyIns()
    expect(ins).toHaveLength(1)
    expect(ins[0]).toMatchObject({ sub_category: 'INT_CREDIT', payer_institution: '90734', beneficiary_account: target.clabeNumber, owner_id: CUSTOMER, amount: '5.00', tracking_key: res.body.trackingId })
    // the credit leg is the target's transaction, LIQUIDATED
    const credit = await call('get', `${base}/transactions/${ins[0].id}`)
    expect(credit.body).toMatchObject({ category: 'CREDIT_TRANS', subCategory: 'INT_CREDIT', transactionStatus: 'LIQUIDATED', amount: '5.00' })
  })

  it('money_out to an account instrumentId is booked book-to-book the same way', async () => {
    const target = await privateAccount(CUSTOMER)
    const res = await send('money_out', target.instrumentId, '7.25')
    expect(res.status).toBe(200)
    expect(check('createMoneyOut', res.body)).toBeNull()
    expect(res.body).toMatchObject({ subCategory: 'INT_DEBIT', transactionStatus: 'LIQUIDATED', amount: '7.25' })
    expect(await balanceOf(target.id)).toBe('7.25')
    expect(await balanceOf(CENTRAL)).toBe('999992.75')
    // nothing left to settle: a clock advance changes nothing
    await sb.http.post('/__admin/clock/advance').send({ ms: 5000 })
    expect((await call('get', `${base}/transactions/${res.body.id}`)).body.transactionStatus).toBe('LIQUIDATED')
    expect(await balanceOf(target.id)).toBe('7.25')
    expect(await moneyIns()).toHaveLength(1)
  })

  it('a self-transfer (same owner) is booked without MONEY_IN, and money can go back from the account', async () => {
    const target = await privateAccount(MONATO.clientId)
    expect((await send('internal_transaction', target.instrumentId, '3.00')).body.transactionStatus).toBe('LIQUIDATED')
    expect(await moneyIns()).toHaveLength(0)
    const back = await send('internal_transaction', MONATO.sourceInstrumentId, '1.00', target.instrumentId)
    expect(back.status).toBe(200)
    expect(await balanceOf(target.id)).toBe('2.00')
    expect(await balanceOf(CENTRAL)).toBe('999998.00')
    expect(await moneyIns()).toHaveLength(0)
  })

  it('the same account as source and destination is refused, and nothing moves', async () => {
    const res = await send('internal_transaction', MONATO.sourceInstrumentId)
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ code: 9, reason: 'FAILED_PRECONDITION', method_name: 'internal_transaction' })
    expect(await balanceOf(CENTRAL)).toBe('1000000.00')
    expect((await call('get', `${base}/transactions`)).body.totalItems).toBe(0)
  })

  it('insufficient funds or an inactive target: FAILED_PRECONDITION, no balance change', async () => {
    const target = await privateAccount(CUSTOMER)
    const res = await send('internal_transaction', target.instrumentId, '1000000.01')
    expect(res.status).toBe(400)
    expect(monatoError(res.body).reason).toBe('FAILED_PRECONDITION')
    expect(await balanceOf(target.id)).toBe('0.00')
    expect(await balanceOf(CENTRAL)).toBe('1000000.00')
  })

  it("another client's account instrumentId is unknown here: the same 500 as an unknown instrument, nothing moves", async () => {
    for (const path of ['internal_transaction', 'money_out'] as const) {
      const theirs = await send(path, OTHER_ACCOUNT_INSTRUMENT)
      const unknown = await send(path, UNKNOWN)
      expect(theirs.status).toBe(500)
      expect(theirs.body).toEqual(unknown.body)
      expect(monatoError(theirs.body)).toMatchObject({ code: 13, message: 'Instrument not found.' })
    }
    expect((await accounts(otherToken, otherBase))[0]!.availableBalance).toBe('10.00')
    expect(await balanceOf(CENTRAL)).toBe('1000000.00')
    // nor as a source
    const asSource = await send('internal_transaction', MONATO.sourceInstrumentId, '1.00', OTHER_ACCOUNT_INSTRUMENT)
    expect(asSource.status).toBe(500)
  })

  it('penny validation to an account instrumentId is refused (no SPEI, no CEP)', async () => {
    const target = await privateAccount(CUSTOMER)
    const res = await call('post', '/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: target.instrumentId })
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ reason: 'FAILED_PRECONDITION', method_name: 'penny_validation' })
    expect(await balanceOf(CENTRAL)).toBe('1000000.00')
    // another client's account instrument stays unknown
    const theirs = await call('post', '/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: OTHER_ACCOUNT_INSTRUMENT })
    expect(theirs.status).toBe(500)
  })
})

describe('GET /v1/clients/{clientId}/accounts/{accountId}', () => {
  it('answers exactly the list item, balance included', async () => {
    const target = await privateAccount(CUSTOMER)
    await send('money_out', target.instrumentId, '12.34')
    for (const id of [CENTRAL, target.id]) {
      const res = await call('get', `${base}/accounts/${id}`)
      expect(res.status).toBe(200)
      expect(check('getAccount', res.body)).toBeNull()
      expect(res.body).toEqual((await accounts()).find((a) => a.id === id))
    }
    expect((await call('get', `${base}/accounts/${target.id}`)).body.availableBalance).toBe('12.34')
  })

  it("unknown, or another client's: NOT_FOUND in the Monato envelope", async () => {
    for (const id of [UNKNOWN, OTHER_ACCOUNT]) {
      const res = await call('get', `${base}/accounts/${id}`)
      expect(res.status).toBe(404)
      expect(monatoError(res.body)).toMatchObject({ code: 5, reason: 'NOT_FOUND', http_code: '404', module: 'accounts', method_name: 'get_account' })
      expect(JSON.stringify(res.body)).not.toContain('10.00')
    }
  })

  it("a bad id is DATA_ERROR naming accountId; another client's path is 403; no token is 401", async () => {
    const bad = await call('get', `${base}/accounts/not-a-uuid`)
    expect(bad.status).toBe(400)
    expect(monatoError(bad.body)).toMatchObject({ code: 3, reason: 'DATA_ERROR' })
    expect(monatoError(bad.body).message).toContain('accountId')
    const foreign = await call('get', `${base}/accounts/${CENTRAL}`, undefined, otherToken)
    expect(foreign.status).toBe(403)
    expect(monatoError(foreign.body).reason).toBe('PERMISSION_DENIED')
    expect(JSON.stringify(foreign.body)).not.toContain('1000000')
    expect((await sb.http.get(`${base}/accounts/${CENTRAL}`)).status).toBe(401)
  })
})

describe('DELETE /v1/clients/{clientId}/instruments/{instrumentId}', () => {
  it('removes a RECEIVER instrument: the deleted instrument answers, then GET is 404, the list drops it, a money out fails as for an unknown one', async () => {
    const keep = await clabeInstrument('002180000000004047')
    const id = await clabeInstrument('012180015530983477')
    const before = await call('get', `${base}/instruments/${id}`)
    sb.clock.advance(60_000)
    const res = await call('delete', `${base}/instruments/${id}`)
    expect(res.status).toBe(200)
    expect(check('deleteInstrument', res.body)).toBeNull()
    expect(res.body).toMatchObject({ id, type: 'RECEIVER', instrumentDetail: before.body.instrumentDetail })
    expect(res.body.audit.deletedAt).toMatch(/^2026-01-15 06:01:00\.000000-06:00$/)
    expect(res.body.audit.updatedAt).toBe(res.body.audit.deletedAt)
    expect(res.body.audit.createdAt).toBe(before.body.audit.createdAt)

    const get = await call('get', `${base}/instruments/${id}`)
    expect(get.status).toBe(404)
    expect(monatoError(get.body).reason).toBe('NOT_FOUND')
    const list = (await call('get', `${base}/instruments`)).body
    expect(list.data.map((i: { id: string }) => i.id)).toEqual([keep])
    expect(list.totalItems).toBe(1)
    const out = await send('money_out', id)
    expect(out.status).toBe(500)
    expect(out.body).toEqual((await send('money_out', UNKNOWN)).body)
    const penny = await call('post', '/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: id })
    expect(penny.status).toBe(500)
    expect(await balanceOf(CENTRAL)).toBe('1000000.00')
    const again = await call('delete', `${base}/instruments/${id}`)
    expect(again.status).toBe(404)
    expect(monatoError(again.body)).toMatchObject({ code: 5, reason: 'NOT_FOUND', method_name: 'delete_instrument' })
  })

  it('a money out already on its way still settles after its instrument is deleted', async () => {
    const id = await clabeInstrument('012180015530983477')
    const out = await send('money_out', id, '20.00')
    expect(out.body.transactionStatus).toBe('INITIALIZED')
    expect((await call('delete', `${base}/instruments/${id}`)).status).toBe(200)
    await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
    expect((await call('get', `${base}/transactions/${out.body.id}`)).body.transactionStatus).toBe('LIQUIDATED')
    expect(await balanceOf(CENTRAL)).toBe('999980.00')
  })

  it("an account's own instrument cannot be deleted (FAILED_PRECONDITION) and keeps working", async () => {
    const res = await call('delete', `${base}/instruments/${MONATO.sourceInstrumentId}`)
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ code: 9, reason: 'FAILED_PRECONDITION', module: 'instruments', method_name: 'delete_instrument' })
    expect(monatoError(res.body).message).toMatch(/instrument of an account/)
    const target = await privateAccount(CUSTOMER)
    expect((await send('money_out', target.instrumentId, '1.00', MONATO.sourceInstrumentId)).status).toBe(200)
  })

  it("another client's instrument or account instrument is NOT_FOUND on its own path, and 403 on the owner's path", async () => {
    const id = await clabeInstrument('012180015530983477')
    const viaOwnPath = await call('delete', `${otherBase}/instruments/${id}`, undefined, otherToken)
    expect(viaOwnPath.status).toBe(404)
    expect(monatoError(viaOwnPath.body).reason).toBe('NOT_FOUND')
    const accountInstrument = await call('delete', `${otherBase}/instruments/${MONATO.sourceInstrumentId}`, undefined, otherToken)
    expect(accountInstrument.status).toBe(404)
    const viaOwnersPath = await call('delete', `${base}/instruments/${id}`, undefined, otherToken)
    expect(viaOwnersPath.status).toBe(403)
    expect(monatoError(viaOwnersPath.body).reason).toBe('PERMISSION_DENIED')
    // still there for its owner
    expect((await call('get', `${base}/instruments/${id}`)).status).toBe(200)
  })

  it('a bad id is DATA_ERROR naming instrumentId', async () => {
    const res = await call('delete', `${base}/instruments/123`)
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ code: 3, reason: 'DATA_ERROR', method_name: 'delete_instrument' })
    expect(monatoError(res.body).message).toContain('instrumentId')
  })
})

describe('tokens live on the sandbox clock', () => {
  it('a large POST /__admin/clock/advance expires a token the client still thinks valid: 401, and a new token works', async () => {
    expect((await call('get', `${base}/accounts`)).status).toBe(200)
    const advanced = await sb.http.post('/__admin/clock/advance').send({ ms: 25 * 3600_000 })
    expect(advanced.status).toBe(200)
    const stale = await call('get', `${base}/accounts/${CENTRAL}`)
    expect(stale.status).toBe(401)
    expect(monatoError(stale.body)).toMatchObject({ code: 16, reason: 'UNAUTHENTICATED' })
    expect((await call('get', `${base}/accounts/${CENTRAL}`, undefined, await monatoToken(sb))).status).toBe(200)
  })
})
