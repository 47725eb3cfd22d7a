import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FintocState } from '../src/providers/fintoc/state.js'
import { fintocStateSchema } from '../src/providers/fintoc/state-schema.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #17 gaps: v2 checkout sessions of the subscription and setup flows (validation per flow; paying one
// saves the customer's payment method and creates the subscription with the session's own move and event),
// scenario customer ids refused when named twice, and the refunds list's `created` status alias.

const require = createRequire(import.meta.url)
type Obj = Record<string, unknown> & { id: string }
type Manager = { create(args: object): Promise<Obj>; get(id: string): Promise<Obj>; list(args?: object): Promise<AsyncIterable<Obj>>; cancel(id: string): Promise<Obj> }
type Sdk = { v2: { checkoutSessions: Manager; customers: Manager; paymentMethods: Manager; subscriptions: Manager } }

const KEY = 'sk_test_checkout_flows'
const OTHER = 'sk_test_checkout_flows_other'
const URLS = { success_url: 'https://merchant.example/success', cancel_url: 'https://merchant.example/cancel' }
const CHILE = { username: '41614850-3', password: 'jonsnow', account: '422159212' }
const ITEMS = [
  { quantity: 2, price_data: { unit_amount: 15000, product_data: { name: 'Plan Pro' }, recurring: { interval: 'month' } } },
  { quantity: 1, price_data: { unit_amount: 5000 } },
]
let sb: TestSandbox
let server: Server
let base: string
let r: Receiver
let fintoc: Sdk
let other: Sdk
let errors: Record<string, new (...a: never[]) => Error>
let WebhookSignature: { verifyHeader(body: string, header: string, secret: string): unknown }
let secret: string

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
  server = createServer(sb.app)
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  require('fintoc/build/main/lib/constants').API_BASE_URL = `${base}/fintoc`
  const sdk = require('fintoc')
  fintoc = new sdk.Fintoc(KEY)
  other = new sdk.Fintoc(OTHER)
  WebhookSignature = sdk.WebhookSignature
  errors = require('fintoc/build/main/lib/errors')
  r = await startReceiver()
  const endpoint = await post('/v1/webhook_endpoints', { url: r.url, enabled_events: ['checkout_session.finished'] })
  expect(endpoint.status).toBe(201)
  secret = endpoint.body.secret
})
afterAll(async () => {
  await r.close()
  server.close()
  await sb.close()
})

const post = (url: string, body?: object, key = KEY) => sb.http.post(`/fintoc${url}`).set('Authorization', key).send(body)
const get = (url: string, key = KEY) => sb.http.get(`/fintoc${url}`).set('Authorization', key)
const admin = (path: string, body: object) => sb.http.post(`/__admin${path}`).send(body)
const fintocState = () => sb.store.data.fintoc as FintocState
/** what a refused create must leave as it was */
const snapshot = () => {
  const s = fintocState()
  return JSON.stringify([s.checkoutSessions, s.customers, s.paymentMethods, s.subscriptions, s.events])
}
async function all<T>(items: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = []
  for await (const item of await items) out.push(item)
  return out
}
async function deliveryFor(id: string) {
  for (let i = 0; i < 300; i++) {
    const d = r.received.find((x) => JSON.parse(x.body).data?.id === id)
    if (d) return d
    await admin('/clock/advance', { ms: 0 })
    await new Promise((res) => setTimeout(res, 10))
  }
  throw new Error(`no delivery for ${id}`)
}

