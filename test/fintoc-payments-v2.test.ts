import { createRequire } from 'node:module'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import { createIds, seededRandom } from '../src/core/ids.js'
import { deleteAccountNumber } from '../src/providers/fintoc/account-number-delete.js'
import { checkEligibility } from '../src/providers/fintoc/eligibility.js'
import { expireOrgs } from '../src/providers/fintoc/org-expiry.js'
import { savePaymentMethod } from '../src/providers/fintoc/payment-methods.js'
import { type FintocState, initialFintocState, type OrgRecord } from '../src/providers/fintoc/state.js'
import { createSubscription } from '../src/providers/fintoc/subscriptions.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

// The v2 payment read side (payment intents, payment methods, subscriptions), the eligibility pre-check,
// account number deletion and webhook endpoint tests: over real HTTP and through the official Node SDK.

const require = createRequire(import.meta.url)
type List = Promise<AsyncIterable<Record<string, unknown>>>
type Sdk = {
  paymentIntents: { checkEligibility(args: object): Promise<Record<string, unknown>> }
  v2: {
    paymentIntents: { list(args?: object): List; get(id: string): Promise<Record<string, unknown>>; create(args: object): Promise<Record<string, unknown>> }
    paymentMethods: { list(args?: object): List; get(id: string): Promise<Record<string, unknown>> }
    subscriptions: { list(args?: object): List; get(id: string): Promise<Record<string, unknown>>; cancel(id: string): Promise<Record<string, unknown>> }
  }
}
const { WebhookSignature } = require('fintoc') as { WebhookSignature: { verifyHeader(payload: string, header: string, secret: string): void } }

const KEY = 'sk_test_payments_v2'
const OTHER = 'sk_test_payments_v2_other'
let sb: TestSandbox
let server: Server
let fintoc: Sdk
let errors: Record<string, new (...a: never[]) => Error>
let check: Awaited<ReturnType<typeof specValidator>>
const deps = { ids: createIds(() => Date.parse('2026-01-15T12:00:00Z'), seededRandom(9)), clock: createClock('manual', Date.parse('2026-01-15T12:00:00Z')) }

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } })
  check = await specValidator('specs/fintoc.yaml')
  server = createServer(sb.app)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  require('fintoc/build/main/lib/constants').API_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fintoc`
  errors = require('fintoc/build/main/lib/errors')
  fintoc = new (require('fintoc').Fintoc)(KEY)
})
afterAll(async () => {
  server.close()
  await sb.close()
})

const get = (url: string, key = KEY) => sb.http.get(`/fintoc${url}`).set('Authorization', key)
const post = (url: string, body?: object, key = KEY) => sb.http.post(`/fintoc${url}`).set('Authorization', key).send(body)
const del = (url: string, key = KEY) => sb.http.delete(`/fintoc${url}`).set('Authorization', key)
const fintocState = () => sb.store.data.fintoc as FintocState
const orgOf = async (key: string) => {
  const account = (await get('/v2/accounts', key)).body[0]
  return fintocState().accounts[account.id]!.orgId
}
async function all<T>(items: Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = []
  for await (const item of await items) out.push(item)
  return out
}
async function until(pred: () => boolean) {
  for (let i = 0; i < 100 && !pred(); i++) {
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('POST /v1/payment_intents/check_eligibility', () => {
  it('answers eligibility (no longer a 405 from the {id} route), through the SDK too', async () => {
    const ok = await post('/v1/payment_intents/check_eligibility', { amount: 1000, currency: 'clp', sender_account: { holder_id: '416148503', institution_id: 'cl_banco_de_chile' } })
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ eligible_payment: true, error: null })
    expect(check('checkPaymentIntentEligibility', ok.body)).toBeNull()
    expect(await fintoc.paymentIntents.checkEligibility({ amount: 6_000_000, currency: 'CLP', sender_account: { holder_id: '416148503' } })).toMatchObject({ eligible_payment: false, error: 'new_contact_amount_limit_reached' })
    // only the bank: 6,000,000 is within its range
    expect((await post('/v1/payment_intents/check_eligibility', { amount: 6_000_000, currency: 'CLP', sender_account: { institution_id: 'cl_banco_de_chile' } })).body.eligible_payment).toBe(true)
    expect((await post('/v1/payment_intents/check_eligibility', { amount: 7_000_001, currency: 'CLP', sender_account: { institution_id: 'cl_banco_de_chile' } })).body).toEqual({ eligible_payment: false, error: 'amount_limit_reached' })
  })

  it('refuses bad input in Fintoc envelope', async () => {
    const missing = await post('/v1/payment_intents/check_eligibility', { currency: 'CLP' })
    expect(missing.status).toBe(400)
    expect(fintocError(missing.body)).toMatchObject({ code: 'missing_parameter', param: 'amount' })
    const zero = await post('/v1/payment_intents/check_eligibility', { amount: 0, currency: 'CLP' })
    expect(fintocError(zero.body)).toMatchObject({ code: 'invalid_amount', param: 'amount' })
    const mxn = await post('/v1/payment_intents/check_eligibility', { amount: 100, currency: 'MXN' })
    expect(mxn.status).toBe(422)
    expect(fintocError(mxn.body).code).toBe('not_supported_currency')
    await expect(fintoc.paymentIntents.checkEligibility({ currency: 'CLP' })).rejects.toBeInstanceOf(errors.InvalidRequestError)
  })
})

describe('DELETE /v2/account_numbers/{id}', () => {
  it('deletes a number for good, answers it again on a second delete, and it receives nothing more', async () => {
    const account = (await get('/v2/accounts')).body[0]
    const n = (await post('/v2/account_numbers', { account_id: account.id, description: 'to delete' })).body
    const deleted = await del(`/v2/account_numbers/${n.id}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body).toMatchObject({ id: n.id, status: 'deleted', number: n.number })
    expect(check('deleteAccountNumber', deleted.body)).toBeNull()
    expect((await del(`/v2/account_numbers/${n.id}`)).body).toEqual(deleted.body)
    expect((await get(`/v2/account_numbers?status=deleted`)).body.map((x: { id: string }) => x.id)).toEqual([n.id])
    const receive = await post('/v2/simulate/receive_transfer', { account_number_id: n.id, amount: 100, currency: 'MXN' })
    expect(receive.status).toBe(403)
    const revive = await sb.http.patch(`/fintoc/v2/account_numbers/${n.id}`).set('Authorization', KEY).send({ status: 'enabled' })
    expect(revive.status).toBe(409)
  })

  it('refuses the root account number (405) and another key\'s number (404), changing nothing', async () => {
    const account = (await get('/v2/accounts')).body[0]
    const root = await del(`/v2/account_numbers/${account.root_account_number_id}`)
    expect(root.status).toBe(405)
    expect(fintocError(root.body).code).toBe('operation_not_allowed')
    expect((await get(`/v2/account_numbers/${account.root_account_number_id}`)).body.status).toBe('enabled')
    const n = (await post('/v2/account_numbers', { account_id: account.id })).body
    expect((await del(`/v2/account_numbers/${n.id}`, OTHER)).status).toBe(404)
    expect((await get(`/v2/account_numbers/${n.id}`)).body.status).toBe('enabled')
  })
})

