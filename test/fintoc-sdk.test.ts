import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeKeyPair } from './helpers/jws.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// The "Send your first transfer" guide, run with the official `fintoc` Node SDK, unmodified except
// for its base URL, against a real server on 127.0.0.1.

const require = createRequire(import.meta.url)
type Sdk = {
  v2: {
    accounts: { list(args?: object): Promise<AsyncIterable<Record<string, unknown>>>; get(id: string): Promise<Record<string, unknown>> }
    simulate: { receiveTransfer(args: object): Promise<Record<string, unknown>> }
    transfers: {
      create(args: object): Promise<Record<string, unknown>>
      get(id: string): Promise<Record<string, unknown>>
      list(args?: object): Promise<AsyncIterable<Record<string, unknown>>>
      return(args: object): Promise<Record<string, unknown>>
    }
  }
}

let sb: TestSandbox
let server: Server
let base: string
let fintoc: Sdk
let errors: Record<string, new (...a: never[]) => Error>
let Fintoc: new (key: string, jwsPrivateKey?: string) => Sdk
const KEY = 'sk_test_official_sdk'

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_SETTLE_DELAY_MS: '1000' } })
  server = createServer(sb.app)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // the documented way to point the Node SDK elsewhere: its constants module, before construction
  require('fintoc/build/main/lib/constants').API_BASE_URL = `${base}/fintoc`
  Fintoc = require('fintoc').Fintoc
  errors = require('fintoc/build/main/lib/errors')
  const keys = makeKeyPair()
  const reg = await fetch(`${base}/__admin/fintoc/jws-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: KEY, public_key: keys.publicPem }),
  })
  expect(reg.status).toBe(201)
  fintoc = new Fintoc(KEY, keys.privatePem)
})
afterAll(async () => {
  server.close()
  await sb.close()
})

const advance = (ms: number) => fetch(`${base}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) })
async function all<T>(items: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = []
  for await (const item of await items) out.push(item)
  return out
}

describe('official fintoc SDK', () => {
  it('runs the whole "Send your first transfer" guide', async () => {
    // step 3: list accounts
    const accounts = await all(fintoc.v2.accounts.list())
    expect(accounts).toHaveLength(1)
    const account = accounts[0]!
    expect(account.root_account_number).toMatch(/^735969\d{12}$/)

    // step 4: fund the account
    const inbound = await fintoc.v2.simulate.receiveTransfer({ account_number_id: account.root_account_number_id, amount: 59013, currency: 'mxn' })
    expect(inbound).toMatchObject({ object: 'transfer', direction: 'inbound', status: 'pending', amount: 59013 })
    await advance(1000)
    expect((await fintoc.v2.accounts.get(String(account.id))).available_balance).toBe(59013)

    // step 5: a signed outbound transfer (the SDK signs it and adds an Idempotency-Key)
    const transfer = await fintoc.v2.transfers.create({
      amount: 59013,
      currency: 'mxn',
      account_id: account.id,
      comment: 'Pago de credito 10451',
      reference_id: '150195',
      counterparty: { account_number: '735969000000203297' },
    })
    expect(transfer).toMatchObject({ object: 'transfer', direction: 'outbound', status: 'pending', amount: 59013 })
    expect((await fintoc.v2.accounts.get(String(account.id))).available_balance).toBe(0)
    await advance(1000)
    expect((await fintoc.v2.transfers.get(String(transfer.id))).status).toBe('succeeded')
    expect((await fintoc.v2.accounts.get(String(account.id))).available_balance).toBe(0)
  })

  it('lists transfers with automatic pagination across several pages', async () => {
    const account = (await all(fintoc.v2.accounts.list()))[0]!
    for (let i = 0; i < 7; i++) await fintoc.v2.simulate.receiveTransfer({ account_number_id: account.root_account_number_id, amount: 1000 + i, currency: 'MXN' })
    const requestsBefore = countRequests()
    const transfers = await all(fintoc.v2.transfers.list({ limit: 2, direction: 'inbound' }))
    expect(transfers.length).toBe(8)
    expect(transfers.every((t) => t.direction === 'inbound')).toBe(true)
    expect(new Set(transfers.map((t) => t.id)).size).toBe(8)
    expect(countRequests() - requestsBefore).toBe(4)
  })

  it('returns an inbound transfer', async () => {
    await advance(1000)
    const inbound = (await all(fintoc.v2.transfers.list({ direction: 'inbound', status: 'succeeded' })))[0]!
    const returned = await fintoc.v2.transfers.return({ transfer_id: inbound.id })
    expect(returned).toMatchObject({ id: inbound.id, status: 'return_pending' })
    await advance(1000)
    expect((await fintoc.v2.transfers.get(String(inbound.id))).status).toBe('returned')
  })

  it('raises typed SDK errors for 401, 400 and 409', async () => {
    // (list() iterates lazily, outside the SDK's error mapping, so a plain call shows the typed error)
    const live = new Fintoc('sk_live_not_here')
    await expect(live.v2.transfers.get('tr_3MPwT779GQl24fbn8h92Cm2iXJX')).rejects.toBeInstanceOf(errors.AuthenticationError)
    const account = (await all(fintoc.v2.accounts.list()))[0]!
    const missing = fintoc.v2.transfers.create({ currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
    await expect(missing).rejects.toBeInstanceOf(errors.InvalidRequestError)
    await expect(missing).rejects.toThrow(/missing_parameter/)
    const tooMuch = fintoc.v2.transfers.create({ amount: 10_000_000, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
    await expect(tooMuch).rejects.toBeInstanceOf(errors.InvalidRequestError)
    await expect(tooMuch).rejects.toThrow(/insufficient_balance/)
  })
})

function countRequests() {
  return sb.logs().split('\n').filter((l) => l.includes('"msg":"request"') && l.includes('/v2/transfers')).length
}