describe('flow: subscription', () => {
  it('paid through the admin stand-in: setup intent, saved pac method and subscription, in the finished event; readable with the SDK, not by another key', async () => {
    const cs = await fintoc.v2.checkoutSessions.create({ flow: 'subscription', amount: 35000, currency: 'CLP', line_items: ITEMS, customer_data: { email: 'subscriber@example.com' }, ...URLS, metadata: { plan: 'pro' } })
    expect(cs).toMatchObject({ flow: 'subscription', amount: 35000, status: 'created', line_items: ITEMS, setup_intent: null, subscription: null, payment_method: null, payment_resource: null })
    const customer = (cs.customer as Obj).id

    const paid = await admin(`/fintoc/checkout_sessions/${cs.id}/pay`, { institution_id: 'cl_banco_estado', ...CHILE })
    expect(paid.status).toBe(200)
    expect(paid.body).toMatchObject({ status: 'finished', payment_resource: null, setup_intent: { object: 'setup_intent', status: 'succeeded', error_reason: null } })
    expect(paid.body.setup_intent.id).toMatch(/^seti_[0-9A-Za-z]+$/)
    const { subscription, payment_method: pm } = paid.body as { subscription: string; payment_method: string }
    expect(subscription).toMatch(/^sub_/)
    expect(pm).toMatch(/^pm_/)

    // the event was written with the move: it already carries what the step made
    const delivery = await deliveryFor(cs.id)
    expect(() => WebhookSignature.verifyHeader(delivery.body, String(delivery.headers['fintoc-signature']), secret)).not.toThrow()
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'checkout_session.finished', data: { status: 'finished', subscription, payment_method: pm, setup_intent: { status: 'succeeded' } } })

    const methods = await all(fintoc.v2.paymentMethods.list({ customer }))
    expect(methods).toHaveLength(1)
    expect(methods[0]).toMatchObject({ id: pm, object: 'payment_method', customer, type: 'pac', pac: { account_holder_id: '416148503', account_number: '422159212', institution: { id: 'cl_banco_estado', name: 'BancoEstado' }, status: 'active' } })
    expect((await fintoc.v2.paymentMethods.get(pm)).customer).toBe(customer)
    const subs = await all(fintoc.v2.subscriptions.list({ customer }))
    expect(subs.map((x) => x.id)).toEqual([subscription])
    const sub = await fintoc.v2.subscriptions.get(subscription)
    expect(sub).toMatchObject({ customer, status: 'active', collection_method: 'charge_automatically', metadata: { plan: 'pro' } })
    expect((sub.items as { quantity: number }[]).map((i) => i.quantity)).toEqual([2, 1])

    // another organization sees none of it
    await expect(other.v2.paymentMethods.get(pm)).rejects.toBeInstanceOf(errors.InvalidRequestError)
    expect((await get(`/v2/payment_methods/${pm}`, OTHER)).status).toBe(404)
    expect((await get(`/v2/subscriptions/${subscription}`, OTHER)).body.error).toMatchObject({ code: 'missing_resource', param: 'id' })
    expect((await post(`/v2/subscriptions/${subscription}/cancel`, undefined, OTHER)).status).toBe(404)
    expect(await all(other.v2.paymentMethods.list())).toEqual([])
    expect(await all(other.v2.subscriptions.list())).toEqual([])

    // a saved state keeps what the flow recorded
    const saved = fintocStateSchema.parse(JSON.parse(JSON.stringify(fintocState()))) as FintocState
    expect(saved.checkoutSessions[cs.id]).toMatchObject({ flow: 'subscription', subscriptionId: subscription, paymentMethodId: pm, lineItems: ITEMS, setupIntent: { status: 'succeeded' } })

    expect((await fintoc.v2.subscriptions.cancel(subscription)).status).toBe('canceled')
    // a finished session cannot be paid again, and nothing more is made
    const before = snapshot()
    expect((await admin(`/fintoc/checkout_sessions/${cs.id}/pay`, CHILE)).status).toBe(409)
    expect(snapshot()).toBe(before)
  })

  it('refused test values change nothing; a failing account finishes the session with a failed setup intent and saves nothing', async () => {
    const cs = (await post('/v2/checkout_sessions', { flow: 'subscription', amount: 35000, currency: 'CLP', line_items: ITEMS, customer_data: { email: 'fails@example.com' }, ...URLS })).body
    const before = snapshot()
    expect((await admin(`/fintoc/checkout_sessions/${cs.id}/pay`, { ...CHILE, password: 'wrong' })).status).toBe(422)
    expect(snapshot()).toBe(before)
    const paid = (await admin(`/fintoc/checkout_sessions/${cs.id}/pay`, { ...CHILE, account: '422159213' })).body
    expect(paid).toMatchObject({ status: 'finished', setup_intent: { status: 'failed', error_reason: 'setup_failed' }, subscription: null, payment_method: null })
    expect(await all(fintoc.v2.paymentMethods.list({ customer: cs.customer.id }))).toEqual([])
  })
})

describe('flow: subscription in MXN', () => {
  it('saves a bank_transfer method with the SPEI account (pac is Chilean)', async () => {
    const cs = (await post('/v2/checkout_sessions', { flow: 'subscription', amount: 35000, currency: 'MXN', line_items: ITEMS, customer_data: { email: 'mx@example.com' }, ...URLS })).body
    const paid = (await admin(`/fintoc/checkout_sessions/${cs.id}/pay`, { institution_id: 'mx_banco_banorte', account: '5555555555' })).body
    expect(paid).toMatchObject({ status: 'finished', setup_intent: { status: 'succeeded' } })
    expect((await get(`/v2/payment_methods/${paid.payment_method}`)).body).toMatchObject({ type: 'bank_transfer', bank_transfer: { account_number: '5555555555', institution: { id: 'mx_banco_banorte', country: 'mx' } } })
    expect((await get(`/v2/subscriptions/${paid.subscription}`)).body).toMatchObject({ customer: cs.customer.id, status: 'active' })
  })
})

