import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

let sb: TestSandbox
let token: string
let cep: Receiver
const base = `/monato/v1/clients/${MONATO.clientId}`

beforeEach(async () => {
  sb = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '1000' } })
  token = await monatoToken(sb)
  cep = await startReceiver('/cep')
  await post(`${base}/webhooks`, { client_id: MONATO.clientId, url: cep.url, token: 'cep-token', webhook_type: 'CEP' })
})
afterEach(async () => {
  await cep.close()
  await sb.close()
})

function post(url: string, body: object) {
  return sb.http.post(url).set('Authorization', `Bearer ${token}`).send(body)
}
async function instrument(clabe: string, rfc = 'XAXX010101000') {
  return (await post(`${base}/instruments`, { source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc, alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: clabe, holder_name: 'Daniela Santelices' } })).body.id
}
const penny = (destination: string, extra: object = {}) => post('/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, ...extra })
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const statuses = () => cep.received.map((x) => JSON.parse(x.body).body.status)

describe('penny validation', () => {
  it('0.01 MXN with the documented defaults; CEP PENDING then COMPLETED with the beneficiary name and RFC', async () => {
    const check = await specValidator('specs/monato-fincore.yaml')
    const res = await penny(await instrument('012180015530983477'))
    expect(res.status).toBe(200)
    expect(check('createPennyValidation', res.body)).toBeNull()
    expect(res.body).toMatchObject({ amount: '0.01', transactionStatus: 'INITIALIZED', description: 'Validacion de cuenta', metadata: { dataCep: { status: 'PENDING', beneficiaryName: null } } })
    expect(res.body.externalReference).toMatch(/^\d{6}$/)
    await advance(0)
    expect(statuses()).toEqual(['PENDING'])
    expect(cep.received[0]!.headers.authorization).toBe('Bearer cep-token')
    await advance(1000)
    expect(statuses()).toEqual(['PENDING', 'COMPLETED'])
    const done = JSON.parse(cep.received[1]!.body).body
    expect(done).toMatchObject({ beneficiary_account: '012180015530983477', beneficiary_name: 'Daniela Santelices', beneficiary_rfc: 'XAXX010101000' })
    expect(done.processed_at).toMatch(/-06:00$/)
    const got = await sb.http.get(`${base}/transactions/${res.body.id}`).set('Authorization', `Bearer ${token}`)
    expect(got.body.metadata.dataCep).toMatchObject({ status: 'COMPLETED', beneficiaryName: 'Daniela Santelices' })
  })

  it.each([
    ['002180000000004050', ['PENDING', 'DELAYED', 'COMPLETED']],
    ['002180000000004047', ['PENDING', 'FAILED']],
    ['002180000000004063', ['PENDING', 'DELAYED', 'FAILED']],
  ])('destination %s: CEP %j', async (clabe, expected) => {
    const res = await penny(await instrument(clabe, 'ND'), { description: 'Validacion ñ 1', external_reference: '241125' })
    expect(res.body.externalReference).toBe('241125')
    await advance(1000)
    await advance(1000)
    expect(statuses()).toEqual(expected)
  })

  it('a card instrument cannot be validated', async () => {
    const card = (await post(`${base}/instruments`, { source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'card', debit_card: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', card_number: '5579072268574100', holder_name: 'J' } })).body.id
    const res = await penny(card)
    expect(monatoError(res.body)).toMatchObject({ reason: 'FAILED_PRECONDITION', method_name: 'penny_validation' })
  })
})
