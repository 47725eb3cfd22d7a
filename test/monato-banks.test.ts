import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeClabe } from '../src/core/clabe.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

// The SPEI participants catalog carries the ids and names Monato's staging GET /v1/banks returns, so the
// bankId a client sees (catalog, instruments, accounts) is the one its staging-built tables expect.

/** a sample of staging's answer (3-digit CLABE prefix, id, name), changed, added and already-matching entries */
const STAGING: Array<[string, string, string]> = [
  ['002', '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', 'BANAMEX'],
  ['012', '1953a92c-11e5-4315-b406-b89dd6b699b4', 'BBVA MEXICO'],
  ['021', 'f78d3263-65eb-477f-ba55-bd789848f334', 'HSBC'],
  ['124', '17b12906-faa6-4c44-b29f-073d3e8943eb', 'CITI MEXICO'],
  ['128', 'b82df284-83c4-4a27-874f-e67bd9e2c3e5', 'KAPITAL'],
  ['166', 'dde426ad-95c6-4305-b7fc-ca7e93fae02c', 'BANSEFI'],
  ['646', 'd90bde89-d3b9-476b-9ce4-6d5633966011', 'STP'],
  ['728', '3c71b5de-ece0-45d5-bec6-6fc616175fb6', 'SPIN_BY_OXXO'],
  ['734', '9d84b03a-28d1-4898-a69c-38824239e2b1', 'FINCO PAY'],
  ['738', 'd5445483-b04d-4d2d-be0f-81752ededb6d', 'FINTOC'],
  ['805', 'de2592b3-328d-4378-8241-4092ecb31819', 'BanxicoPruebas'],
  ['901', 'f4553a12-dd27-49f7-8d18-6a8416f994cb', 'CLS'],
  ['994', '87f3544b-e1db-4433-b507-c223cd3e4e8b', 'BancoFácil_R'],
]
const DEVELOPMENT = new Set(['006', '009', '019', '135', '166', '168'])
const base = `/monato/v1/clients/${MONATO.clientId}`

type Bank = { id: string; name: string; code: string; clabePrefix: string }
let sb: TestSandbox
let token: string
let banks: Bank[]

beforeAll(async () => {
  sb = await makeSandbox()
  token = await monatoToken(sb)
  const res = await sb.http.get('/monato/v1/banks?page_size=400').set('Authorization', `Bearer ${token}`)
  expect((await specValidator('specs/monato-fincore.yaml'))('listBanks', res.body)).toBeNull()
  banks = res.body.banks
})
afterAll(() => sb.close())

const byPrefix = (p: string) => banks.find((b) => b.clabePrefix === p)

describe('the default catalog', () => {
  it("holds staging's 103 participants plus the catalog's own 6: 109, one per code, prefix and id", async () => {
    expect(banks).toHaveLength(109)
    for (const key of ['code', 'clabePrefix', 'id'] as const) expect(new Set(banks.map((b) => b[key])).size, key).toBe(109)
  })

  it("uses staging's id and name for every participant staging lists", () => {
    for (const [prefix, id, name] of STAGING) expect(byPrefix(prefix), prefix).toMatchObject({ id, name })
  })

  it("keeps the catalog's other banks unchanged, Fintoc's own 90735 next to staging's 90738", () => {
    expect(banks.find((b) => b.code === '90735')).toEqual({ id: '0ae71cc4-1bd0-51e3-8850-69d0a691ee76', name: 'FINTOC', code: '90735', clabePrefix: '735' })
    expect(banks.find((b) => b.code === '90738')).toMatchObject({ name: 'FINTOC', clabePrefix: '738' })
    expect(banks.find((b) => b.code === '40143')).toEqual({ id: '94cd144a-29fa-5b28-b8ab-85d0859a2bdd', name: 'CIBANCO', code: '40143', clabePrefix: '143' })
    expect(banks.find((b) => b.code === '90642')).toMatchObject({ id: '83ae07a1-c1c2-5a2b-8c38-8a95628da660', name: 'REFORMA' })
  })

  it('every 5-digit code is its CLABE prefix under 37 (development banks), 40 (below 600) or 90 (600 and above)', () => {
    for (const b of banks) {
      const head = DEVELOPMENT.has(b.clabePrefix) ? '37' : Number(b.clabePrefix) < 600 ? '40' : '90'
      expect(b.code, b.name).toBe(`${head}${b.clabePrefix}`)
    }
  })
})

describe('what a client sees as bankId', () => {
  const register = (clabe: string) =>
    sb.http
      .post(`${base}/instruments`)
      .set('Authorization', `Bearer ${token}`)
      .send({ source_bank_id: byPrefix('734')!.id, client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: byPrefix('002')!.id, clabe_number: clabe, holder_name: 'J' } })

  it("a registered CLABE's bank is staging's, whatever destination_bank_id says (HSBC, Fintoc 738, Fintoc's own 735969)", async () => {
    for (const [prefix6, code] of [['021180', '40021'], ['738180', '90738'], ['735969', '90735'], ['124180', '40124']] as const) {
      const res = await register(makeClabe(prefix6, 1))
      expect(res.status, prefix6).toBe(200)
      expect(res.body.bankId, prefix6).toBe(banks.find((b) => b.code === code)!.id)
    }
    expect((await register(makeClabe('021180', 1))).body.bankId).toBe('f78d3263-65eb-477f-ba55-bd789848f334')
  })

  it("accounts, new private accounts and scenario instruments carry staging's ids", async () => {
    const accounts = (await sb.http.get(`${base}/accounts`).set('Authorization', `Bearer ${token}`)).body.data
    expect(accounts[0].bankId).toBe('9d84b03a-28d1-4898-a69c-38824239e2b1')
    const created = await sb.http.post(`${base}/private_accounts`).set('Authorization', `Bearer ${token}`).send({ bank_id: byPrefix('734')!.id, owner_id: MONATO.clientId, client_bank_adapter_id: byPrefix('734')!.id, client_id: MONATO.clientId, account_id: byPrefix('734')!.id })
    expect(created.body.bankId).toBe('9d84b03a-28d1-4898-a69c-38824239e2b1')
    const instrument = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'
    const loaded = await sb.http.post('/__admin/scenarios').send({ monato: { clients: [{ id: MONATO.clientId, api_key: MONATO.apiKey, client_secret: MONATO.clientSecret, instruments: [{ id: instrument, holder_name: 'HSBC holder', clabe: makeClabe('021180', 7) }] }] } })
    expect(loaded.status).toBeLessThan(300)
    const got = await sb.http.get(`${base}/instruments/${instrument}`).set('Authorization', `Bearer ${token}`)
    expect(got.body.bankId).toBe('f78d3263-65eb-477f-ba55-bd789848f334')
  })
})