describe('flow: setup', () => {
  it('the hosted page authorizes without an amount, lands on success_url, and saves the method for the referenced customer only', async () => {
    const customer = await fintoc.v2.customers.create({ email: 'setup@example.com' })
    const cs = await fintoc.v2.checkoutSessions.create({ flow: 'setup', currency: 'CLP', customer: customer.id, ...URLS })
    expect(cs).toMatchObject({ flow: 'setup', amount: null, line_items: null, setup_intent: null })

    const page = await sb.http.get(new URL(String(cs.redirect_url)).pathname)
    expect(page.status).toBe(200)
    expect(page.text).toContain('Authorize automatic debit')
    expect(page.text).not.toContain('id="amount"')
    const pay = await sb.http.post(`${new URL(String(cs.redirect_url)).pathname}/pay`).type('form').send({ institution_id: 'cl_banco_de_chile', ...CHILE })
    expect(pay.status).toBe(303)
    const back = await sb.http.get(pay.headers.location!)
    expect(back.status).toBe(303)
    expect(back.headers.location).toBe(URLS.success_url)
    expect((await sb.http.get(new URL(String(cs.redirect_url)).pathname)).text).toContain('status is succeeded')

    const done = await fintoc.v2.checkoutSessions.get(cs.id)
    expect(done).toMatchObject({ status: 'finished', subscription: null, setup_intent: { status: 'succeeded' } })
    const methods = await all(fintoc.v2.paymentMethods.list({ customer: customer.id }))
    expect(methods.map((m) => m.id)).toEqual([done.payment_method])
    expect(methods[0]).toMatchObject({ type: 'pac', pac: { institution: { id: 'cl_banco_de_chile' } } })
    expect(await all(fintoc.v2.subscriptions.list({ customer: customer.id }))).toEqual([])
    expect((await get(`/v2/checkout_sessions/${cs.id}`, OTHER)).status).toBe(404)
  })

  it('a forced transition runs the same step: rejected gives a failed setup intent', async () => {
    const cs = (await post('/v2/checkout_sessions', { flow: 'setup', currency: 'clp', customer_data: { tax_id: { type: 'cl_rut', value: '11.111.111-1' } }, ...URLS })).body
    const forced = await admin(`/fintoc/checkout_sessions/${cs.id}/transition`, { to: 'finished', payment_status: 'rejected' })
    expect(forced.status).toBe(200)
    expect(forced.body).toMatchObject({ status: 'finished', setup_intent: { status: 'failed', error_reason: 'mfa_rejected' }, payment_method: null })
    expect((await admin(`/fintoc/checkout_sessions/${cs.id}/transition`, { to: 'finished' })).status).toBe(409)
  })
})

describe('flow: payment with line_items', () => {
  it('takes the amount from the items and echoes them', async () => {
    const cs = (await post('/v2/checkout_sessions', { currency: 'MXN', line_items: ITEMS, ...URLS })).body
    expect(cs).toMatchObject({ flow: 'payment', amount: 35000, line_items: ITEMS })
    expect((await get(`/v2/checkout_sessions/${cs.id}`)).body.line_items).toEqual(ITEMS)
  })
})

