import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeKeyPair, signJws } from './helpers/jws.js'
import { fintocError, MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { createClock } from '../src/core/clock.js'
import { createIds } from '../src/core/ids.js'
import { savePaymentMethod } from '../src/providers/fintoc/payment-methods.js'
import type { FintocState } from '../src/providers/fintoc/state.js'
import { createSubscription } from '../src/providers/fintoc/subscriptions.js'

// Every endpoint that takes an id: what one Fintoc key (or Monato client) made is invisible to another.

let sb: TestSandbox
const A = 'sk_test_isolation_a'
const B = 'sk_test_isolation_b'
const ids: Record<string, string> = {}

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_SETTLE_DELAY_MS: '0' }, logLevel: 'silent' })
  const keys = makeKeyPair()
  await sb.http.post('/__admin/fintoc/jws-keys').send({ api_key: A, public_key: keys.publicPem })
  await sb.http.post('/__admin/fintoc/jws-keys').send({ api_key: B, public_key: keys.publicPem })
  const a = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', A)).body[0]
  Object.assign(ids, { account: a.id, entity: a.entity.id, accountNumber: a.root_account_number_id })
  const inbound = (await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', A).send({ account_number_id: a.root_account_number_id, amount: 5000, currency: 'MXN' })).body
  await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
  ids.transfer = inbound.id
  ids.movement = (await sb.http.get(`/fintoc/v2/accounts/${a.id}/movements`).set('Authorization', A)).body[0].id
  ids.event = Object.values((sb.store.data.fintoc as { events: Record<string, { id: string }> }).events)[0]!.id
  const verificationBody = JSON.stringify({ account_number: '012180015530983477' })
  ids.verification = (await sb.http.post('/fintoc/v2/account_verifications').set('Authorization', A).set('Content-Type', 'application/json').set('Fintoc-JWS-Signature', signJws(keys.privatePem, verificationBody)).send(verificationBody)).body.id
  ids.paymentIntent = (await sb.http.post('/fintoc/v1/payment_intents').set('Authorization', A).send({ amount: 100, currency: 'MXN' })).body.id
  ids.webhookEndpoint = (await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', A).send({ url: 'https://example.com/h', enabled_events: ['*'] })).body.id
  ids.paidPaymentIntent = (await sb.http.post('/fintoc/v1/payment_intents').set('Authorization', A).send({ amount: 1000, currency: 'CLP' })).body.id
  await sb.http.post(`/__admin/fintoc/payment_intents/${ids.paidPaymentIntent}/pay`).send({ username: '41614850-3', password: 'jonsnow', account: '422159212' })
  await sb.http.post('/__admin/clock/advance').send({ ms: 5000 })
  ids.refund = (await sb.http.post('/fintoc/v1/refunds').set('Authorization', A).send({ resource_type: 'payment_intent', resource_id: ids.paidPaymentIntent, amount: 100 })).body.id
  // no API creates saved methods or subscriptions (sessions will): made with the domain's own functions
  const orgId = (sb.store.data.fintoc as FintocState).accounts[a.id]!.orgId
  const deps = { ids: createIds(Date.now), clock: createClock('real') }
  ids.paymentMethod = (await sb.store.update((st) => savePaymentMethod(st.fintoc as FintocState, deps, orgId, { customerId: null, type: 'pac', details: {} }))).id
  ids.subscription = (await sb.store.update((st) => createSubscription(st.fintoc as FintocState, deps, orgId, { customerId: 'cus_isolation', items: [] }))).id
  const session = (await sb.http.post('/fintoc/v2/checkout_sessions').set('Authorization', A).send({ amount: 1000, currency: 'CLP', success_url: 'https://example.com/s', cancel_url: 'https://example.com/c', customer_data: { email: 'iso@example.com' } })).body
  Object.assign(ids, { checkoutSession: session.id, customer: session.customer.id })
  const signedBody = (o: object) => JSON.stringify(o)
  ids.signed = signJws(keys.privatePem, signedBody({ transfer_id: inbound.id }))
})
afterAll(() => sb.close())

