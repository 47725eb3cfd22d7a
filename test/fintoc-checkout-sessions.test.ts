import { describe, expect, it } from 'vitest'
import { fintocError, type TestSandbox } from './helpers/sandbox.js'
import type { Receiver } from './helpers/receiver.js'
import { CHILE, fintocPaymentsSetup } from './helpers/fintoc-payments.js'
import type { specValidator } from './helpers/schemas.js'

// Checkout sessions over HTTP: v1 and v2 shapes, the admin stand-in, expiry on the sandbox clock, bad input.

const KEY = 'sk_test_checkout'
const URLS = { success_url: 'https://merchant.example/success', cancel_url: 'https://merchant.example/cancel' }
let sb: TestSandbox
let r: Receiver
let check: Awaited<ReturnType<typeof specValidator>>

fintocPaymentsSetup(KEY, (setup) => {
  ;({ sb, r, check } = setup)
})

const create = (api: 'v1' | 'v2', body: object = {}, key = KEY) => sb.http.post(`/fintoc/${api}/checkout_sessions`).set('Authorization', key).send({ amount: 350000, currency: 'CLP', ...URLS, ...body })
const get = async (api: 'v1' | 'v2', id: string) => (await sb.http.get(`/fintoc/${api}/checkout_sessions/${id}`).set('Authorization', KEY)).body
const pay = (id: string, body: object = CHILE) => sb.http.post(`/__admin/fintoc/checkout_sessions/${id}/pay`).send(body)
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })
const events = () => r.received.map((x) => JSON.parse(x.body) as { id: string; type: string; data: Record<string, unknown> })
/** deliveries leave after the update that queued them: wait for `n` */
async function delivered(n: number) {
  for (let i = 0; i < 200 && r.received.length < n; i++) await new Promise((res) => setTimeout(res, 10))
  return events().map((e) => e.type)
}
const now = async () => Date.parse((await sb.http.get('/__admin/clock')).body.now)

