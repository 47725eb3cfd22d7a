import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { validateState } from '../src/core/state-schema.js'
import { defaultModules } from '../src/providers/index.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §6: POST /__admin/snapshot validates the whole state before replacing anything.

const KEY = 'sk_test_snapshot'
let sb: TestSandbox
beforeEach(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
})
afterEach(() => sb.close())

type Snapshot = { version: number; state: Record<string, Record<string, unknown>> }
const exported = async (): Promise<Snapshot> => (await sb.http.get('/__admin/snapshot')).body

/** a state with something of every kind: transfers, events, deliveries, jobs, idempotency records, money outs */
async function busy(box: TestSandbox) {
  const account = (await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
  await box.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] })
  await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 10_000, currency: 'MXN' })
  await box.http.post('/__admin/clock/advance').send({ ms: 2000 })
  await box.http.post('/fintoc/v2/transfers').set('Authorization', KEY).set('Idempotency-Key', 'k-1').send({ amount: 400, currency: 'MXN', account_id: account.id, counterparty: { account_number: '012180015530983477' } })
  await box.http.post('/fintoc/v2/account_verifications').set('Authorization', KEY).send({ account_number: '012180015530983477' })
  await box.http.post('/fintoc/v1/payment_intents').set('Authorization', KEY).send({ amount: 1000, currency: 'MXN' })
  const token = await monatoToken(box)
  const inst = await box.http
    .post(`/monato/v1/clients/${MONATO.clientId}/instruments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'XAXX010101000', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'Daniela Santelices' } })
  await box.http
    .post('/monato/v1/transactions/money_out')
    .set('Authorization', `Bearer ${token}`)
    .set('Idempotency-Key', 'a6f4f1d3-6a53-5b0e-9d7e-3f1c2b4a5d6e')
    .send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: inst.body.id, transaction_request: { amount: '7.77', currency: 'MXN' } })
  await box.http.post('/monato/v1/transactions/penny_validation').set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: inst.body.id })
}

/** every provider call of the smoke path still answers */
async function stillWorks(box: TestSandbox) {
  const accounts = await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)
  expect(accounts.status).toBe(200)
  expect((await box.http.get('/fintoc/v2/transfers').set('Authorization', KEY)).status).toBe(200)
  expect((await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: accounts.body[0].root_account_number_id, amount: 5, currency: 'MXN' })).status).toBe(201)
  const token = await monatoToken(box)
  expect((await box.http.get(`/monato/v1/clients/${MONATO.clientId}/accounts`).set('Authorization', `Bearer ${token}`)).status).toBe(200)
  expect((await box.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)).status).toBe(200)
  expect((await box.http.post('/__admin/clock/advance').send({ ms: 5000 })).status).toBe(200)
  expect((await box.http.get('/__admin/snapshot')).status).toBe(200)
}

/** `body` as JSON text, or that text itself (deep nesting overflows JSON.stringify in the test too) */
async function refused(body: unknown, path: RegExp) {
  const before = await exported()
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const res = await sb.http.post('/__admin/snapshot').set('Content-Type', 'application/json').send(text)
  expect(res.status).toBe(400)
  expect(res.body.error.message).toBe('not a snapshot of this sandbox')
  expect(res.body.error.issues.length).toBeGreaterThan(0)
  expect(res.body.error.issues.length).toBeLessThanOrEqual(20)
  expect(res.body.error.issues.some((i: string) => path.test(i)), res.body.error.issues.join('\n')).toBe(true)
  expect(await exported()).toEqual(before)
  await stillWorks(sb)
  return res.body.error.issues as string[]
}

describe('POST /__admin/snapshot', () => {
  it('refuses a hollow snapshot by JSON path, and nothing changes', async () => {
    await busy(sb)
    const issues = await refused({ version: 1, state: { core: {}, fintoc: {}, monato: {} } }, /^\$\.state\.core\.jobs: /)
    expect(issues.some((i) => i.startsWith('$.state.fintoc.orgs: '))).toBe(true)
    expect(issues.some((i) => i.startsWith('$.state.monato.clients: '))).toBe(true)
  })

  it('refuses a snapshot missing a slice', async () => {
    const snap = await exported()
    delete snap.state.monato
    await refused(snap, /^\$\.state\.monato: /)
  })

  it('refuses deep nesting, in the place of a record and inside free-form metadata', async () => {
    const deep = `${'{"a":'.repeat(5000)}{}${'}'.repeat(5000)}`
    await refused(`{"version":1,"state":{"core":${deep},"fintoc":${deep},"monato":${deep}}}`, /^\$\.state\.core/)
    await busy(sb)
    const snap = await exported()
    const transfer = Object.values(snap.state.fintoc!.transfers as Record<string, { metadata: unknown }>)[0]!
    transfer.metadata = { deep: 'DEEP' }
    await refused(JSON.stringify(snap).replace('"DEEP"', deep), /^\$\.state\.fintoc\.transfers\.tr_\w+\.metadata: nested deeper than/)
  })

  it('refuses wrong types, record keys that are not their ids and dangling references', async () => {
    await busy(sb)
    const snap = await exported()
    const [accountId, account] = Object.entries(snap.state.fintoc!.accounts as Record<string, Record<string, unknown>>)[0]!
    account.available_balance = '100'
    await refused(snap, new RegExp(`^\\$\\.state\\.fintoc\\.accounts\\.${accountId}\\.available_balance: `))

    const moved = await exported()
    const clients = moved.state.monato!.clients as Record<string, unknown>
    clients.someone_else = clients[MONATO.clientId]
    delete clients[MONATO.clientId]
    await refused(moved, /^\$\.state\.monato\.clients\.someone_else\.id: /)

    const dangling = await exported()
    const keyIndex = dangling.state.fintoc!.keyIndex as Record<string, string>
    keyIndex[Object.keys(keyIndex)[0]!] = 'org_Missing'
    await refused(dangling, /^\$\.state\.fintoc\.keyIndex\.\w+: no org org_Missing$/)

    await refused({ version: 2, state: (await exported()).state }, /^\$\.version: /)
    await refused([], /^\$/)
  })

  it('round-trips a real export (GET then POST), and the restored state works', async () => {
    await busy(sb)
    const snap = await exported()
    expect(validateState(defaultModules, snap.state)).toEqual({ ok: true })
    expect((await sb.http.post('/__admin/snapshot').send(snap)).body).toEqual({ restored: true })
    expect((await exported()).state).toEqual(snap.state)
    await stillWorks(sb)
  })
})
