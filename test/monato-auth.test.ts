import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

const START = Date.parse('2026-01-15T12:00:00Z')
let sb: TestSandbox
beforeAll(async () => {
  sb = await makeSandbox({ clock: createClock('manual', START) })
})
afterAll(() => sb.close())

const credentialsUrl = `/monato/v1/clients/${MONATO.clientId}/credentials`
const tokenUrl = `/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`

describe('x-api-key endpoints', () => {
  it('credentials: the client secret for a valid api key, snake_case', async () => {
    const res = await sb.http.get(credentialsUrl).set('x-api-key', MONATO.apiKey)
    expect(res.status).toBe(200)
    expect(res.headers['x-mock-source']).toBe('state')
    expect(res.body.data).toEqual([
      expect.objectContaining({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret, status: 'ACTIVE', deleted_at: null }),
    ])
    expect(res.body.data[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}-06:00$/)
  })

  it.each([
    ['missing', undefined, 401, 16],
    ['unknown', 'not-a-real-key', 401, 16],
  ])('%s api key → %i', async (_label, key, status, grpc) => {
    const req = sb.http.get(credentialsUrl)
    const res = key ? await req.set('x-api-key', key) : await req
    expect(res.status).toBe(status)
    expect(monatoError(res.body)).toMatchObject({ code: grpc, reason: 'UNAUTHENTICATED', module: 'auth' })
  })

  it("another client's id in the path → 403", async () => {
    const res = await sb.http.get('/monato/v1/clients/11111111-2222-4333-8444-555555555555/credentials').set('x-api-key', MONATO.apiKey)
    expect(res.status).toBe(403)
    expect(monatoError(res.body).reason).toBe('PERMISSION_DENIED')
  })

  it('a bearer token alone does not open the credential endpoints', async () => {
    const token = await monatoToken(sb)
    const res = await sb.http.get(credentialsUrl).set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
  })
})

describe('tokens', () => {
  it('client_id + client_secret → HS256 JWT with client_id and exp 24 h ahead', async () => {
    const res = await sb.http.post(tokenUrl).set('x-api-key', MONATO.apiKey).send({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ client_id: MONATO.clientId, status: 'ACTIVE', deleted_at: null })
    expect(res.body.client_credential_id).toBe('e981c6d8-4d49-45f2-a7ee-f956dca15500')
    expect(decodeProtectedHeader(res.body.token)).toEqual({ alg: 'HS256', typ: 'JWT' })
    const claims = decodeJwt(res.body.token)
    expect(claims.client_id).toBe(MONATO.clientId)
    expect(claims.exp).toBe(Math.floor((sb.clock.now() + 24 * 3600 * 1000) / 1000))
    expect(res.body.expires_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/)
  })

  it('a wrong secret → 401, a client_id other than the path → 403, a missing field → 400', async () => {
    const wrong = await sb.http.post(tokenUrl).set('x-api-key', MONATO.apiKey).send({ client_id: MONATO.clientId, client_secret: 'nope' })
    expect(wrong.status).toBe(401)
    expect(monatoError(wrong.body).reason).toBe('UNAUTHENTICATED')
    const other = await sb.http.post(tokenUrl).set('x-api-key', MONATO.apiKey).send({ client_id: '11111111-2222-4333-8444-555555555555', client_secret: MONATO.clientSecret })
    expect(other.status).toBe(403)
    const missing = await sb.http.post(tokenUrl).set('x-api-key', MONATO.apiKey).send({ client_id: MONATO.clientId })
    expect(missing.status).toBe(400)
    expect(monatoError(missing.body)).toMatchObject({ reason: 'DATA_ERROR', message: 'client_secret is required' })
  })
})