describe('bad input for each flow rule', () => {
  const cases: [string, object, number, string, string][] = [
    ['subscription without amount', { flow: 'subscription', currency: 'CLP', line_items: ITEMS, customer_data: { email: 'a@example.com' } }, 400, 'missing_parameter', 'amount'],
    ['subscription amount not the items total', { flow: 'subscription', amount: 35001, currency: 'CLP', line_items: ITEMS, customer_data: { email: 'a@example.com' } }, 400, 'invalid_amount', 'amount'],
    ['subscription without line_items', { flow: 'subscription', amount: 35000, currency: 'CLP', customer_data: { email: 'a@example.com' } }, 400, 'missing_parameter', 'line_items'],
    ['subscription without a customer', { flow: 'subscription', amount: 35000, currency: 'CLP', line_items: ITEMS }, 400, 'missing_parameter', 'customer'],
    ['setup with an amount', { flow: 'setup', amount: 1000, currency: 'CLP', customer_data: { email: 'a@example.com' } }, 400, 'invalid_amount', 'amount'],
    ['setup in MXN', { flow: 'setup', currency: 'MXN', customer_data: { email: 'a@example.com' } }, 400, 'invalid_currency', 'currency'],
    ['setup without a customer', { flow: 'setup', currency: 'CLP' }, 400, 'missing_parameter', 'customer'],
    ['setup with line_items', { flow: 'setup', currency: 'CLP', line_items: ITEMS, customer_data: { email: 'a@example.com' } }, 400, 'invalid_params', 'line_items'],
    ['payment with amount and line_items', { amount: 35000, currency: 'CLP', line_items: ITEMS }, 400, 'invalid_amount', 'amount'],
    ['payment with neither amount nor line_items', { currency: 'CLP' }, 400, 'missing_parameter', 'amount'],
    ['an unknown flow', { flow: 'installments', amount: 1000, currency: 'CLP' }, 400, 'invalid_enum', 'flow'],
    ['a line item of quantity 0', { currency: 'CLP', line_items: [{ quantity: 0, price_data: { unit_amount: 100 } }] }, 400, 'invalid_params', 'line_items.0.quantity'],
    ['a line item without price_data', { currency: 'CLP', line_items: [{ quantity: 1, price: 'price_123' }] }, 400, 'missing_parameter', 'line_items.0.price_data'],
    ['line items over the amount limit', { currency: 'CLP', line_items: [{ quantity: 2, price_data: { unit_amount: 3_500_000 } }] }, 400, 'invalid_amount', 'line_items'],
    ['a subscription for an unknown customer', { flow: 'subscription', amount: 35000, currency: 'CLP', line_items: ITEMS, customer: 'cus_nope' }, 404, 'missing_resource', 'customer'],
  ]
  it.each(cases)('%s: Fintoc envelope naming the field, nothing written', async (_name, body, status, code, param) => {
    const before = snapshot()
    const res = await post('/v2/checkout_sessions', { ...URLS, ...body })
    expect(res.status).toBe(status)
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code, param })
    expect(res.body.error.message).toEqual(expect.stringContaining(param.split('.')[0]!))
    expect(snapshot()).toBe(before)
  })

  it('the SDK raises its typed error', async () => {
    const bad = fintoc.v2.checkoutSessions.create({ flow: 'setup', currency: 'MXN', customer_data: { email: 'a@example.com' }, ...URLS })
    await expect(bad).rejects.toBeInstanceOf(errors.InvalidRequestError)
    await expect(bad).rejects.toThrow(/invalid_currency/)
  })
})

describe('scenario customer ids', () => {
  it('are seeded with their own id, and one named twice is refused by JSON path with nothing loaded', async () => {
    const ok = await admin('/scenarios', { fintoc: { organizations: [{ api_key: 'sk_test_flows_seeded', customers: [{ id: 'cus_flowsSeeded1', email: 'seed@example.com' }] }] } })
    expect(ok.status).toBe(201)
    expect((await get('/v2/customers/cus_flowsSeeded1', 'sk_test_flows_seeded')).body).toMatchObject({ id: 'cus_flowsSeeded1', email: 'seed@example.com' })
    const before = (await sb.http.get('/__admin/state')).body
    const twice = await admin('/scenarios', {
      fintoc: { organizations: [{ api_key: 'sk_test_flows_a', customers: [{ id: 'cus_flowsTwice1', email: 'a@example.com' }] }, { api_key: 'sk_test_flows_b', customers: [{ id: 'cus_flowsTwice1', email: 'b@example.com' }] }] },
    })
    expect(twice.status).toBe(400)
    expect(twice.body.error.issues).toEqual(['$.fintoc.organizations[0].customers[0].id and $.fintoc.organizations[1].customers[0].id are the same customer id (cus_flowsTwice1)'])
    const again = await admin('/scenarios', { fintoc: { organizations: [{ api_key: 'sk_test_flows_c', customers: [{ id: 'cus_flowsSeeded1', email: 'c@example.com' }] }] } })
    expect(again.status).toBe(400)
    expect(again.body.error.issues).toEqual([expect.stringMatching(/customers\[0\]\.id is the same customer id \(cus_flowsSeeded1\) as .*already loaded/)])
    expect((await sb.http.get('/__admin/state')).body).toEqual(before)
  })
})

describe('refunds list status filter', () => {
  it('`created` lists the pending refunds, as `pending` does', async () => {
    const key = 'sk_test_flows_refunds'
    expect((await admin('/scenarios', { fintoc: { organizations: [{ api_key: key, payment_intents: [{ id: 'pi_flowsRefund1', amount: 5000 }] }] } })).status).toBe(201)
    const refund = await post('/v1/refunds', { resource_type: 'payment_intent', resource_id: 'pi_flowsRefund1', amount: 1000 }, key)
    expect(refund.body.status).toBe('pending')
    const ids = async (status: string) => (await get(`/v1/refunds?status=${status}`, key)).body.map((x: Obj) => x.id)
    expect(await ids('created')).toEqual([refund.body.id])
    expect(await ids('pending')).toEqual([refund.body.id])
    expect(await ids('succeeded')).toEqual([])
    const bad = await get('/v1/refunds?status=finished', key)
    expect(bad.status).toBe(400)
    expect(bad.body.error.param).toBe('status')
  })
})
