import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { makeKeyPair, type SignOptions, signJws } from './helpers/jws.js'

const KEY = 'sk_test_jws'
let sb: TestSandbox
let keys: ReturnType<typeof makeKeyPair>
let accountId: string

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_SETTLE_DELAY_MS: '0' } })
  keys = makeKeyPair()
  const reg = await sb.http.post('/__admin/fintoc/jws-keys').send({ api_key: KEY, public_key: keys.publicPem })
  expect(reg.status).toBe(201)
  const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
  accountId = account.id
  await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 100_000, currency: 'MXN' })
  await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
})
afterAll(() => sb.close())

// clients sign with their own wall clock, whatever the sandbox clock says
const nowTs = () => Math.floor(Date.now() / 1000)
const transferBody = () => JSON.stringify({ amount: 100, currency: 'MXN', account_id: accountId, counterparty: { account_number: '735969000000203297' } })

function send(body: string, signature: string | undefined, key = KEY) {
  const req = sb.http.post('/fintoc/v2/transfers').set('Authorization', key).set('Content-Type', 'application/json')
  return (signature === undefined ? req : req.set('Fintoc-JWS-Signature', signature)).send(body)
}
const signed = (body: string, opts: SignOptions = {}) => signJws(keys.privatePem, body, { ts: nowTs(), ...opts })

describe('Fintoc-JWS-Signature', () => {
  it('a correctly signed transfer is accepted (signature over the raw bytes)', async () => {
    // odd spacing: the signature covers the bytes as sent, not a re-serialization
    const body = transferBody().replace(',', ',   ')
    const res = await send(body, signed(body))
    expect(res.status, JSON.stringify(res.body)).toBe(201)
  })

  it.each<[string, () => [string, string | undefined], string]>([
    ['missing header', () => [transferBody(), undefined], 'missing_jws_signature_header'],
    ['three segments (not detached)', () => [transferBody(), 'a.b.c'], 'invalid_jws_signature_header'],
    ['protected header not JSON', () => [transferBody(), `${Buffer.from('nope').toString('base64url')}.sig`], 'invalid_jws_signature_header'],
    ['wrong algorithm', () => [transferBody(), signed(transferBody(), { alg: 'HS256' })], 'invalid_jws_signature_algorithm'],
    ['crit without nonce', () => [transferBody(), signed(transferBody(), { crit: ['ts'] })], 'invalid_jws_signature_header'],
    ['ts 6 minutes old', () => [transferBody(), signed(transferBody(), { ts: nowTs() - 360 })], 'invalid_jws_signature_timestamp_value'],
    ['ts 6 minutes ahead', () => [transferBody(), signed(transferBody(), { ts: nowTs() + 360 })], 'invalid_jws_signature_timestamp_value'],
    ['body changed after signing', () => [transferBody().replace('100', '101'), signed(transferBody())], 'invalid_jws_signature'],
    ['signed with another key', () => [transferBody(), signJws(makeKeyPair().privatePem, transferBody(), { ts: nowTs() })], 'invalid_jws_signature'],
    ['crit names a parameter the server does not know', () => [transferBody(), signed(transferBody(), { crit: ['ts', 'nonce', 'b64'] })], 'invalid_jws_signature'],
  ])('%s → 401 %s', async (_label, make, code) => {
    const [body, signature] = make()
    const res = await send(body, signature)
    expect(res.status).toBe(401)
    expect(fintocError(res.body)).toMatchObject({ type: 'authentication_error', code })
  })

  it('a nonce can be used once', async () => {
    const body = transferBody()
    const signature = signed(body, { nonce: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' })
    expect((await send(body, signature)).status).toBe(201)
    const replay = await send(body, signature)
    expect(replay.status).toBe(401)
    expect(fintocError(replay.body).code).toBe('jws_nonce_already_used')
  })

  it('an organization with no key registered → 401 missing_active_jws_public_key', async () => {
    const body = transferBody()
    const res = await send(body, signed(body), 'sk_test_jws_no_key')
    expect(res.status).toBe(401)
    expect(fintocError(res.body).code).toBe('missing_active_jws_public_key')
  })

  it('is required only where the spec declares it: simulate and reads need no signature', async () => {
    const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    const sim = await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 1, currency: 'MXN' })
    expect(sim.status).toBe(201)
    const ret = await sb.http.post('/fintoc/v2/transfers/return').set('Authorization', KEY).send({ transfer_id: sim.body.id })
    expect(fintocError(ret.body).code).toBe('missing_jws_signature_header')
  })

  it('the admin API rejects a key that is not a PEM public key', async () => {
    const res = await sb.http.post('/__admin/fintoc/jws-keys').send({ api_key: KEY, public_key: 'hello' })
    expect(res.status).toBe(400)
    expect(res.body.error.issues[0]).toMatch(/public_key/)
    const bad = await sb.http.post('/__admin/fintoc/jws-keys').send({ api_key: 'sk_live_x', public_key: keys.publicPem })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues[0]).toMatch(/api_key/)
  })
})

describe('JWS key sources', () => {
  it('FINTOC_JWS_PUBLIC_KEY verifies every organization; FINTOC_JWS=off turns checks off', async () => {
    const pair = makeKeyPair()
    const global = await makeSandbox({ env: { FINTOC_JWS_PUBLIC_KEY: pair.publicPem } })
    const acc = (await global.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_any_org')).body[0]
    const body = JSON.stringify({ amount: 1, currency: 'MXN', account_id: acc.id, counterparty: { account_number: '735969000000203297' } })
    const sig = signJws(pair.privatePem, body)
    const res = await global.http.post('/fintoc/v2/transfers').set('Authorization', 'sk_test_any_org').set('Content-Type', 'application/json').set('Fintoc-JWS-Signature', sig).send(body)
    // signature accepted: the refusal is about money, not auth
    expect(fintocError(res.body).code).toBe('insufficient_balance')
    await global.close()
    const off = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    const unsigned = await off.http.post('/fintoc/v2/transfers').set('Authorization', 'sk_test_any_org').send(JSON.parse(body))
    // unsigned, yet past auth: refused for money (ids repeat across seeded sandboxes)
    expect(fintocError(unsigned.body).code).toBe('insufficient_balance')
    await off.close()
  })

  it('a bad FINTOC_JWS value stops the sandbox from being built', async () => {
    await expect(makeSandbox({ env: { FINTOC_JWS: 'maybe' } })).rejects.toThrow(/FINTOC_JWS/)
    await expect(makeSandbox({ env: { FINTOC_JWS_PUBLIC_KEY: 'not a key' } })).rejects.toThrow(/FINTOC_JWS_PUBLIC_KEY/)
  })
})
