import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

// Every transfer path on the manual clock: no sleeps, time moves only through /__admin/clock/advance.

let sb: TestSandbox
let check: Awaited<ReturnType<typeof specValidator>>
const KEY = 'sk_test_money'
const SETTLE = 1000

beforeAll(async () => {
  check = await specValidator('specs/fintoc.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox({ env: { FINTOC_SETTLE_DELAY_MS: String(SETTLE), FINTOC_JWS: 'off' } })
})
afterEach(() => sb.close())

const api = {
  get: (url: string) => sb.http.get(`/fintoc${url}`).set('Authorization', KEY),
  post: (url: string, body: object) => sb.http.post(`/fintoc${url}`).set('Authorization', KEY).send(body),
}
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })

async function rootAccount() {
  return (await api.get('/v2/accounts')).body[0] as { id: string; root_account_number_id: string; available_balance: number }
}
const balance = async () => (await rootAccount()).available_balance

async function fund(amount: number) {
  const account = await rootAccount()
  const res = await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount, currency: 'mxn' })
  expect(res.status).toBe(201)
  await advance(SETTLE)
  return res.body
}

const outbound = (accountId: string, amount: number, accountNumber = '735969000000203297') =>
  api.post('/v2/transfers', { amount, currency: 'MXN', account_id: accountId, comment: 'Pago de credito 10451', reference_id: '150195', counterparty: { account_number: accountNumber } })

async function movementsSum(accountId: string) {
  const ms = (await api.get(`/v2/accounts/${accountId}/movements?limit=300`)).body as Array<{ amount: number; direction: string; balance: number }>
  return ms.reduce((sum, m) => sum + (m.direction === 'inbound' ? m.amount : -m.amount), 0)
}

describe('simulate receive transfer', () => {
  it('creates a pending inbound transfer that settles after the delay and credits the account', async () => {
    const account = await rootAccount()
    const res = await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 59013, currency: 'mxn' })
    expect(res.status).toBe(201)
    expect(check('simulateReceiveTransfer', res.body)).toBeNull()
    // as recorded from the real API: the post date is there while pending, with a numeric reference and no receipt yet
    expect(res.body).toMatchObject({ object: 'transfer', direction: 'inbound', status: 'pending', amount: 59013, currency: 'MXN', post_date: '2026-01-15T00:00:00Z', reference_id: '1', receipt_url: null })
    expect(res.body.id).toMatch(/^tr_[0-9A-Za-z]{27}$/)
    expect(res.body.tracking_key).toMatch(/^\d{8}90735\d{17}$/)
    expect(await balance()).toBe(0)
    await advance(SETTLE - 1)
    expect((await api.get(`/v2/transfers/${res.body.id}`)).body.status).toBe('pending')
    await advance(1)
    const settled = (await api.get(`/v2/transfers/${res.body.id}`)).body
    expect(settled.status).toBe('succeeded')
    expect(settled.post_date).toBe(res.body.post_date)
    expect(settled.receipt_url).toMatch(/^https:\/\//)
    expect(check('getTransfer', settled)).toBeNull()
    expect(await balance()).toBe(59013)
    const movements = (await api.get(`/v2/accounts/${account.id}/movements`)).body
    expect(movements).toHaveLength(1)
    expect(check('listMovements', movements)).toBeNull()
    expect(movements[0]).toMatchObject({ object: 'movement', amount: 59013, balance: 59013, direction: 'inbound', resource_id: res.body.id })
  })

  it('as the real API answers: numeric reference_ids per organization, a given one kept, the post date kept through returns and lists', async () => {
    const account = await rootAccount()
    // the auto-created root account and its number carry no description
    expect(account).toMatchObject({ description: null })
    expect(check('listAccounts', [account])).toBeNull()
    expect((await api.get(`/v2/account_numbers/${account.root_account_number_id}`)).body.description).toBeNull()
    const first = (await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 100, currency: 'MXN' })).body
    const given = (await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 100, currency: 'MXN', reference_id: '7654321' })).body
    const third = (await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 100, currency: 'MXN' })).body
    expect([first.reference_id, given.reference_id, third.reference_id]).toEqual(['1', '7654321', '3'])
    // another organization counts from 1
    const otherAccount = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_money_other')).body[0]
    const other = await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', 'sk_test_money_other').send({ account_number_id: otherAccount.root_account_number_id, amount: 100, currency: 'MXN' })
    expect(other.body.reference_id).toBe('1')
    // the post date is the day received, even when it settles on a later day
    await advance(36 * 3600 * 1000)
    const listed = (await api.get('/v2/transfers')).body as Array<{ id: string; post_date: string; reference_id: string; status: string }>
    expect(listed.find((t) => t.id === first.id)).toMatchObject({ status: 'succeeded', post_date: first.post_date, reference_id: '1' })
    expect(check('listTransfers', listed)).toBeNull()
    const returned = (await api.post('/v2/transfers/return', { transfer_id: third.id })).body
    expect(returned).toMatchObject({ status: 'return_pending', post_date: third.post_date, reference_id: '3' })
    expect(check('returnTransfer', returned)).toBeNull()
  })

  it('rejects an unknown account number, another currency and a closed path', async () => {
    const account = await rootAccount()
    const unknown = await api.post('/v2/simulate/receive_transfer', { account_number_id: 'acno_3MPwT779GQl24fbn8h92Cm2iXJX', amount: 1, currency: 'MXN' })
    expect(unknown.status).toBe(404)
    expect(fintocError(unknown.body)).toMatchObject({ code: 'missing_resource', param: 'account_number_id' })
    const clp = await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 1, currency: 'CLP' })
    expect(clp.status).toBe(400)
    expect(fintocError(clp.body).code).toBe('currency_mismatch')
  })
})

