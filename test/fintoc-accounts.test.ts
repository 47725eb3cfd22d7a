import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { isValidClabe } from '../src/core/clabe.js'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

const KEY = 'sk_test_accounts'
let sb: TestSandbox
let check: Awaited<ReturnType<typeof specValidator>>
beforeAll(async () => {
  check = await specValidator('specs/fintoc.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
})
afterEach(() => sb.close())

const api = {
  get: (url: string) => sb.http.get(`/fintoc${url}`).set('Authorization', KEY),
  post: (url: string, body: object) => sb.http.post(`/fintoc${url}`).set('Authorization', KEY).send(body),
  patch: (url: string, body: object) => sb.http.patch(`/fintoc${url}`).set('Authorization', KEY).send(body),
}
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const transition = (id: string, to: string) => sb.http.post(`/__admin/fintoc/accounts/${id}/transition`).send({ to })

describe('accounts and account numbers', () => {
  it('creating an account creates its root account number', async () => {
    const res = await api.post('/v2/accounts', { description: 'Payroll' })
    expect(res.status).toBe(201)
    expect(check('createAccount', res.body)).toBeNull()
    expect(res.body).toMatchObject({ description: 'Payroll', is_root: false, available_balance: 0, currency: 'MXN', status: 'active' })
    const numbers = (await api.get(`/v2/account_numbers?account_id=${res.body.id}`)).body
    expect(numbers).toHaveLength(1)
    expect(numbers[0]).toMatchObject({ id: res.body.root_account_number_id, is_root: true, number: res.body.root_account_number })
    expect(isValidClabe(res.body.root_account_number)).toBe(true)
    expect((await api.get('/v2/accounts')).body).toHaveLength(2)
  })

  it('an account can be renamed, the root account cannot', async () => {
    const created = (await api.post('/v2/accounts', { description: 'Old' })).body
    const renamed = await api.patch(`/v2/accounts/${created.id}`, { description: 'New' })
    expect(renamed.status).toBe(200)
    expect(renamed.body.description).toBe('New')
    const root = (await api.get('/v2/accounts')).body.find((a: { is_root: boolean }) => a.is_root)
    const res = await api.patch(`/v2/accounts/${root.id}`, { description: 'x' })
    expect(res.status).toBe(405)
    expect(fintocError(res.body).code).toBe('operation_not_allowed')
  })

  it('account numbers: create (200), disable (receives nothing), enable again', async () => {
    const root = (await api.get('/v2/accounts')).body[0]
    const created = await api.post('/v2/account_numbers', { account_id: root.id, description: 'Client 42', metadata: { client: '42' } })
    expect(created.status).toBe(200)
    expect(check('createAccountNumber', created.body)).toBeNull()
    expect(created.body).toMatchObject({ account_id: root.id, status: 'enabled', is_root: false, metadata: { client: '42' } })
    expect(created.body.number).not.toBe(root.root_account_number)
    const disabled = await api.patch(`/v2/account_numbers/${created.body.id}`, { status: 'disabled' })
    expect(disabled.body.status).toBe('disabled')
    const refused = await api.post('/v2/simulate/receive_transfer', { account_number_id: created.body.id, amount: 100, currency: 'MXN' })
    expect(refused.status).toBe(403)
    expect(fintocError(refused.body).code).toBe('forbidden_account_number')
    await api.patch(`/v2/account_numbers/${created.body.id}`, { status: 'enabled' })
    expect((await api.post('/v2/simulate/receive_transfer', { account_number_id: created.body.id, amount: 100, currency: 'MXN' })).status).toBe(201)
    const bad = await api.patch(`/v2/account_numbers/${created.body.id}`, { status: 'gone' })
    expect(bad.status).toBe(400)
    expect(fintocError(bad.body).param).toBe('status')
  })

  it('blocked accounts cannot send but can receive; closed ones neither; closed is final', async () => {
    const root = (await api.get('/v2/accounts')).body[0]
    await api.post('/v2/simulate/receive_transfer', { account_number_id: root.root_account_number_id, amount: 1000, currency: 'MXN' })
    await advance(1000)
    const send = () => api.post('/v2/transfers', { amount: 10, currency: 'MXN', account_id: root.id, counterparty: { account_number: '735969000000203297' } })
    expect((await transition(root.id, 'blocked')).body.status).toBe('blocked')
    const blocked = await send()
    expect(blocked.status).toBe(403)
    expect(fintocError(blocked.body).code).toBe('account_not_active')
    expect((await api.post('/v2/simulate/receive_transfer', { account_number_id: root.root_account_number_id, amount: 1, currency: 'MXN' })).status).toBe(201)
    await transition(root.id, 'active')
    expect((await send()).status).toBe(201)
    await transition(root.id, 'closed')
    expect((await api.post('/v2/simulate/receive_transfer', { account_number_id: root.root_account_number_id, amount: 1, currency: 'MXN' })).status).toBe(403)
    const reopen = await transition(root.id, 'active')
    expect(reopen.status).toBe(409)
    expect((await transition('acc_nope', 'active')).status).toBe(404)
    expect((await sb.http.post(`/__admin/fintoc/accounts/${root.id}/transition`).send({ to: 'frozen' })).status).toBe(400)
  })
})

describe('account verifications', () => {
  it('pending, then succeeded with the holder; the event is recorded', async () => {
    const res = await api.post('/v2/account_verifications', { account_number: '012180015530983477' })
    expect(res.status).toBe(201)
    expect(check('createAccountVerification', res.body)).toBeNull()
    expect(res.body).toMatchObject({ object: 'account_verification', status: 'pending', counterparty: { holder_name: null, account_number: '012180015530983477', institution: { id: '40012' } } })
    await advance(1000)
    const done = (await api.get(`/v2/account_verifications/${res.body.id}`)).body
    expect(done.status).toBe('succeeded')
    expect(done.counterparty.holder_name).toBeTruthy()
    expect(check('getAccountVerification', done)).toBeNull()
    const events = Object.values((sb.store.data.fintoc as { events: Record<string, { type: string }> }).events)
    expect(events.map((e) => e.type)).toContain('account_verification.succeeded')
    const list = await api.get('/v2/account_verifications?status=succeeded')
    expect(list.body.map((v: { id: string }) => v.id)).toEqual([res.body.id])
  })

  it('the documented failing CLABE fails; an invalid CLABE is a 400', async () => {
    const res = await api.post('/v2/account_verifications', { account_number: '002180000000004047' })
    await advance(1000)
    const done = (await api.get(`/v2/account_verifications/${res.body.id}`)).body
    expect(done).toMatchObject({ status: 'failed', reason: 'account_not_found' })
    const bad = await api.post('/v2/account_verifications', { account_number: '002180000000004048' })
    expect(bad.status).toBe(400)
    expect(fintocError(bad.body).code).toBe('invalid_account_number')
  })
})

describe('outcome rules from scenario files', () => {
  it('are matched before the built-in ones', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'rules.json')
    await writeFile(
      file,
      JSON.stringify({ fintoc: { outcome_rules: [{ direction: 'outbound', account_number: '735969000000203297', amount: 123, outcome: 'failed', reason: 'custom_reason' }] } }),
    )
    const own = await makeSandbox({ env: { SCENARIO: file, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } })
    const account = (await own.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    await own.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 1000, currency: 'MXN' })
    await own.http.post('/__admin/clock/advance').send({ ms: 0 })
    const t = await own.http.post('/fintoc/v2/transfers').set('Authorization', KEY).send({ amount: 123, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
    await own.http.post('/__admin/clock/advance').send({ ms: 0 })
    const done = (await own.http.get(`/fintoc/v2/transfers/${t.body.id}`).set('Authorization', KEY)).body
    expect(done).toMatchObject({ status: 'failed', return_reason: 'custom_reason' })
    await own.close()
  })

  it('a rule without account_number or amount is rejected with its JSON path', async () => {
    const { parseScenario } = await import('../src/scenario/load.js')
    const { defaultModules } = await import('../src/providers/index.js')
    expect(() => parseScenario(defaultModules, { fintoc: { outcome_rules: [{ direction: 'outbound', outcome: 'failed' }] } }, 'r.json')).toThrow(/\$\.fintoc\.outcome_rules\[0\]/)
  })
})

