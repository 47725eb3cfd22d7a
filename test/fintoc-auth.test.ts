import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isValidClabe } from '../src/core/clabe.js'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox
beforeAll(async () => {
  sb = await makeSandbox()
})
afterAll(() => sb.close())

const get = (url: string, auth?: string) => {
  const req = sb.http.get(`/fintoc${url}`)
  return auth === undefined ? req : req.set('Authorization', auth)
}

describe('Fintoc API keys', () => {
  it.each([
    ['no Authorization header', undefined, 'invalid_api_key', /No API key/],
    ['an empty key', '', 'invalid_api_key', /No API key/],
    ['a malformed key', 'hello', 'invalid_api_key', /Invalid API key/],
    ['an sk_test_ key with bad characters', 'sk_test_ab$cd', 'invalid_api_key', /Invalid API key/],
    ['a bare prefix', 'sk_test_', 'invalid_api_key', /Invalid API key/],
    ['a public key', 'pk_test_abc', 'invalid_api_key', /Public keys/],
    ['a live key', 'sk_live_abcdef123', 'invalid_api_key_mode', /sandbox/],
    ['a live key with Bearer', 'Bearer sk_live_abcdef123', 'invalid_api_key_mode', /sandbox/],
  ])('%s → 401 authentication_error', async (_label, auth, code, message) => {
    const res = await get('/v2/accounts', auth)
    expect(res.status).toBe(401)
    const err = fintocError(res.body)
    expect(err).toMatchObject({ type: 'authentication_error', code })
    expect(err.message).toMatch(message)
  })

  it('never echoes a full key back', async () => {
    const res = await get('/v2/accounts', 'sk_test_ab$cdefghijklmnop')
    expect(JSON.stringify(res.body)).not.toContain('sk_test_ab$cdefghijklmnop')
  })

  it('accepts the raw key (Node/Python SDKs) and the Bearer form (Ruby SDK) as the same organization', async () => {
    const raw = await get('/v2/accounts', 'sk_test_bearer_and_raw')
    const bearer = await get('/v2/accounts', 'Bearer sk_test_bearer_and_raw')
    expect(raw.status).toBe(200)
    expect(bearer.status).toBe(200)
    expect(bearer.body[0].id).toBe(raw.body[0].id)
  })
})

describe('an organization per key, provisioned on first use', () => {
  it('starts with a root entity, a root MXN account and its root account number (valid Fintoc CLABE)', async () => {
    const key = 'sk_test_fresh_org'
    const [accounts, entities, numbers] = [await get('/v2/accounts', key), await get('/v2/entities', key), await get('/v2/account_numbers', key)]
    expect(accounts.status).toBe(200)
    expect(accounts.headers.link).toBe('')
    expect(accounts.body).toHaveLength(1)
    const account = accounts.body[0]
    expect(account).toMatchObject({ object: 'account', mode: 'test', is_root: true, currency: 'MXN', available_balance: 0, status: 'active' })
    expect(account.id).toMatch(/^acc_[0-9A-Za-z]{27}$/)
    expect(entities.body).toEqual([expect.objectContaining({ object: 'entity', is_root: true, holder_id: 'ND', id: account.entity.id })])
    expect(entities.body[0].id).toMatch(/^ent_[0-9A-Za-z]{27}$/)
    expect(numbers.body).toHaveLength(1)
    const number = numbers.body[0]
    expect(number).toMatchObject({ id: account.root_account_number_id, account_id: account.id, number: account.root_account_number, is_root: true, status: 'enabled' })
    expect(number.number).toMatch(/^735969[0-9]{12}$/)
    expect(isValidClabe(number.number)).toBe(true)
    expect(number.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
    const one = await get(`/v2/accounts/${account.id}`, key)
    expect(one.body).toEqual(account)
  })

  it("one key's resources are invisible to another key (404)", async () => {
    const a = (await get('/v2/accounts', 'sk_test_tenant_a')).body[0]
    const b = (await get('/v2/accounts', 'sk_test_tenant_b')).body[0]
    expect(a.id).not.toBe(b.id)
    expect(a.root_account_number).not.toBe(b.root_account_number)
    for (const [url, what] of [
      [`/v2/accounts/${a.id}`, 'account'],
      [`/v2/entities/${a.entity.id}`, 'entity'],
      [`/v2/account_numbers/${a.root_account_number_id}`, 'account_number'],
    ] as const) {
      const res = await get(url, 'sk_test_tenant_b')
      expect(res.status, url).toBe(404)
      expect(fintocError(res.body)).toMatchObject({ type: 'invalid_request_error', code: 'missing_resource' })
      expect(fintocError(res.body).message).toContain(what)
      expect((await get(url, 'sk_test_tenant_a')).status).toBe(200)
    }
    const listB = await get('/v2/accounts', 'sk_test_tenant_b')
    expect(listB.body.map((x: { id: string }) => x.id)).not.toContain(a.id)
  })

  it('concurrent first requests with one key provision exactly one organization', async () => {
    const key = 'sk_test_concurrent_first_use'
    const results = await Promise.all(Array.from({ length: 20 }, () => get('/v2/accounts', key)))
    const ids = new Set(results.map((r) => r.body[0].id))
    expect(ids.size).toBe(1)
    const state = sb.store.data.fintoc as { orgs: Record<string, unknown> }
    const before = Object.keys(state.orgs).length
    await get('/v2/accounts', key)
    expect(Object.keys(state.orgs).length).toBe(before)
  })

  it('the state stores a hash of the key and a masked hint, never the key itself', async () => {
    await get('/v2/accounts', 'sk_test_not_stored_in_clear_123')
    expect(JSON.stringify(sb.store.data)).not.toContain('sk_test_not_stored_in_clear_123')
  })
})
