import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

// GET /v1/transactions and GET /v1/clients/{clientId}/transactions (not in the docs; a public client calls the first):
// every kind of transaction, newest first, filters, pages, bad input and tenancy.

const FINCO = '9d84b03a-28d1-4898-a69c-38824239e2b1'
const CUSTOMER = 'bb1e8fde-e68e-48e9-a483-d32153c752c2'
const CENTRAL_CLABE = '734180000001233635'
const OTHER = { id: '0d0a1c3e-5b6f-4a7e-9c1d-2e3f4a5b6c7d', api_key: 'transaction_list_other_key', client_secret: 'transaction_list_other_secret_0123' }
const OTHER_CLABE = '734180999999999998'
const base = `/monato/v1/clients/${MONATO.clientId}`
const otherBase = `/monato/v1/clients/${OTHER.id}`

let sb: TestSandbox
let token: string
let otherToken: string
let check: Awaited<ReturnType<typeof specValidator>>
/** what each step created, in order: [label, transaction id] */
let made: Array<[string, string]>

beforeAll(async () => {
  check = await specValidator('specs/monato-fincore.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '60000' } })
  token = await monatoToken(sb)
  await sb.http.post('/__admin/scenarios').send({ monato: { clients: [{ ...OTHER, accounts: [{ clabe: OTHER_CLABE, balance: '10.00' }] }] } })
  otherToken = (await sb.http.post(`${otherBase}/auth/credential-tokens`).set('x-api-key', OTHER.api_key).send({ client_id: OTHER.id, client_secret: OTHER.client_secret })).body.token
  made = []
})
afterEach(() => sb.close())

function call(method: 'get' | 'post', url: string, body?: object, as = token) {
  const req = sb.http[method](url).set('Authorization', `Bearer ${as}`)
  return body ? req.send(body) : req
}
const step = () => sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
const mx = (amount: string, destination: string, path = 'money_out') =>
  call('post', `/monato/v1/transactions/${path}`, { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { amount, currency: 'MXN', description: 'pago' } })
async function clabeInstrument(clabe: string) {
  return (await call('post', `${base}/instruments`, { source_bank_id: FINCO, client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: FINCO, clabe_number: clabe, holder_name: 'Juan Perez' } })).body.id as string
}