describe('Fintoc: another key sees 404 on every id-taking endpoint', () => {
  const cases: Array<[string, 'get' | 'patch' | 'post' | 'delete', (i: Record<string, string>) => string, object?]> = [
    ['getEntity', 'get', (i) => `/v2/entities/${i.entity}`],
    ['getAccount', 'get', (i) => `/v2/accounts/${i.account}`],
    ['updateAccount', 'patch', (i) => `/v2/accounts/${i.account}`, { description: 'mine now' }],
    ['listMovements', 'get', (i) => `/v2/accounts/${i.account}/movements`],
    ['getMovement', 'get', (i) => `/v2/accounts/${i.account}/movements/${i.movement}`],
    ['getAccountNumber', 'get', (i) => `/v2/account_numbers/${i.accountNumber}`],
    ['updateAccountNumber', 'patch', (i) => `/v2/account_numbers/${i.accountNumber}`, { description: 'mine now' }],
    ['getTransfer', 'get', (i) => `/v2/transfers/${i.transfer}`],
    ['getAccountVerification', 'get', (i) => `/v2/account_verifications/${i.verification}`],
    ['getEvent', 'get', (i) => `/v2/events/${i.event}`],
    ['getPaymentIntent', 'get', (i) => `/v1/payment_intents/${i.paymentIntent}`],
    ['expirePaymentIntent', 'post', (i) => `/v1/payment_intents/${i.paymentIntent}/expire`],
    ['getWebhookEndpoint', 'get', (i) => `/v1/webhook_endpoints/${i.webhookEndpoint}`],
    ['updateWebhookEndpoint', 'patch', (i) => `/v1/webhook_endpoints/${i.webhookEndpoint}`, { disabled: true }],
    ['deleteWebhookEndpoint', 'delete', (i) => `/v1/webhook_endpoints/${i.webhookEndpoint}`],
    ['getRefund', 'get', (i) => `/v1/refunds/${i.refund}`],
    ['cancelRefund', 'post', (i) => `/v1/refunds/${i.refund}/cancel`, {}],
    ['testWebhookEndpoint', 'post', (i) => `/v1/webhook_endpoints/${i.webhookEndpoint}/test`, {}],
    ['deleteAccountNumber', 'delete', (i) => `/v2/account_numbers/${i.accountNumber}`],
    ['getPaymentIntentV2', 'get', (i) => `/v2/payment_intents/${i.paymentIntent}`],
    ['getPaymentMethod', 'get', (i) => `/v2/payment_methods/${i.paymentMethod}`],
    ['getSubscription', 'get', (i) => `/v2/subscriptions/${i.subscription}`],
    ['cancelSubscription', 'post', (i) => `/v2/subscriptions/${i.subscription}/cancel`, {}],
    ['getCheckoutSession', 'get', (i) => `/v1/checkout_sessions/${i.checkoutSession}`],
    ['expireCheckoutSession', 'post', (i) => `/v1/checkout_sessions/${i.checkoutSession}/expire`, {}],
    ['getCheckoutSessionV2', 'get', (i) => `/v2/checkout_sessions/${i.checkoutSession}`],
    ['expireCheckoutSessionV2', 'post', (i) => `/v2/checkout_sessions/${i.checkoutSession}/expire`, {}],
    ['getCustomer', 'get', (i) => `/v2/customers/${i.customer}`],
    ['simulateReceiveTransfer', 'post', () => '/v2/simulate/receive_transfer', { account_number_id: '', amount: 1, currency: 'MXN' }],
    ['createAccountNumber', 'post', () => '/v2/account_numbers', { account_id: '' }],
  ]
  it.each(cases)('%s', async (_name, method, url, body) => {
    const b = body && 'account_number_id' in body ? { ...body, account_number_id: ids.accountNumber } : body && 'account_id' in body ? { ...body, account_id: ids.account } : body
    const res = await (b ? sb.http[method](`/fintoc${url(ids)}`).set('Authorization', B).send(b) : sb.http[method](`/fintoc${url(ids)}`).set('Authorization', B))
    expect(res.status).toBe(404)
    expect(fintocError(res.body).code).toBe('missing_resource')
    // and the owner still reaches it
    expect((await sb.http.get(`/fintoc${cases.find((c) => c[0] === _name)![2](ids).replace(/\/(expire|cancel|test)$/, '')}`).set('Authorization', A)).status).not.toBe(404)
  })

  it("refunding another key's paid payment intent is 404 (param resource_id), and makes nothing", async () => {
    const res = await sb.http.post('/fintoc/v1/refunds').set('Authorization', B).send({ resource_type: 'payment_intent', resource_id: ids.paidPaymentIntent })
    expect(res.status).toBe(404)
    expect(fintocError(res.body)).toMatchObject({ code: 'missing_resource', param: 'resource_id' })
    expect((await sb.http.get('/fintoc/v1/refunds').set('Authorization', B)).body).toEqual([])
  })

  it('a signed return of another key\'s transfer is 404 too', async () => {
    const res = await sb.http.post('/fintoc/v2/transfers/return').set('Authorization', B).set('Content-Type', 'application/json').set('Fintoc-JWS-Signature', ids.signed!).send(JSON.stringify({ transfer_id: ids.transfer }))
    expect(res.status).toBe(404)
  })
})

describe("Monato: another client's token", () => {
  it('gets 403 on every path of the first client', async () => {
    const other = { id: '0d0a1c3e-5b6f-4a7e-9c1d-2e3f4a5b6c7d', api_key: 'isolation_other_api_key', client_secret: 'isolation_other_secret_0123456789' }
    await sb.http.post('/__admin/scenarios').send({ monato: { clients: [{ ...other, accounts: [{ balance: '1.00' }] }] } })
    const t2 = (await sb.http.post(`/monato/v1/clients/${other.id}/auth/credential-tokens`).set('x-api-key', other.api_key).send({ client_id: other.id, client_secret: other.client_secret })).body.token
    const t1 = await monatoToken(sb)
    const base = `/monato/v1/clients/${MONATO.clientId}`
    const webhook = (await sb.http.post(`${base}/webhooks`).set('Authorization', `Bearer ${t1}`).send({ client_id: MONATO.clientId, url: 'https://example.com/w', token: 't', webhook_type: 'CEP' })).body.id
    for (const [method, url] of [
      ['get', `${base}/accounts`],
      ['get', `${base}/instruments`],
      ['get', `${base}/webhooks`],
      ['get', `${base}/webhooks/${webhook}`],
      ['delete', `${base}/webhooks/${webhook}`],
      ['get', `${base}/transactions/16811ee8-1ef9-4dd4-8d84-9c2df89cf302`],
      ['get', `${base}/transactions`],
      ['get', `${base}/accounts/750ab428-b401-4b58-8a95-502bcb7b1bf8`],
      ['delete', `${base}/instruments/${MONATO.sourceInstrumentId}`],
      ['get', `${base}/credentials`],
    ] as const) {
      const res = await sb.http[method](url).set('Authorization', `Bearer ${t2}`).set('x-api-key', other.api_key)
      expect(res.status, url).toBe(403)
      expect(monatoError(res.body).reason).toBe('PERMISSION_DENIED')
    }
    // money out naming the first client's id in the body
    const mo = await sb.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${t2}`).send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: MONATO.sourceInstrumentId, transaction_request: { amount: '1.00', currency: 'MXN' } })
    expect(mo.status).toBe(403)
  })
})