describe('outbound transfers', () => {
  it('hold the amount at once, then succeed; the event is readable', async () => {
    await fund(100_000)
    const account = await rootAccount()
    const res = await outbound(account.id, 59013)
    expect(res.status).toBe(201)
    expect(check('createTransfer', res.body)).toBeNull()
    expect(res.body).toMatchObject({ status: 'pending', direction: 'outbound', counterparty: { account_number: '735969000000203297', institution: { id: '90735', name: 'FINTOC', country: 'mx' } } })
    expect(res.body.metadata).toEqual({})
    const tagged = await api.post('/v2/transfers', { amount: 1, currency: 'MXN', account_id: account.id, metadata: { invoice: 'F-1', n: 2 }, counterparty: { account_number: '735969000000203297' } })
    expect(tagged.body.metadata).toEqual({ invoice: 'F-1', n: 2 })
    expect((await api.get(`/v2/transfers/${tagged.body.id}`)).body.metadata).toEqual({ invoice: 'F-1', n: 2 })
    expect((await api.get(`/v2/transfers/${res.body.id}`)).body.metadata).toEqual({})
    expect(await balance()).toBe(100_000 - 59013 - 1)
    await advance(SETTLE)
    const t = (await api.get(`/v2/transfers/${res.body.id}`)).body
    expect(t.status).toBe('succeeded')
    expect(t.receipt_url).toMatch(/^https:\/\//)
    expect(await balance()).toBe(100_000 - 59013 - 1)
    expect(await movementsSum(account.id)).toBe(await balance())
    const events = sb.store.data.fintoc as { events: Record<string, { type: string; id: string }> }
    const evt = Object.values(events.events).find((e) => e.type === 'transfer.outbound.succeeded')!
    const got = await api.get(`/v2/events/${evt.id}`)
    expect(got.status).toBe(200)
    expect(check('getEvent', got.body)).toBeNull()
    expect(got.body).toMatchObject({ object: 'event', type: 'transfer.outbound.succeeded', data: { id: res.body.id, status: 'succeeded' } })
  })

  it.each([
    ['failed', 6600, '735969000000203297'],
    ['rejected', 7700, '735969000000203297'],
    ['rejected', 500, '012969100000000013'],
  ])('end %s (amount %i to %s) and give the money back', async (status, amount, clabe) => {
    await fund(10_000)
    const account = await rootAccount()
    const res = await outbound(account.id, amount, clabe)
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(await balance()).toBe(10_000 - amount)
    await advance(SETTLE)
    const t = (await api.get(`/v2/transfers/${res.body.id}`)).body
    expect(t.status).toBe(status)
    expect(t.return_reason).toBeTruthy()
    expect(await balance()).toBe(10_000)
    expect(await movementsSum(account.id)).toBe(10_000)
    const types = Object.values((sb.store.data.fintoc as { events: Record<string, { type: string }> }).events).map((e) => e.type)
    expect(types).toContain(`transfer.outbound.${status}`)
  })

  it('amount 8800 succeeds, then is returned by the receiver later', async () => {
    await fund(10_000)
    const account = await rootAccount()
    const res = await outbound(account.id, 8800)
    await advance(SETTLE)
    expect((await api.get(`/v2/transfers/${res.body.id}`)).body.status).toBe('succeeded')
    expect(await balance()).toBe(1200)
    await advance(SETTLE)
    expect((await api.get(`/v2/transfers/${res.body.id}`)).body.status).toBe('returned')
    expect(await balance()).toBe(10_000)
  })

  it('not enough available balance → 409 insufficient_balance and nothing changes', async () => {
    await fund(1000)
    const account = await rootAccount()
    const before = (await api.get('/v2/transfers')).body.length
    const res = await outbound(account.id, 1001)
    expect(res.status).toBe(409)
    expect(fintocError(res.body)).toMatchObject({ type: 'invalid_request_error', code: 'insufficient_balance' })
    expect(await balance()).toBe(1000)
    expect((await api.get('/v2/transfers')).body.length).toBe(before)
  })

  it('a held amount cannot be spent twice', async () => {
    await fund(1000)
    const account = await rootAccount()
    expect((await outbound(account.id, 700)).status).toBe(201)
    expect((await outbound(account.id, 700)).status).toBe(409)
  })

  it('an invalid CLABE → 400 invalid_account_number; another org\'s account → 404', async () => {
    await fund(1000)
    const account = await rootAccount()
    const bad = await outbound(account.id, 10, '123456789012345678')
    expect(bad.status).toBe(400)
    expect(fintocError(bad.body)).toMatchObject({ code: 'invalid_account_number', param: 'counterparty.account_number' })
    const other = await sb.http.post('/fintoc/v2/transfers').set('Authorization', 'sk_test_other_org').send({ amount: 1, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
    expect(other.status).toBe(404)
  })
})

describe('returning an inbound transfer', () => {
  it('return_pending, then returned: the amount leaves the account', async () => {
    const inbound = await fund(5000)
    const res = await api.post('/v2/transfers/return', { transfer_id: inbound.id })
    expect(res.status).toBe(200)
    expect(check('returnTransfer', res.body)).toBeNull()
    expect(res.body.status).toBe('return_pending')
    expect(await balance()).toBe(0)
    await advance(SETTLE)
    expect((await api.get(`/v2/transfers/${inbound.id}`)).body.status).toBe('returned')
    expect(await balance()).toBe(0)
    const again = await api.post('/v2/transfers/return', { transfer_id: inbound.id })
    expect(again.status).toBe(409)
    expect(fintocError(again.body).code).toBe('invalid_transfer_status')
  })

  it('amount 9900: the return fails and the transfer is succeeded again with its money', async () => {
    const inbound = await fund(9900)
    await api.post('/v2/transfers/return', { transfer_id: inbound.id })
    await advance(SETTLE)
    expect((await api.get(`/v2/transfers/${inbound.id}`)).body.status).toBe('succeeded')
    expect(await balance()).toBe(9900)
    const types = Object.values((sb.store.data.fintoc as { events: Record<string, { type: string }> }).events).map((e) => e.type)
    expect(types).toContain('transfer.inbound.return_failed')
  })

  it('a pending inbound transfer cannot be returned (409); an outbound one neither', async () => {
    const account = await rootAccount()
    const pending = (await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 100, currency: 'MXN' })).body
    const res = await api.post('/v2/transfers/return', { transfer_id: pending.id })
    expect(res.status).toBe(409)
    expect(fintocError(res.body).code).toBe('invalid_transfer_status')
    await advance(SETTLE)
    const out = await outbound(account.id, 50)
    const res2 = await api.post('/v2/transfers/return', { transfer_id: out.body.id })
    expect(fintocError(res2.body).code).toBe('invalid_transfer_direction')
  })
})

describe('lists', () => {
  it('transfers page with limit/starting_after and an absolute Link carrying the filters', async () => {
    const account = await rootAccount()
    for (let i = 0; i < 5; i++) await api.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 100 + i, currency: 'MXN' })
    const first = await api.get('/v2/transfers?limit=2&direction=inbound')
    expect(first.body).toHaveLength(2)
    expect(first.body[0].amount).toBe(104)
    const link = /^<([^>]+)>; rel="next"$/.exec(String(first.headers.link))![1]!
    const url = new URL(link)
    expect(url.protocol).toBe('http:')
    expect(url.pathname).toBe('/fintoc/v2/transfers')
    expect(url.searchParams.get('direction')).toBe('inbound')
    expect(url.searchParams.get('limit')).toBe('2')
    const seen = [...first.body]
    let next: string | undefined = link
    while (next) {
      const page: { body: typeof seen; headers: Record<string, string> } = await sb.http.get(new URL(next).pathname + new URL(next).search).set('Authorization', KEY)
      seen.push(...page.body)
      next = /^<([^>]+)>; rel="next"$/.exec(page.headers.link ?? '')?.[1]
    }
    expect(seen.map((t) => t.amount)).toEqual([104, 103, 102, 101, 100])
    const filtered = await api.get('/v2/transfers?status=succeeded')
    expect(filtered.body).toEqual([])
  })
})