describe('POST /v1/webhook_endpoints/{id}/test', () => {
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startReceiver()
  })
  afterAll(() => receiver.close())

  it('sends one signed test event to that endpoint only, kept as an event', async () => {
    const endpoint = (await post('/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['transfer.outbound.succeeded'] })).body
    const bystander = (await post('/v1/webhook_endpoints', { url: `${receiver.url}/bystander`, enabled_events: ['*'] })).body
    const res = await post(`/v1/webhook_endpoints/${endpoint.id}/test`, { type: 'payment_intent.failed' })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ id: endpoint.id, object: 'webhook_endpoint', secret: null })
    expect(check('testWebhookEndpoint', res.body)).toBeNull()
    // no body: the endpoint's first subscribed type
    expect((await post(`/v1/webhook_endpoints/${endpoint.id}/test`)).status).toBe(200)
    await until(() => receiver.received.length >= 2)
    expect(receiver.received).toHaveLength(2)
    const [first, second] = receiver.received.map((r) => ({ ...r, event: JSON.parse(r.body) }))
    expect(first!.event).toMatchObject({ object: 'event', type: 'payment_intent.failed', mode: 'test', data: { id: 'pi_00000000', object: 'payment_intent', status: 'failed' } })
    expect(second!.event).toMatchObject({ type: 'transfer.outbound.succeeded', data: { id: 'tr_00000000', object: 'transfer', status: 'succeeded' } })
    const secret = fintocState().webhookEndpoints[endpoint.id]!.secret
    for (const r of [first!, second!]) expect(() => WebhookSignature.verifyHeader(r.body, String(r.headers['fintoc-signature']), secret)).not.toThrow()
    expect((await get(`/v2/events/${first!.event.id}`)).body).toEqual(first!.event)
    expect(receiver.received.some((r) => r.headers.host && r.body.includes(bystander.id))).toBe(false)
    const logged = (await sb.http.get('/__admin/webhooks/deliveries')).body.data.filter((d: { endpointId: string }) => d.endpointId === endpoint.id)
    expect(logged).toHaveLength(2)
  })

  it('refuses a malformed type (400) and another key\'s endpoint (404)', async () => {
    const endpoint = (await post('/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['*'] })).body
    const bad = await post(`/v1/webhook_endpoints/${endpoint.id}/test`, { type: 'not an event' })
    expect(bad.status).toBe(400)
    expect(fintocError(bad.body).param).toBe('type')
    expect((await post(`/v1/webhook_endpoints/${endpoint.id}/test`, {}, OTHER)).status).toBe(404)
  })
})

