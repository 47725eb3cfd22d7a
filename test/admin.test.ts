import { afterEach, describe, expect, it } from 'vitest'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox | undefined
afterEach(() => sb?.close())

const KEY = 'sk_test_admin'

describe('control API', () => {
  it('reset goes back to the loaded scenarios', async () => {
    const box = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    sb = box
    const before = (await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: before.root_account_number_id, amount: 100, currency: 'MXN' })
    expect((await box.http.post('/__admin/reset')).body).toEqual({ reset: true })
    const after = (await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    expect(after.id).not.toBe(before.id)
    expect((await box.http.get('/fintoc/v2/transfers').set('Authorization', KEY)).body).toEqual([])
    // the scenario's Monato client is back, with its balance
    const token = await monatoToken(box)
    expect((await box.http.get(`/monato/v1/clients/${MONATO.clientId}/accounts`).set('Authorization', `Bearer ${token}`)).body.data[0].availableBalance).toBe('1000000.00')
    // nothing scheduled before the reset survives it
    expect((await box.http.post('/__admin/clock/advance').send({ ms: 5000 })).body.ran).toBe(0)
  })

  it('state shows everything or one provider', async () => {
    sb = await makeSandbox()
    const all = (await sb.http.get('/__admin/state')).body
    expect(Object.keys(all).sort()).toEqual(['core', 'fintoc', 'monato'])
    const monato = (await sb.http.get('/__admin/state?provider=monato')).body
    expect(Object.keys(monato.clients)).toEqual([MONATO.clientId])
    expect((await sb.http.get('/__admin/state?provider=stripe')).status).toBe(404)
  })

  it('snapshot export and restore round-trip the whole state; a bad snapshot is refused', async () => {
    const box = await makeSandbox()
    sb = box
    await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)
    const snap = (await box.http.get('/__admin/snapshot')).body
    expect(snap.version).toBe(1)
    await box.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_after_snapshot')
    const orgs = () => Object.keys((box.store.data.fintoc as { orgs: object }).orgs).length
    expect(orgs()).toBe(2)
    expect((await box.http.post('/__admin/snapshot').send(snap)).body).toEqual({ restored: true })
    expect(orgs()).toBe(1)
    const bad = await box.http.post('/__admin/snapshot').send({ version: 1, state: { fintoc: {} } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues[0]).toMatch(/state/)
    expect(orgs()).toBe(1)
  })

  it('clock: set moves time (running what falls due) and switches mode at run time', async () => {
    const box = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '60000' } })
    sb = box
    const account = (await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
    const t = (await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 100, currency: 'MXN' })).body
    const now = (await box.http.get('/__admin/clock')).body
    expect(now.mode).toBe('manual')
    const later = new Date(Date.parse(now.now) + 61_000).toISOString()
    const set = await box.http.post('/__admin/clock/set').send({ time: later })
    expect(set.body.now).toBe(later)
    expect((await box.http.get(`/fintoc/v2/transfers/${t.id}`).set('Authorization', KEY)).body.status).toBe('succeeded')
    const real = await box.http.post('/__admin/clock/set').send({ mode: 'real' })
    expect(real.body.mode).toBe('real')
    expect((await box.http.post('/__admin/clock/set').send({ mode: 'slow' })).status).toBe(400)
    expect((await box.http.post('/__admin/clock/set').send({ time: 'yesterday' })).status).toBe(400)
  })

  it('ADMIN_TOKEN, when set, is required on every control call, provider routes included', async () => {
    sb = await makeSandbox({ env: { ADMIN_TOKEN: 'let-me-in' } })
    expect((await sb.http.get('/__admin/clock')).status).toBe(401)
    expect((await sb.http.get('/__admin/clock').set('Authorization', 'Bearer wrong')).status).toBe(401)
    expect((await sb.http.get('/__admin/clock').set('Authorization', 'Bearer let-me-in')).status).toBe(200)
    expect((await sb.http.post('/__admin/fintoc/jws-keys').send({})).status).toBe(401)
    // the provider APIs themselves are not affected
    expect((await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).status).toBe(200)
  })
})

