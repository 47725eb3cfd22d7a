import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox
let token: string
let hook: Receiver
const base = `/monato/v1/clients/${MONATO.clientId}`
const CUSTOMER = 'bb1e8fde-e68e-48e9-a483-d32153c752c2'

beforeEach(async () => {
  sb = await makeSandbox()
  token = await monatoToken(sb)
  hook = await startReceiver('/money-in')
  await post(`${base}/webhooks`, { client_id: MONATO.clientId, url: hook.url, token: 't', webhook_type: 'MONEY_IN' })
})
afterEach(async () => {
  await hook.close()
  await sb.close()
})

function post(url: string, body: object) {
  return sb.http.post(url).set('Authorization', `Bearer ${token}`).send(body)
}
async function privateAccount(ownerId: string) {
  return (await post(`${base}/private_accounts`, { bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', owner_id: ownerId, client_bank_adapter_id: '5b3a1b67-ab59-4cc1-8fc6-1d558b32b237', client_id: MONATO.clientId, account_id: '24a726ac-180d-48df-82bc-711f2788a46f' })).body
}
async function instrumentFor(clabe: string) {
  return (await post(`${base}/instruments`, { source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'interna', virtual_clabe: { destination_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', clabe_number: clabe, holder_name: 'Cliente' } })).body.id
}
const send = (path: string, destination: string, amount = '5.00') =>
  post(`/monato/v1/transactions/${path}`, { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { amount, currency: 'MXN', description: 'interna' } })
const balanceOf = async (id: string) => (await sb.http.get(`${base}/accounts`).set('Authorization', `Bearer ${token}`)).body.data.find((a: { id: string }) => a.id === id).availableBalance

describe('book-to-book money out', () => {
  it('to another owner: INT_DEBIT liquidated at once, the receiver credited and notified with INT_CREDIT', async () => {
    const target = await privateAccount(CUSTOMER)
    const res = await send('money_out', await instrumentFor(target.clabeNumber))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ subCategory: 'INT_DEBIT', transactionStatus: 'LIQUIDATED', amount: '5.00' })
    expect(await balanceOf(target.id)).toBe('5.00')
    expect(await balanceOf('750ab428-b401-4b58-8a95-502bcb7b1bf8')).toBe('999995.00')
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(hook.received).toHaveLength(1)
    expect(JSON.parse(hook.received[0]!.body).body).toMatchObject({ sub_category: 'INT_CREDIT', payer_institution: '90734', beneficiary_account: target.clabeNumber, owner_id: CUSTOMER, amount: '5.00' })
  })

  it('to the same owner: booked, but no MONEY_IN', async () => {
    const target = await privateAccount(MONATO.clientId)
    const res = await send('money_out', await instrumentFor(target.clabeNumber))
    expect(res.body.subCategory).toBe('INT_DEBIT')
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(hook.received).toHaveLength(0)
    expect(await balanceOf(target.id)).toBe('5.00')
  })

  it('the deprecated internal_transaction behaves the same, and refuses an external destination', async () => {
    const target = await privateAccount(CUSTOMER)
    const internal = await send('internal_transaction', await instrumentFor(target.clabeNumber), '2.50')
    expect(internal.body).toMatchObject({ subCategory: 'INT_DEBIT', transactionStatus: 'LIQUIDATED' })
    const external = await send('internal_transaction', await instrumentFor('012180015530983477'))
    expect(external.status).toBe(400)
    expect(monatoError(external.body)).toMatchObject({ reason: 'FAILED_PRECONDITION', method_name: 'internal_transaction' })
  })
})