describe('/v2/payment_intents', () => {
  it('lists and gets the v1 intents in the current shape, newest first, through the SDK', async () => {
    const made = []
    for (let i = 0; i < 3; i++) made.push((await post('/v1/payment_intents', { amount: 1000 + i, currency: 'CLP' })).body)
    const listed = await all(fintoc.v2.paymentIntents.list({ limit: 2 }))
    expect(listed.map((p) => p.id)).toEqual(made.map((p) => p.id).reverse())
    const one = await get(`/v2/payment_intents/${made[0].id}`)
    expect(one.body).toMatchObject({ id: made[0].id, object: 'payment_intent', amount: 1000, widget_token: null, payment_type: 'bank_transfer', customer: null, payment_method: null, subscription: null, next_action: null })
    expect(check('getPaymentIntentV2', one.body)).toBeNull()
    expect(await fintoc.v2.paymentIntents.get(made[1].id)).toMatchObject({ id: made[1].id, amount: 1001 })
    expect((await get(`/v2/payment_intents/${made[0].id}`, OTHER)).status).toBe(404)
    expect((await get('/v2/payment_intents', OTHER)).body).toEqual([])
  })

  it('create: v1-only params 400, unknown method 404, a saved one 422 (not emulated)', async () => {
    const v1 = await post('/v2/payment_intents', { amount: 100, currency: 'CLP', payment_method: 'pm_x', customer_email: 'a@b.cl' })
    expect(v1.status).toBe(400)
    expect(fintocError(v1.body)).toMatchObject({ code: 'invalid_params', param: 'customer_email' })
    const unknown = await post('/v2/payment_intents', { amount: 100, currency: 'CLP', payment_method: 'pm_nope' })
    expect(unknown.status).toBe(404)
    expect(fintocError(unknown.body).param).toBe('payment_method')
    const orgId = await orgOf(KEY)
    const pm = await sb.store.update((st) => savePaymentMethod(st.fintoc as FintocState, deps, orgId, { customerId: 'cus_1', type: 'pac', details: { account_number: '123' } }))
    const saved = await post('/v2/payment_intents', { amount: 100, currency: 'CLP', payment_method: pm.id })
    expect(saved.status).toBe(422)
    expect(fintocError(saved.body).code).toBe('not_supported_product')
    await expect(fintoc.v2.paymentIntents.create({ amount: 100, currency: 'CLP' })).rejects.toBeInstanceOf(errors.InvalidRequestError)
  })
})