describe('bearer endpoints', () => {
  it('a valid token opens them', async () => {
    const token = await monatoToken(sb)
    const banks = await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)
    expect(banks.status).toBe(200)
    expect(banks.body).toMatchObject({ page: 1, page_size: 50 })
    expect(banks.body.total_banks).toBeGreaterThan(50)
    expect(banks.body.banks).toHaveLength(50)
    expect(banks.body.banks).toContainEqual({ id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', name: 'BANAMEX', code: '40002', clabePrefix: '002' })
    const page2 = await sb.http.get('/monato/v1/banks?page=2&page_size=50').set('Authorization', `Bearer ${token}`)
    expect(page2.body.banks).toHaveLength(50)
    const page3 = await sb.http.get('/monato/v1/banks?page=3&page_size=50').set('Authorization', `Bearer ${token}`)
    expect(page3.body.banks.length).toBe(banks.body.total_banks - 100)
    expect(new Set([...banks.body.banks, ...page2.body.banks, ...page3.body.banks].map((b: { id: string }) => b.id)).size).toBe(banks.body.total_banks)
    const accounts = await sb.http.get(`/monato/v1/clients/${MONATO.clientId}/accounts`).set('Authorization', `Bearer ${token}`)
    expect(accounts.status).toBe(200)
    expect(accounts.body).toMatchObject({ currentPage: 1, perPage: 50, totalItem: 1 })
    expect(accounts.body.data[0]).toMatchObject({
      accountType: 'CENTRALIZING_ACCOUNT',
      clabeNumber: '734180000001233635',
      accountNumber: '000001233635',
      availableBalance: '1000000.00',
      instrumentId: MONATO.sourceInstrumentId,
    })
  })

  it.each([
    ['no Authorization header', undefined],
    ['a non-Bearer scheme', 'Basic abc'],
    ['garbage', 'Bearer not.a.jwt'],
  ])('%s → 401', async (_label, auth) => {
    const req = sb.http.get('/monato/v1/banks')
    const res = auth ? await req.set('Authorization', auth) : await req
    expect(res.status).toBe(401)
    expect(monatoError(res.body)).toMatchObject({ code: 16, reason: 'UNAUTHENTICATED' })
  })

  it('a forged token (right claims, wrong key) → 401', async () => {
    const forged = await new SignJWT({ client_id: MONATO.clientId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(Math.floor(sb.clock.now() / 1000) + 3600)
      .sign(new TextEncoder().encode('attacker-secret-attacker-secret!'))
    const res = await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${forged}`)
    expect(res.status).toBe(401)
  })

  it('a token for an unknown client → 401', async () => {
    const forged = await new SignJWT({ client_id: '99999999-2222-4333-8444-555555555555' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(MONATO.clientSecret))
    expect((await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${forged}`)).status).toBe(401)
  })

  it('a token already used stops working once its credential is no longer active', async () => {
    const token = await monatoToken(sb)
    expect((await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)).status).toBe(200)
    const setStatus = (status: string) =>
      sb.store.update((state) => {
        const client = (state.monato as { clients: Record<string, { credentials: Array<{ status: string }> }> }).clients[MONATO.clientId]!
        for (const c of client.credentials) c.status = status
      })
    await setStatus('INACTIVE')
    try {
      const res = await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)
      expect(res.status).toBe(401)
      expect(monatoError(res.body)).toMatchObject({ code: 16 })
    } finally {
      await setStatus('ACTIVE')
    }
  })

  it('a token expires 24 h later on the sandbox clock', async () => {
    const token = await monatoToken(sb)
    sb.clock.advance(24 * 3600 * 1000 - 1000)
    expect((await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)).status).toBe(200)
    sb.clock.advance(2000)
    const res = await sb.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(401)
    expect(monatoError(res.body).message).toMatch(/expired/i)
  })

  it("a path clientId other than the token's → 403", async () => {
    const token = await monatoToken(sb)
    const res = await sb.http.get('/monato/v1/clients/11111111-2222-4333-8444-555555555555/instruments').set('Authorization', `Bearer ${token}`)
    expect(res.status).toBe(403)
    expect(monatoError(res.body)).toMatchObject({ code: 7, reason: 'PERMISSION_DENIED' })
  })

  it('the deprecated POST /v1/webhooks needs both the api key and the token', async () => {
    const token = await monatoToken(sb)
    const body = { client_id: MONATO.clientId, url: 'https://example.com/hook', token: 't0k3n', webhook_type: 'MONEY_IN' }
    expect((await sb.http.post('/monato/v1/webhooks').set('Authorization', `Bearer ${token}`).send(body)).status).toBe(401)
    expect((await sb.http.post('/monato/v1/webhooks').set('x-api-key', MONATO.apiKey).send(body)).status).toBe(401)
    const both = await sb.http.post('/monato/v1/webhooks').set('x-api-key', MONATO.apiKey).set('Authorization', `Bearer ${token}`).send(body)
    expect(both.status).toBe(200)
  })
})