/** one of each: money in, SPEI money out, internal transfer (both legs), penny validation, refund; a second apart */
async function world() {
  const moneyIn = await sb.http.post('/__admin/monato/money_in').send({ clabe: CENTRAL_CLABE, amount: '123.00', tracking_key: '50118609TBRNZ00I07219647', numeric_reference: '2504021' })
  expect(moneyIn.status).toBe(201)
  made.push(['money in', moneyIn.body.id])
  await step()
  const out = await mx('250.00', await clabeInstrument('012180015530983477'))
  made.push(['money out', out.body.id])
  await step()
  const target = (await call('post', `${base}/private_accounts`, { bank_id: FINCO, owner_id: CUSTOMER, client_bank_adapter_id: FINCO, client_id: MONATO.clientId, account_id: FINCO })).body
  const internal = await mx('5.00', target.instrumentId, 'internal_transaction')
  made.push(['internal debit', internal.body.id])
  const credit = Object.values((sb.store.data.monato as { transactions: Record<string, { id: string; subCategory: string }> }).transactions).find((t) => t.subCategory === 'INT_CREDIT')!
  made.push(['internal credit', credit.id])
  await step()
  const penny = await call('post', '/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: await clabeInstrument('002180000000004050') })
  expect(penny.status).toBe(200)
  made.push(['penny', penny.body.id])
  await step()
  const refund = await call('post', `${base}/transactions/${moneyIn.body.id}/refund`, { amount: '123.00' })
  expect(refund.status).toBe(200)
  made.push(['refund', refund.body.id])
}
const ids = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((t) => t.id)
const idsOf = (...labels: string[]) => made.filter(([l]) => labels.includes(l)).map(([, id]) => id).reverse()

describe('listing', () => {
  it('every kind of transaction, newest first, in the shape of GET transaction; both paths answer the same', async () => {
    await world()
    const res = await call('get', '/monato/v1/transactions')
    expect(res.status).toBe(200)
    expect(check('listTransactions', res.body)).toBeNull()
    // the internal credit is recorded after its debit, at the same instant: it comes first
    expect(ids(res)).toEqual(idsOf('money in', 'money out', 'internal debit', 'internal credit', 'penny', 'refund'))
    expect(res.body).toMatchObject({ currentPage: 1, perPage: 50, totalItems: 6 })
    for (const item of res.body.data) expect(item).toEqual((await call('get', `${base}/transactions/${item.id}`)).body)
    expect(res.body.data.map((t: { category: string; subCategory: string }) => `${t.category}/${t.subCategory}`)).toEqual([
      'DEBIT_TRANS/SPEI_DEBIT', // refund
      'DEBIT_TRANS/SPEI_DEBIT', // penny
      'CREDIT_TRANS/INT_CREDIT',
      'DEBIT_TRANS/INT_DEBIT',
      'DEBIT_TRANS/SPEI_DEBIT', // money out
      'CREDIT_TRANS/SPEI_CREDIT', // money in
    ])
    expect(res.body.data[1].metadata.dataCep.status).toBe('PENDING')
    expect(res.body.data[5]).toMatchObject({ amount: '123.00', trackingId: '50118609TBRNZ00I07219647', externalReference: '2504021' })
    const scoped = await call('get', `${base}/transactions`)
    expect(scoped.status).toBe(200)
    expect(check('listClientTransactions', scoped.body)).toBeNull()
    expect(scoped.body).toEqual(res.body)
  })

  it('statuses move: a settled money out is listed LIQUIDATED', async () => {
    await world()
    await sb.http.post('/__admin/clock/advance').send({ ms: 60_000 })
    const res = await call('get', '/monato/v1/transactions?status=INITIALIZED')
    expect(res.body.totalItems).toBe(0)
    expect((await call('get', '/monato/v1/transactions?status=LIQUIDATED')).body.totalItems).toBe(6)
  })

  it('filters by status, category and sub_category, alone or together', async () => {
    await world()
    const q = async (query: string) => {
      const res = await call('get', `/monato/v1/transactions?${query}`)
      expect(res.status, query).toBe(200)
      expect(check('listTransactions', res.body), query).toBeNull()
      expect(res.body.totalItems, query).toBe(res.body.data.length)
      return ids(res)
    }
    expect(await q('status=INITIALIZED')).toEqual(idsOf('money out', 'penny', 'refund'))
    expect(await q('status=LIQUIDATED')).toEqual(idsOf('money in', 'internal debit', 'internal credit'))
    expect(await q('status=REJECTED')).toEqual([])
    expect(await q('category=CREDIT_TRANS')).toEqual(idsOf('money in', 'internal credit'))
    expect(await q('sub_category=INT_DEBIT')).toEqual(idsOf('internal debit'))
    expect(await q('category=DEBIT_TRANS&sub_category=SPEI_DEBIT')).toEqual(idsOf('money out', 'penny', 'refund'))
    expect(await q('category=DEBIT_TRANS&status=LIQUIDATED')).toEqual(idsOf('internal debit'))
    expect(await q('category=CREDIT_TRANS&sub_category=SPEI_DEBIT')).toEqual([])
  })

  it('filters by from/to: dates are whole days in Mexico City, date-times with Z, an offset, or Mexico City time', async () => {
    // the clock starts at 2026-01-15T12:00:00Z (06:00 in Mexico City); one step per second
    await world()
    const q = async (query: string) => {
      const res = await call('get', `${base}/transactions?${query}`)
      expect(res.status, query).toBe(200)
      return ids(res)
    }
    const all = idsOf('money in', 'money out', 'internal debit', 'internal credit', 'penny', 'refund')
    expect(await q('from=2026-01-15&to=2026-01-15')).toEqual(all)
    expect(await q('to=2026-01-14')).toEqual([])
    expect(await q('from=2026-01-16')).toEqual([])
    // inclusive at both ends, to the millisecond
    expect(await q('from=2026-01-15T12:00:01Z')).toEqual(idsOf('money out', 'internal debit', 'internal credit', 'penny', 'refund'))
    expect(await q('to=2026-01-15T12:00:01Z')).toEqual(idsOf('money in', 'money out'))
    expect(await q('from=2026-01-15T12:00:01.001Z')).toEqual(idsOf('internal debit', 'internal credit', 'penny', 'refund'))
    expect(await q('from=2026-01-15T06:00:02-06:00&to=2026-01-15T06:00:03-06:00')).toEqual(idsOf('internal debit', 'internal credit', 'penny'))
    expect(await q('from=2026-01-15T06:00:04')).toEqual(idsOf('refund'))
    expect(await q(`from=${encodeURIComponent('2026-01-15T13:00:04+01:00')}`)).toEqual(idsOf('refund'))
    expect(await q('to=2026-01-15T05:59')).toEqual([])
  })

  it('pages with page and page_size (per_page as an alias), in the instruments-list envelope', async () => {
    await world()
    const all = idsOf('money in', 'money out', 'internal debit', 'internal credit', 'penny', 'refund')
    const p = async (query: string) => {
      const res = await call('get', `/monato/v1/transactions?${query}`)
      expect(res.status, query).toBe(200)
      expect(check('listTransactions', res.body), query).toBeNull()
      return res.body
    }
    expect(await p('page_size=4')).toMatchObject({ currentPage: 1, perPage: 4, totalItems: 6 })
    expect((await p('page_size=4')).data.map((t: { id: string }) => t.id)).toEqual(all.slice(0, 4))
    expect((await p('page=2&page_size=4')).data.map((t: { id: string }) => t.id)).toEqual(all.slice(4))
    expect(await p('page=3&page_size=4')).toEqual({ data: [], currentPage: 3, perPage: 4, totalItems: 6 })
    expect((await p('per_page=2&page=3')).data.map((t: { id: string }) => t.id)).toEqual(all.slice(4, 6))
    expect((await p('page_size=5&per_page=1')).perPage).toBe(5)
    // filters count before paging
    expect(await p('category=CREDIT_TRANS&page_size=1')).toMatchObject({ totalItems: 2, perPage: 1 })
  })

  it('an empty history is an empty page', async () => {
    const res = await call('get', '/monato/v1/transactions')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: [], currentPage: 1, perPage: 50, totalItems: 0 })
  })
})