describe('Chilean organizations (CLP)', () => {
  it('need holder id, institution and account type, and cap a transfer at 7,000,000 CLP', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'cl.json')
    await writeFile(file, JSON.stringify({ fintoc: { organizations: [{ api_key: 'sk_test_chile', holder_id: '76123456-7', currency: 'CLP' }] } }))
    const cl = await makeSandbox({ env: { SCENARIO: file, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } })
    const call = (method: 'get' | 'post', url: string, body?: object) => cl.http[method](`/fintoc${url}`).set('Authorization', 'sk_test_chile').send(body)
    const account = (await call('get', '/v2/accounts')).body[0]
    expect(account.currency).toBe('CLP')
    expect(account.root_account_number).not.toMatch(/^735969/)
    await call('post', '/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 8_000_000, currency: 'clp' })
    await cl.http.post('/__admin/clock/advance').send({ ms: 0 })
    const base = { currency: 'CLP', account_id: account.id, counterparty: { account_number: '123456', holder_id: '183917137', institution_id: 'cl_banco_de_chile', account_type: 'checking_account' } }
    const missing = await call('post', '/v2/transfers', { ...base, amount: 1000, counterparty: { account_number: '123456' } })
    expect(missing.status).toBe(400)
    expect(fintocError(missing.body)).toMatchObject({ code: 'missing_parameter', param: 'counterparty.holder_id' })
    const tooMuch = await call('post', '/v2/transfers', { ...base, amount: 7_000_001 })
    expect(fintocError(tooMuch.body)).toMatchObject({ code: 'invalid_amount', param: 'amount' })
    const ok = await call('post', '/v2/transfers', { ...base, amount: 7_000_000 })
    expect(ok.status).toBe(201)
    expect(ok.body.counterparty).toMatchObject({ institution: { id: 'cl_banco_de_chile', country: 'cl' }, account_type: 'checking_account' })
    const mxn = await call('post', '/v2/transfers', { ...base, currency: 'MXN', amount: 1 })
    expect(fintocError(mxn.body).code).toBe('currency_mismatch')
    await cl.close()
  })
})
