import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'

const KEY = 'sk_test_idem'
let sb: TestSandbox
let account: { id: string; root_account_number_id: string }

beforeEach(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } })
  account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
})
afterEach(() => sb.close())

const fund = async (amount: number) => {
  await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount, currency: 'MXN' })
  await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
}
const transfer = (idemKey: string, amount = 100, key = KEY) =>
  sb.http
    .post('/fintoc/v2/transfers')
    .set('Authorization', key)
    .set('Idempotency-Key', idemKey)
    .send({ amount, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
const balance = async () => (await sb.http.get(`/fintoc/v2/accounts/${account.id}`).set('Authorization', KEY)).body.available_balance
const transferCount = async () => (await sb.http.get('/fintoc/v2/transfers?direction=outbound').set('Authorization', KEY)).body.length

describe('Fintoc Idempotency-Key', () => {
  it('a retry replays the first response (Idempotent-Replayed) and moves the money once', async () => {
    await fund(1000)
    const first = await transfer('key-1')
    expect(first.status).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    const again = await transfer('key-1')
    expect(again.status).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toEqual(first.body)
    expect(await transferCount()).toBe(1)
    expect(await balance()).toBe(900)
  })

  it('errors are stored and replayed too', async () => {
    const first = await transfer('key-err', 5000)
    expect(first.status).toBe(409)
    await fund(10_000)
    const again = await transfer('key-err', 5000)
    expect(again.status).toBe(409)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(fintocError(again.body).code).toBe('insufficient_balance')
    expect((await transfer('key-fresh', 5000)).status).toBe(201)
  })

  it('the same key with another body or path → 409', async () => {
    await fund(1000)
    expect((await transfer('key-2', 100)).status).toBe(201)
    const other = await transfer('key-2', 101)
    expect(other.status).toBe(409)
    expect(fintocError(other.body)).toMatchObject({ type: 'invalid_request_error', code: 'idempotency_key_reused' })
    const otherPath = await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).set('Idempotency-Key', 'key-2').send({ account_number_id: account.root_account_number_id, amount: 1, currency: 'MXN' })
    expect(otherPath.status).toBe(409)
  })

  it('twenty concurrent requests with one key create exactly one transfer', async () => {
    await fund(100_000)
    const results = await Promise.all(Array.from({ length: 20 }, () => transfer('key-concurrent', 700)))
    const created = results.filter((r) => r.status === 201)
    const ids = new Set(created.map((r) => r.body.id))
    expect(ids.size).toBe(1)
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409)
      expect(fintocError(r.body).code).toBe('idempotency_request_in_progress')
    }
    expect(await transferCount()).toBe(1)
    expect(await balance()).toBe(100_000 - 700)
  })

  it('keys are scoped to the API key and expire after 24 hours of sandbox time', async () => {
    await fund(1000)
    expect((await transfer('key-ttl')).status).toBe(201)
    const otherOrg = await transfer('key-ttl', 100, 'sk_test_idem_other')
    expect(fintocError(otherOrg.body).code).toBe('missing_resource')
    await sb.http.post('/__admin/clock/advance').send({ ms: 24 * 3600 * 1000 + 1 })
    const after = await transfer('key-ttl')
    expect(after.status).toBe(201)
    expect(after.headers['idempotent-replayed']).toBeUndefined()
    expect(await transferCount()).toBe(2)
  })

  it('auth failures are not stored', async () => {
    await fund(1000)
    const bad = await sb.http.post('/fintoc/v2/transfers').set('Authorization', 'sk_live_nope').set('Idempotency-Key', 'key-auth').send({})
    expect(bad.status).toBe(401)
    const good = await transfer('key-auth')
    expect(good.status).toBe(201)
  })

  it('a key over 255 characters → 400, not stored', async () => {
    const res = await transfer('k'.repeat(256))
    expect(res.status).toBe(400)
    expect(fintocError(res.body).param).toBe('Idempotency-Key')
  })
})
