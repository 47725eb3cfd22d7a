import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isValidClabe } from '../src/core/clabe.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

let sb: TestSandbox
let token: string
let check: Awaited<ReturnType<typeof specValidator>>
beforeAll(async () => {
  check = await specValidator('specs/monato-fincore.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox()
  token = await monatoToken(sb)
})
afterEach(() => sb.close())

const base = `/monato/v1/clients/${MONATO.clientId}`
const post = (url: string, body: object) => sb.http.post(url).set('Authorization', `Bearer ${token}`).send(body)
const get = (url: string) => sb.http.get(url).set('Authorization', `Bearer ${token}`)
const FINCO = '9d84b03a-28d1-4898-a69c-38824239e2b1'
const BANAMEX = '3054ff18-32a0-478d-b9fe-b5261f9a6e1f'
const clabeInstrument = (clabe: string, extra: object = {}) => ({
  source_bank_id: FINCO,
  client_id: MONATO.clientId,
  type: 'RECEIVER',
  rfc: 'ND',
  alias: 'Proveedor',
  virtual_clabe: { destination_bank_id: BANAMEX, clabe_number: clabe, holder_name: 'Juan Perez' },
  ...extra,
})

describe('private accounts', () => {
  it('get a fresh 734180 CLABE with a valid check digit and appear in the account list', async () => {
    const body = { bank_id: FINCO, owner_id: MONATO.clientId, client_bank_adapter_id: '5b3a1b67-ab59-4cc1-8fc6-1d558b32b237', client_id: MONATO.clientId, account_id: '24a726ac-180d-48df-82bc-711f2788a46f' }
    const res = await post(`${base}/private_accounts`, body)
    expect(res.status).toBe(200)
    expect(check('createPrivateAccount', res.body)).toBeNull()
    expect(res.body).toMatchObject({ accountType: 'PRIVATE_ACCOUNT', accountStatus: 'ACTIVE', availableBalance: '0.00', ownerType: 'CLIENT' })
    expect(res.body.clabeNumber).toMatch(/^734180\d{12}$/)
    expect(isValidClabe(res.body.clabeNumber)).toBe(true)
    expect(res.body.accountNumber).toBe(res.body.clabeNumber.slice(6))
    const second = await post(`${base}/private_accounts`, body)
    expect(second.body.clabeNumber).not.toBe(res.body.clabeNumber)
    const list = await get(`${base}/accounts?per_page=2&page=2`)
    expect(list.body).toMatchObject({ currentPage: 2, perPage: 2, totalItem: 3 })
    expect(list.body.data.map((a: { id: string }) => a.id)).toEqual([second.body.id])
  })

  it("another client's client_id in the body → 403", async () => {
    const res = await post(`${base}/private_accounts`, { bank_id: FINCO, owner_id: MONATO.clientId, client_bank_adapter_id: FINCO, client_id: '11111111-2222-4333-8444-555555555555', account_id: FINCO })
    expect(res.status).toBe(403)
  })
})

describe('instruments', () => {
  it('a CLABE instrument takes its bank from the CLABE prefix; get and list return it', async () => {
    const res = await post(`${base}/instruments`, clabeInstrument('012180015530983477', { customer_id: 'bb1e8fde-e68e-48e9-a483-d32153c752c2' }))
    expect(res.status).toBe(200)
    expect(check('registerInstrument', res.body)).toBeNull()
    expect(res.body).toMatchObject({ type: 'RECEIVER', bankId: '1953a92c-11e5-4315-b406-b89dd6b699b4', customerId: 'bb1e8fde-e68e-48e9-a483-d32153c752c2', ownerId: 'bb1e8fde-e68e-48e9-a483-d32153c752c2' })
    expect(res.body.instrumentDetail).toEqual({ clabeNumber: '012180015530983477', holderName: 'Juan Perez', accountNumber: '180015530983' })
    const got = await get(`${base}/instruments/${res.body.id}`)
    expect(got.body).toEqual(res.body)
    const card = await post(`${base}/instruments`, {
      ...clabeInstrument(''),
      virtual_clabe: undefined,
      debit_card: { destination_bank_id: BANAMEX, card_number: '5579072268574100', holder_name: 'John Smith' },
    })
    expect(card.status).toBe(200)
    expect(card.body.instrumentDetail).toEqual({ cardNumber: '5579072268574100', expirationDate: 'None', holderName: 'John Smith' })
    expect(card.body.customerId).toBeUndefined()
    const all = await get(`${base}/instruments`)
    expect(all.body).toMatchObject({ currentPage: 1, perPage: 50, totalItems: 2 })
    const mine = await get(`${base}/instruments?customer_id=bb1e8fde-e68e-48e9-a483-d32153c752c2`)
    expect(mine.body.data.map((i: { id: string }) => i.id)).toEqual([res.body.id])
    expect(check('listInstruments', all.body)).toBeNull()
  })

  it('rejects a bad check digit (unless MONATO_CLABE_CHECK=off), an unknown bank prefix and a 17-digit CLABE', async () => {
    const bad = await post(`${base}/instruments`, clabeInstrument('012180015530983478'))
    expect(bad.status).toBe(400)
    expect(monatoError(bad.body)).toMatchObject({ reason: 'DATA_ERROR', message: expect.stringMatching(/check digit/) })
    // 999 is a participant on staging (BancoFacil); 555 is nobody's
    const unknown = await post(`${base}/instruments`, clabeInstrument('555180000000000006'))
    expect(unknown.status).toBe(400)
    expect(monatoError(unknown.body).message).toMatch(/prefix 555/)
    const short = await post(`${base}/instruments`, clabeInstrument('01218001553098347'))
    expect(short.status).toBe(400)
    expect(monatoError(short.body).message).toMatch(/clabe_number/)
    const off = await makeSandbox({ env: { MONATO_CLABE_CHECK: 'off' } })
    const offToken = await monatoToken(off)
    // a documented example that fails the check digit
    const docs = await off.http.post(`${base}/instruments`).set('Authorization', `Bearer ${offToken}`).send(clabeInstrument('646180529600044117'))
    expect(docs.status).toBe(200)
    await off.close()
  })

  it("another client's instrument is not found; type other than RECEIVER is a DATA_ERROR", async () => {
    const missing = await get(`${base}/instruments/dd7f8d89-94dd-43ca-871b-720fde378b52`)
    expect(missing.status).toBe(404)
    expect(monatoError(missing.body).reason).toBe('NOT_FOUND')
    const sender = await post(`${base}/instruments`, clabeInstrument('012180015530983477', { type: 'SENDER' }))
    expect(sender.status).toBe(400)
  })
})

describe('isolation between clients', () => {
  it("one client's instruments and transactions are invisible to another client's token", async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const path = await import('node:path')
    const other = { id: '0d0a1c3e-5b6f-4a7e-9c1d-2e3f4a5b6c7d', api_key: 'other_client_api_key', client_secret: 'other_client_secret_0123456789' }
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'two.json')
    await writeFile(file, JSON.stringify({ monato: { clients: [{ ...other, accounts: [{ balance: '10.00' }] }] } }))
    const two = await makeSandbox({ env: { SCENARIO: `data/scenarios/default.json,${file}` } })
    const t1 = await monatoToken(two)
    const t2 = (
      await two.http.post(`/monato/v1/clients/${other.id}/auth/credential-tokens`).set('x-api-key', other.api_key).send({ client_id: other.id, client_secret: other.client_secret })
    ).body.token
    const mine = await two.http.post(`${base}/instruments`).set('Authorization', `Bearer ${t1}`).send(clabeInstrument('012180015530983477'))
    expect(mine.status).toBe(200)
    // through the other client's own path: not found; through mine: forbidden
    expect((await two.http.get(`/monato/v1/clients/${other.id}/instruments/${mine.body.id}`).set('Authorization', `Bearer ${t2}`)).status).toBe(404)
    expect((await two.http.get(`${base}/instruments/${mine.body.id}`).set('Authorization', `Bearer ${t2}`)).status).toBe(403)
    expect((await two.http.get(`/monato/v1/clients/${other.id}/instruments`).set('Authorization', `Bearer ${t2}`)).body.totalItems).toBe(0)
    expect((await two.http.get(`/monato/v1/clients/${other.id}/accounts`).set('Authorization', `Bearer ${t2}`)).body.data[0].availableBalance).toBe('10.00')
    await two.close()
  })
})