describe('bad input: 400 DATA_ERROR naming the field, never a 500', () => {
  const cases: Array<[string, string]> = [
    ['status=PENDING', 'status'],
    ['status=', 'status'],
    ['category=INTER_TRANS', 'category'],
    ['sub_category=spei_debit', 'sub_category'],
    ['from=yesterday', 'from'],
    ['from=2026-13-01', 'from'],
    ['from=2026-02-30', 'from'],
    ['from=2026-01-15T24:00:00Z', 'from'],
    ['from=2026-01-15T12:00:00%2B25:00', 'from'],
    ['to=15-01-2026', 'to'],
    ['to=2026-01-15%2012:00:00', 'to'],
    ['to=2026-01-15T12:60', 'to'],
    ['from=2026-01-16&to=2026-01-15', 'from'],
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['page=1.5', 'page'],
    ['page_size=0', 'page_size'],
    ['page_size=-3', 'page_size'],
    ['per_page=x', 'per_page'],
    ['status=LIQUIDATED&status=REJECTED', 'status'],
  ]
  it.each(cases)('%s', async (query, field) => {
    for (const url of ['/monato/v1/transactions', `${base}/transactions`]) {
      const res = await call('get', `${url}?${query}`)
      expect(res.status, url).toBe(400)
      const err = monatoError(res.body)
      expect(err).toMatchObject({ code: 3, reason: 'DATA_ERROR', http_code: '400', module: 'transactions', method_name: 'list_transactions' })
      expect(err.message.startsWith(field), err.message).toBe(true)
    }
  })
})

describe('tenancy', () => {
  it("another client sees only its own transactions, and gets 403 on the first client's path", async () => {
    await world()
    // a transfer from the first client lands in the second one's account: the credit is the second client's
    const toOther = await mx('2.00', await clabeInstrument(OTHER_CLABE))
    expect(toOther.body.subCategory).toBe('INT_DEBIT')
    const theirs = await call('get', '/monato/v1/transactions', undefined, otherToken)
    expect(theirs.status).toBe(200)
    expect(theirs.body.totalItems).toBe(1)
    expect(theirs.body.data[0]).toMatchObject({ clientId: OTHER.id, category: 'CREDIT_TRANS', subCategory: 'INT_CREDIT', amount: '2.00' })
    expect((await call('get', `${otherBase}/transactions`, undefined, otherToken)).body).toEqual(theirs.body)
    const mine = await call('get', '/monato/v1/transactions')
    expect(mine.body.totalItems).toBe(7)
    expect(mine.body.data.every((t: { clientId: string }) => t.clientId === MONATO.clientId)).toBe(true)
    expect(ids(mine)).not.toContain(theirs.body.data[0].id)

    const foreign = await call('get', `${base}/transactions`, undefined, otherToken)
    expect(foreign.status).toBe(403)
    expect(monatoError(foreign.body).reason).toBe('PERMISSION_DENIED')
    expect(JSON.stringify(foreign.body)).not.toContain(made[0]![1])
  })

  it('no token, or a forged one, is 401 on both paths', async () => {
    for (const url of ['/monato/v1/transactions', `${base}/transactions`]) {
      expect((await sb.http.get(url)).status).toBe(401)
      const forged = await sb.http.get(url).set('Authorization', 'Bearer x.y.z')
      expect(forged.status).toBe(401)
      expect(monatoError(forged.body).reason).toBe('UNAUTHENTICATED')
    }
  })
})