describe('request journal', () => {
  it('records provider requests newest first, with secrets masked, filterable, bounded and clearable', async () => {
    const box = await makeSandbox({ env: { JOURNAL_SIZE: '3' } })
    sb = box
    await box.http.get('/health')
    await box.http.get('/fintoc/v2/accounts?limit=5').set('Authorization', 'sk_test_journal_secret_key_123456')
    const token = await monatoToken(box)
    await box.http.get('/monato/v1/banks').set('Authorization', `Bearer ${token}`)
    const all = (await box.http.get('/__admin/requests')).body.data
    expect(all.map((e: { path: string }) => e.path)).toEqual(['/monato/v1/banks', '/monato/v1/clients/c2d1d1e3-3340-4170-980e-e9269bbbc551/auth/credential-tokens', '/fintoc/v2/accounts'])
    const [banks, tokenCall, accounts] = all
    expect(accounts).toMatchObject({ provider: 'fintoc', method: 'GET', status: 200, query: { limit: '5' } })
    expect(accounts.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(accounts.headers.authorization).toBe('sk_test_****3456')
    expect(tokenCall.body).toMatchObject({ client_id: MONATO.clientId, client_secret: expect.stringMatching(/^\*\*\*\*/) })
    expect(tokenCall.headers['x-api-key']).toMatch(/^\*\*\*\*/)
    expect(banks.headers.authorization).toMatch(/^Bearer \*\*\*\*/)
    expect(JSON.stringify(all)).not.toContain(MONATO.clientSecret)
    expect(JSON.stringify(all)).not.toContain(token)
    // bounded: a fourth request pushes the oldest out
    await box.http.get('/fintoc/v2/entities').set('Authorization', 'sk_test_journal_secret_key_123456')
    const bounded = (await box.http.get('/__admin/requests')).body.data
    expect(bounded).toHaveLength(3)
    expect(bounded.map((e: { path: string }) => e.path)).not.toContain('/fintoc/v2/accounts')
    expect((await box.http.get('/__admin/requests?provider=fintoc')).body.data.map((e: { path: string }) => e.path)).toEqual(['/fintoc/v2/entities'])
    expect((await box.http.get('/__admin/requests?path=banks')).body.data).toHaveLength(1)
    expect((await box.http.delete('/__admin/requests')).body).toEqual({ cleared: true })
    expect((await box.http.get('/__admin/requests')).body.data).toEqual([])
  })
})

describe('loading scenarios at run time', () => {
  it('adds one more, replaces them all, and rejects a bad one listing every problem', async () => {
    const box = await makeSandbox()
    sb = box
    const added = await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: 'sk_test_loaded_later', holder_name: 'Later SA' }] } })
    expect(added.status).toBe(201)
    expect((await box.http.get('/fintoc/v2/entities').set('Authorization', 'sk_test_loaded_later')).body[0].holder_name).toBe('Later SA')
    // still there after a reset: it is one of the loaded scenarios now
    await box.http.post('/__admin/reset')
    expect((await box.http.get('/fintoc/v2/entities').set('Authorization', 'sk_test_loaded_later')).body[0].holder_name).toBe('Later SA')
    const bad = await box.http.post('/__admin/scenarios').send({ monato: { clients: [{ id: 'nope' }] }, extra: 1 })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues.join('\n')).toMatch(/\$\.monato\.clients\[0\]\.id[\s\S]*\$\.monato\.clients\[0\]\.api_key/)
    const replaced = await box.http.post('/__admin/scenarios?replace=true').send({ fintoc: { organizations: [{ api_key: 'sk_test_only_one' }] } })
    expect(replaced.body).toEqual({ loaded: true, replaced: true, already_loaded: false })
    // the default scenario is gone with the replace: its Monato client no longer exists
    const creds = await box.http.get(`/monato/v1/clients/${MONATO.clientId}/credentials`).set('x-api-key', MONATO.apiKey)
    expect(creds.status).toBe(401)
  })
})
