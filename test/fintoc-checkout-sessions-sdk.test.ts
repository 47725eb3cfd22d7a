import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'

// The current payment flow with the official `fintoc` Node SDK, unmodified except for its base URL:
// create a checkout session, pay it through the admin stand-in, read checkout_session.finished.

const require = createRequire(import.meta.url)
type Obj = Record<string, unknown> & { id: string }
type Manager = { create(args: object): Promise<Obj>; get(id: string): Promise<Obj>; list(args?: object): Promise<AsyncIterable<Obj>>; expire(id: string): Promise<Obj> }
type Sdk = { checkoutSessions: Manager; v2: { checkoutSessions: Manager; customers: Manager } }

const KEY = 'sk_test_checkout_sdk'
const URLS = { success_url: 'https://merchant.example/success', cancel_url: 'https://merchant.example/cancel' }
let sb: TestSandbox
let server: Server
let base: string
let r: Receiver
let fintoc: Sdk
let errors: Record<string, new (...a: never[]) => Error>
let WebhookSignature: { verifyHeader(body: string, header: string, secret: string): unknown }

beforeAll(async () => {
  sb = await makeSandbox()
  server = createServer(sb.app)
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  require('fintoc/build/main/lib/constants').API_BASE_URL = `${base}/fintoc`
  const sdk = require('fintoc')
  fintoc = new sdk.Fintoc(KEY)
  WebhookSignature = sdk.WebhookSignature
  errors = require('fintoc/build/main/lib/errors')
  r = await startReceiver()
})
afterAll(async () => {
  await r.close()
  server.close()
  await sb.close()
})

const admin = (path: string, body: object) => fetch(`${base}/__admin${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
async function all<T>(items: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = []
  for await (const item of await items) out.push(item)
  return out
}

describe('checkout sessions with the official SDK', () => {
  it('v1: create → get → expire', async () => {
    const cs = await fintoc.checkoutSessions.create({ amount: 350000, currency: 'clp', ...URLS, metadata: { order: 'order-abc' } })
    // (the SDK turns date-like strings, even '1', into Dates: hence a plainly non-date value)
    expect(cs).toMatchObject({ object: 'checkout_session', status: 'created', currency: 'CLP', metadata: { order: 'order-abc' } })
    expect((await fintoc.checkoutSessions.get(cs.id)).status).toBe('created')
    expect((await fintoc.checkoutSessions.expire(cs.id)).status).toBe('expired')
    expect((await fintoc.checkoutSessions.get(cs.id)).status).toBe('expired')
  })

  it('v2: create with customer_data → list over several pages → get; customers answered from state', async () => {
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await fintoc.v2.checkoutSessions.create({ amount: 1000 + i, currency: 'MXN', ...URLS, customer_data: { email: `c${i}@example.com` } })).id)
    const listed = await all(fintoc.v2.checkoutSessions.list({ limit: 2 }))
    expect(listed.map((x) => x.id).slice(0, 5)).toEqual([...made].reverse())
    const one = await fintoc.v2.checkoutSessions.get(made[0]!)
    expect(one).toMatchObject({ amount: 1000, customer: { object: 'customer', email: 'c0@example.com' } })
    const customers = await all(fintoc.v2.customers.list({ limit: 2 }))
    expect(customers.map((c) => c.email).slice(0, 5)).toEqual(['c4@example.com', 'c3@example.com', 'c2@example.com', 'c1@example.com', 'c0@example.com'])
    const direct = await fintoc.v2.customers.create({ email: 'direct@example.com' })
    expect((await fintoc.v2.customers.get(direct.id)).email).toBe('direct@example.com')
    const byId = await fintoc.v2.checkoutSessions.create({ amount: 1000, currency: 'CLP', ...URLS, customer: direct.id })
    expect(byId.customer).toMatchObject({ id: direct.id })
  })

  it('pay through the admin stand-in → checkout_session.finished with a succeeded payment intent, verified with WebhookSignature', async () => {
    const endpoint = await (await fetch(`${base}/fintoc/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: KEY },
      body: JSON.stringify({ url: r.url, enabled_events: ['checkout_session.finished'] }),
    })).json() as { secret: string }
    const cs = await fintoc.v2.checkoutSessions.create({ amount: 2476, currency: 'CLP', ...URLS, customer_data: { email: 'payer@example.com' } })
    expect((await admin(`/fintoc/checkout_sessions/${cs.id}/pay`, { username: '41614850-3', password: 'jonsnow', account: '422159212' })).status).toBe(200)
    await admin('/clock/advance', { ms: 5000 })
    for (let i = 0; i < 200 && r.received.length === 0; i++) await new Promise((res) => setTimeout(res, 10))
    expect(r.received).toHaveLength(1)
    const delivery = r.received[0]!
    expect(() => WebhookSignature.verifyHeader(delivery.body, String(delivery.headers['fintoc-signature']), endpoint.secret)).not.toThrow()
    expect(() => WebhookSignature.verifyHeader(delivery.body, String(delivery.headers['fintoc-signature']), 'whsec_wrong')).toThrow()
    const event = JSON.parse(delivery.body)
    expect(event).toMatchObject({ type: 'checkout_session.finished', data: { id: cs.id, status: 'finished', payment_resource: { payment_intent: { status: 'succeeded' } } } })
    expect((await fintoc.v2.checkoutSessions.get(cs.id)).status).toBe('finished')
  })

  it('raises typed SDK errors for bad input', async () => {
    const missing = fintoc.v2.checkoutSessions.create({ amount: 1000, currency: 'CLP', cancel_url: URLS.cancel_url })
    await expect(missing).rejects.toBeInstanceOf(errors.InvalidRequestError)
    await expect(missing).rejects.toThrow(/missing_parameter/)
    const both = fintoc.v2.checkoutSessions.create({ amount: 1000, currency: 'CLP', ...URLS, customer: 'cus_x', customer_data: { email: 'a@b.co' } })
    await expect(both).rejects.toBeInstanceOf(errors.InvalidRequestError)
    await expect(fintoc.checkoutSessions.create({ amount: 1000, currency: 'USD', ...URLS })).rejects.toThrow(/invalid_currency/)
    await expect(fintoc.checkoutSessions.get('cs_unknown')).rejects.toBeInstanceOf(errors.InvalidRequestError)
    const cs = await fintoc.v2.checkoutSessions.create({ amount: 1000, currency: 'CLP', ...URLS })
    await fintoc.v2.checkoutSessions.expire(cs.id)
    await expect(fintoc.v2.checkoutSessions.expire(cs.id)).rejects.toThrow(/invalid_checkout_session_status/)
  })
})