describe('checkout sessions', () => {
  it('v1: legacy shape, metadata echoed, redirect_url on the sandbox; expire sends checkout_session.expired', async () => {
    const res = await create('v1', { metadata: { order: '42' }, customer: { name: 'Jon', email: 'jon@example.com' } })
    expect(res.status).toBe(201)
    expect(check('createCheckoutSession', res.body)).toBeNull()
    expect(res.body).toMatchObject({ object: 'checkout_session', status: 'created', payment_methods: ['payment_intent'], payment_resource: null, metadata: { order: '42' }, customer: { name: 'Jon' } })
    expect(res.body.redirect_url).toMatch(new RegExp(`/fintoc/checkout/${res.body.id}$`))
    expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBe(24 * 3600 * 1000)
    const expired = await sb.http.post(`/fintoc/v1/checkout_sessions/${res.body.id}/expire`).set('Authorization', KEY)
    expect(expired.status).toBe(200)
    expect(expired.body.status).toBe('expired')
    expect(await delivered(1)).toEqual(['checkout_session.expired'])
    const again = await sb.http.post(`/fintoc/v1/checkout_sessions/${res.body.id}/expire`).set('Authorization', KEY)
    expect(again.status).toBe(409)
    expect(fintocError(again.body).code).toBe('invalid_checkout_session_status')
    const event = await sb.http.get(`/fintoc/v2/events/${events()[0]!.id}`).set('Authorization', KEY)
    expect(event.body).toMatchObject({ type: 'checkout_session.expired', data: { id: res.body.id, status: 'expired' } })
  })

  it('v1 answers the current shape when Fintoc-Version is 2026-02-01; v2 refuses an older explicit version', async () => {
    const { body } = await create('v1')
    const current = await sb.http.get(`/fintoc/v1/checkout_sessions/${body.id}`).set('Authorization', KEY).set('Fintoc-Version', '2026-02-01')
    expect(current.body).toMatchObject({ flow: 'payment', payment_method_types: ['bank_transfer'] })
    const old = await sb.http.get('/fintoc/v2/checkout_sessions').set('Authorization', KEY).set('Fintoc-Version', '2023-11-15')
    expect(old.status).toBe(403)
    expect(fintocError(old.body).code).toBe('invalid_api_version')
  })

  it('v2: customer_data creates a customer; pay succeeds → payment_intent.succeeded then checkout_session.finished', async () => {
    const res = await create('v2', { customer_data: { email: 'Name@Example.com', tax_id: { type: 'cl_rut', value: '11.111.111-1' } }, metadata: { order: '7' } })
    expect(res.status).toBe(201)
    expect(check('createCheckoutSessionV2', res.body)).toBeNull()
    expect(res.body.customer).toMatchObject({ object: 'customer', email: 'name@example.com', tax_id: { type: 'cl_rut', value: '111111111' } })
    expect(res.body.session_token).toMatch(new RegExp(`^${res.body.id}_sec_`))
    const customer = await sb.http.get(`/fintoc/v2/customers/${res.body.customer.id}`).set('Authorization', KEY)
    expect(customer.status).toBe(200)
    const paying = await pay(res.body.id)
    expect(paying.status).toBe(200)
    expect(paying.body).toMatchObject({ status: 'in_progress', payment_resource: { payment_intent: { status: 'in_progress', amount: 350000, metadata: { order: '7' } } } })
    await advance(5000)
    const done = await get('v2', res.body.id)
    expect(check('getCheckoutSessionV2', done)).toBeNull()
    expect(done).toMatchObject({ status: 'finished', payment_resource: { payment_intent: { status: 'succeeded' } } })
    expect(await delivered(2)).toEqual(['payment_intent.succeeded', 'checkout_session.finished'])
    expect(events()[1]!.data).toMatchObject({ status: 'finished', payment_resource: { payment_intent: { status: 'succeeded' } } })
    // finished is final: it cannot expire, and a second pay is refused
    expect((await sb.http.post(`/fintoc/v2/checkout_sessions/${res.body.id}/expire`).set('Authorization', KEY)).status).toBe(409)
    expect((await pay(res.body.id)).status).toBe(409)
  })

  it.each([
    ['failed', { ...CHILE, account: '422159213' }, 'failed'],
    ['rejected', { ...CHILE, mfa: '000000' }, 'rejected'],
    ['pending', { ...CHILE, account: '422159214' }, 'pending'],
  ])('finished does not mean paid: %s', async (_label, input, piStatus) => {
    const { body } = await create('v2')
    await pay(body.id, input)
    await advance(5000)
    expect(await get('v2', body.id)).toMatchObject({ status: 'finished', payment_resource: { payment_intent: { status: piStatus } } })
  })

  it('refused test values leave the session created and make no payment intent', async () => {
    const { body } = await create('v2')
    const res = await pay(body.id, { ...CHILE, password: 'nope' })
    expect(res.status).toBe(422)
    expect(await get('v2', body.id)).toMatchObject({ status: 'created', payment_resource: null })
    expect((await sb.http.get('/fintoc/v1/payment_intents').set('Authorization', KEY)).body).toEqual([])
  })

  it('expires at expires_at on the sandbox clock, once', async () => {
    const at = new Date((await now()) + 15 * 60 * 1000).toISOString()
    const { body } = await create('v2', { expires_at: at })
    await advance(15 * 60 * 1000 - 1)
    expect((await get('v2', body.id)).status).toBe('created')
    await advance(1)
    expect((await get('v2', body.id)).status).toBe('expired')
    await advance(24 * 3600 * 1000)
    expect(await delivered(1)).toEqual(['checkout_session.expired'])
    expect((await pay(body.id)).status).toBe(409)
  })

  it('a restored snapshot without jobs gets the expiry back (recover), due at expires_at', async () => {
    const at = new Date((await now()) + 20 * 60 * 1000).toISOString()
    const { body } = await create('v1', { expires_at: at })
    const snapshot = (await sb.http.get('/__admin/snapshot')).body
    snapshot.state.core.jobs = {}
    expect((await sb.http.post('/__admin/snapshot').send(snapshot)).body).toEqual({ restored: true })
    await advance(20 * 60 * 1000 - 1)
    expect((await get('v1', body.id)).status).toBe('created')
    await advance(1)
    expect((await get('v1', body.id)).status).toBe('expired')
  })

  it('forced transitions go through the same steps', async () => {
    const a = (await create('v2')).body
    const forced = await sb.http.post(`/__admin/fintoc/checkout_sessions/${a.id}/transition`).send({ to: 'finished', payment_status: 'failed' })
    expect(forced.status).toBe(200)
    expect(forced.body).toMatchObject({ status: 'finished', payment_resource: { payment_intent: { status: 'failed' } } })
    const b = (await create('v1')).body
    expect((await sb.http.post(`/__admin/fintoc/checkout_sessions/${b.id}/transition`).send({ to: 'expired' })).body.status).toBe('expired')
    expect((await sb.http.post(`/__admin/fintoc/checkout_sessions/${b.id}/transition`).send({ to: 'expired' })).status).toBe(409)
    expect((await sb.http.post('/__admin/fintoc/checkout_sessions/cs_nope/transition').send({ to: 'expired' })).status).toBe(404)
    expect(await delivered(3)).toEqual(['payment_intent.failed', 'checkout_session.finished', 'checkout_session.expired'])
  })

  it('v2 list pages by cursor, newest first; another key sees none of them', async () => {
    const made: string[] = []
    for (let i = 0; i < 5; i++) made.push((await create('v2')).body.id)
    const first = await sb.http.get('/fintoc/v2/checkout_sessions?limit=2').set('Authorization', KEY)
    expect(first.body.map((x: { id: string }) => x.id)).toEqual([made[4], made[3]])
    expect(first.headers.link).toContain(`starting_after=${made[3]}`)
    const other = 'sk_test_someone_else'
    expect((await sb.http.get('/fintoc/v2/checkout_sessions').set('Authorization', other)).body).toEqual([])
    expect((await sb.http.get(`/fintoc/v2/checkout_sessions/${made[0]}`).set('Authorization', other)).status).toBe(404)
    expect((await sb.http.post(`/fintoc/v1/checkout_sessions/${made[0]}/expire`).set('Authorization', other)).status).toBe(404)
    expect((await get('v2', made[0]!)).status).toBe('created')
  })

  it('a scenario seeds customers a session can reference; another key cannot reference them', async () => {
    const seeded = await sb.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: KEY, customers: [{ id: 'cus_seededCustomer1', email: 'Seeded@Example.com', name: 'Seeded' }] }] } })
    expect(seeded.status).toBeLessThan(300)
    const res = await create('v2', { customer: 'cus_seededCustomer1' })
    expect(res.status).toBe(201)
    expect(res.body.customer).toMatchObject({ id: 'cus_seededCustomer1', email: 'seeded@example.com', name: 'Seeded' })
    const other = await create('v2', { customer: 'cus_seededCustomer1' }, 'sk_test_someone_else')
    expect(other.status).toBe(404)
    expect(fintocError(other.body)).toMatchObject({ code: 'missing_resource', param: 'customer' })
  })

  it('concurrent pays of one session: one wins', async () => {
    const { body } = await create('v2')
    const results = await Promise.all(Array.from({ length: 8 }, () => pay(body.id)))
    expect(results.filter((x) => x.status === 200)).toHaveLength(1)
    expect(results.filter((x) => x.status === 409)).toHaveLength(7)
    expect((await sb.http.get('/fintoc/v1/payment_intents').set('Authorization', KEY)).body).toHaveLength(1)
  })
})