describe('/v2/payment_methods and /v2/subscriptions', () => {
  it('payment methods: empty for a new key, then what a session saved; others 404', async () => {
    const key = 'sk_test_payments_v2_methods'
    const sdk = new (require('fintoc').Fintoc)(key) as Sdk
    expect(await all(sdk.v2.paymentMethods.list())).toEqual([])
    const orgId = await orgOf(key)
    const a = await sb.store.update((st) => savePaymentMethod(st.fintoc as FintocState, deps, orgId, { customerId: 'cus_a', type: 'pac', details: { account_number: '1', status: 'active' } }))
    const b = await sb.store.update((st) => savePaymentMethod(st.fintoc as FintocState, deps, orgId, { customerId: 'cus_b', type: 'card', details: { brand: 'visa' } }))
    expect((await all(sdk.v2.paymentMethods.list())).map((m) => m.id)).toEqual([b.id, a.id])
    const res = await get(`/v2/payment_methods?customer=cus_a`, key)
    expect(res.body).toEqual([{ id: a.id, object: 'payment_method', created_at: expect.any(String), customer: 'cus_a', mode: 'test', type: 'pac', pac: { account_number: '1', status: 'active' } }])
    expect(check('getPaymentMethod', (await get(`/v2/payment_methods/${b.id}`, key)).body)).toBeNull()
    expect(await sdk.v2.paymentMethods.get(b.id)).toMatchObject({ id: b.id, card: { brand: 'visa' } })
    expect((await get(`/v2/payment_methods/${a.id}`, OTHER)).status).toBe(404)
    expect((await get('/v2/payment_methods', OTHER)).body).toEqual([])
  })

  it('subscriptions: list, get, cancel once (409 after), others 404', async () => {
    expect(await all(fintoc.v2.subscriptions.list())).toEqual([])
    const orgId = await orgOf(KEY)
    const sub = await sb.store.update((st) => createSubscription(st.fintoc as FintocState, deps, orgId, { customerId: 'cus_1', items: [{ price: 'price_1', quantity: 2 }] }))
    expect((await all(fintoc.v2.subscriptions.list())).map((x) => x.id)).toEqual([sub.id])
    expect((await get('/v2/subscriptions?status=canceled')).body).toEqual([])
    expect((await get(`/v2/subscriptions/${sub.id}`, OTHER)).status).toBe(404)
    expect((await post(`/v2/subscriptions/${sub.id}/cancel`, undefined, OTHER)).status).toBe(404)
    const canceled = await fintoc.v2.subscriptions.cancel(sub.id)
    expect(canceled).toMatchObject({ id: sub.id, object: 'subscription', status: 'canceled', customer: 'cus_1', items: [{ price: 'price_1', quantity: 2 }] })
    const again = await post(`/v2/subscriptions/${sub.id}/cancel`)
    expect(check('cancelSubscription', (await get(`/v2/subscriptions/${sub.id}`)).body)).toBeNull()
    expect(again.status).toBe(409)
    expect(fintocError(again.body).code).toBe('invalid_subscription_status')
    expect((await fintoc.v2.subscriptions.get(sub.id)).status).toBe('canceled')
  })
})

describe('freeing an organization', () => {
  it('removes its saved payment methods and subscriptions in the same update, and no one else\'s', () => {
    const s = initialFintocState()
    const org = (id: string) => ({ id, mode: 'test', keyHint: '', createdAt: 0, entityIds: [], accountIds: [], accountNumberIds: [], transferIds: [], verificationIds: [], webhookEndpointIds: [], paymentIntentIds: [], refundIds: [], jwsPublicKeys: [] }) as OrgRecord
    s.orgs = { gone: org('gone'), kept: org('kept') }
    const pm = savePaymentMethod(s, deps, 'gone', { customerId: null, type: 'pac', details: {} })
    const sub = createSubscription(s, deps, 'gone', { customerId: 'cus_1', items: [] })
    const keptPm = savePaymentMethod(s, deps, 'kept', { customerId: null, type: 'card', details: {} })
    const forgotten: string[] = []
    const tools = { schedule: () => {}, deliver: () => {}, forget: (g: { ids: ReadonlySet<string> }) => {
        forgotten.push(...g.ids)
        return 0
      } }
    const freed = expireOrgs(s, tools, new Map([['gone', 'hash']]))
    expect(freed.orgs).toBe(1)
    expect(Object.keys(s.paymentMethods)).toEqual([keptPm.id])
    expect(s.subscriptions).toEqual({})
    expect(forgotten).toEqual(expect.arrayContaining([pm.id, sub.id]))
  })
})

describe('domain edges', () => {
  it('a Chilean organization cannot delete account numbers (422 not_supported_country), and nothing changes', () => {
    const s = initialFintocState()
    s.accounts.acc_cl = { id: 'acc_cl', orgId: 'o', entityId: 'e', description: null, currency: 'CLP', available_balance: 0, status: 'active', is_root: true, rootAccountNumberId: 'acno_root', movementIds: [], createdAt: 0 }
    s.accountNumbers.acno_cl = { id: 'acno_cl', orgId: 'o', account_id: 'acc_cl', number: '900000001', description: null, metadata: {}, status: 'enabled', is_root: false, createdAt: 0, updatedAt: 0 }
    expect(() => deleteAccountNumber(s, deps.clock, 'o', 'acno_cl')).toThrow(expect.objectContaining({ status: 422, details: expect.objectContaining({ code: 'not_supported_country' }) }))
    expect(s.accountNumbers.acno_cl!.status).toBe('enabled')
  })

  it('eligibility: a non-Chilean institution is not eligible', () => {
    expect(checkEligibility({ amount: 100, currency: 'clp', sender_account: { institution_id: 'mx_banco_bbva' } })).toEqual({ eligible_payment: false, error: 'institution_not_supported' })
  })
})