describe('bad input: Fintoc envelope, no state change', () => {
  it.each([
    ['missing success_url', 'v2', { success_url: undefined }, 400, 'missing_parameter', 'success_url'],
    ['expires_at under 10 minutes', 'v2', { expires_at: 'SOON' }, 400, 'invalid_expires_at', 'expires_at'],
    ['customer and customer_data', 'v2', { customer: 'cus_x', customer_data: { email: 'a@b.co' } }, 400, 'invalid_params', 'customer_data'],
    ['unknown currency', 'v1', { currency: 'USD' }, 400, 'invalid_currency', 'currency'],
    ['amount 0', 'v2', { amount: 0 }, 400, 'invalid_amount', 'amount'],
    ['amount over the limit', 'v1', { amount: 7_000_000 }, 400, 'invalid_amount', 'amount'],
    ['customer_data without email or tax_id', 'v2', { customer_data: { name: 'x' } }, 400, 'invalid_params', 'customer_data'],
    ['unknown customer', 'v2', { customer: 'cus_unknown' }, 404, 'missing_resource', 'customer'],
  ])('%s', async (_label, api, patch, status, code, param) => {
    const body: Record<string, unknown> = { ...patch }
    if (body.expires_at === 'SOON') body.expires_at = new Date((await now()) + 9 * 60 * 1000).toISOString()
    const res = await create(api as 'v1' | 'v2', body)
    expect(res.status).toBe(status)
    expect(fintocError(res.body)).toMatchObject({ type: 'invalid_request_error', code, param })
    expect((await sb.http.get('/fintoc/v2/checkout_sessions').set('Authorization', KEY)).body).toEqual([])
    expect((await sb.http.get('/fintoc/v2/customers').set('Authorization', KEY)).body).toEqual([])
  })
})
