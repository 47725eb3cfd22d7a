import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFintocDashboard } from '../src/providers/fintoc/dashboard.js'
import type { FintocState, TransferRecord } from '../src/providers/fintoc/state.js'
import { initialFintocState } from '../src/providers/fintoc/state.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #18 item 1, Fintoc's section of the dashboard: every page over real HTTP (GET /__admin/ui/fintoc/...) on a
// state made through the real API, with a stored `<script>`/`<img onerror>` in every free-text field it accepts.

/** 40 characters: fits every free-text field's limit */
const X = '<script>1</script><img src=x onerror=1>'
const X_SHOWN = '&#60;script&#62;1&#60;/script&#62;&#60;img src=x onerror=1&#62;'
const MX_KEY = 'sk_test_dashboard_mx_9Kd2'
const CL_KEY = 'sk_test_dashboard_cl_Zq7w'
const WH_SECRET = 'whsec_dashboard_secret_Pp4r'
const HOOK_PASSWORD = 'hunter2Secret'
const SETTLE = 1000
const CHILE = { username: '41614850-3', password: 'jonsnow', account: '422159212' }

let sb: TestSandbox
type Key = 'mxAccount' | 'mxNumber' | 'extraAccount' | 'extraNumber' | 'inbound' | 'outbound' | 'pending' | 'mxEndpoint' | 'paidIntent' | 'openIntent' | 'refund' | 'session' | 'legacySession'
const ids = {} as Record<Key, string>

const api = (key: string) => ({
  get: (url: string) => sb.http.get(`/fintoc${url}`).set('Authorization', key),
  post: async (url: string, body: object) => {
    const res = await sb.http.post(`/fintoc${url}`).set('Authorization', key).send(body)
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  },
})
const admin = (path: string, body: object) => sb.http.post(`/__admin${path}`).send(body)
const advance = (ms: number) => admin('/clock/advance', { ms })

/** a dashboard page over HTTP; every page is checked for escaping and for secrets on the way */
async function page(path: string, status = 200) {
  const res = await sb.http.get(`/__admin/ui/fintoc${path}`)
  expect(res.status, path).toBe(status)
  const text = res.text
  expect(text).not.toContain(X)
  expect(text).not.toMatch(/<script>1|<img src=x/)
  for (const secret of [MX_KEY, CL_KEY, WH_SECRET, HOOK_PASSWORD]) expect(text, `${path} shows ${secret}`).not.toContain(secret)
  return text
}

/** the ids linked from a list's rows, in order */
const rowIds = (text: string, kind: string, prefix: string) => [...text.matchAll(new RegExp(`<td><a href="/__admin/ui/fintoc/${kind}/(${prefix}_[0-9A-Za-z]+)"`, 'g'))].map((m) => m[1]!)

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: String(SETTLE) } })
  // a Chilean organization from a scenario: holder name, account and number descriptions, metadata, an endpoint
  const loaded = await admin('/scenarios', {
    id: 'dashboard',
    fintoc: {
      organizations: [
        {
          api_key: CL_KEY,
          holder_name: X,
          currency: 'CLP',
          balance: 150000,
          accounts: [{ id: 'acc_dashCl1', description: X, account_numbers: [{ id: 'acno_dashCl1', description: X, metadata: { note: X } }] }],
          webhook_endpoints: [{ id: 'we_dashCl1', url: `https://hooks:${HOOK_PASSWORD}@hooks.example/fintoc`, secret: WH_SECRET, description: X }],
        },
      ],
    },
  })
  expect(loaded.status).toBe(201)
  const mx = api(MX_KEY)
  const cl = api(CL_KEY)
  const root = (await mx.get('/v2/accounts')).body[0]
  ids.mxAccount = root.id
  ids.mxNumber = root.root_account_number_id
  const extra = await mx.post('/v2/accounts', { description: X })
  ids.extraAccount = extra.id
  ids.extraNumber = (await mx.post('/v2/account_numbers', { account_id: extra.id, description: X, metadata: { note: X } })).id
  // inbound: funds the root account with $1.500,00 MXN
  ids.inbound = (await mx.post('/v2/simulate/receive_transfer', { account_number_id: ids.mxNumber, amount: 150000, currency: 'mxn', comment: X, counterparty_holder_name: X })).id
  await advance(SETTLE)
  ids.outbound = (await mx.post('/v2/transfers', { amount: 12345, currency: 'MXN', account_id: ids.mxAccount, comment: X, metadata: { note: X }, counterparty: { account_number: '012180015530983477', holder_name: X } })).id
  ids.mxEndpoint = (await mx.post('/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'], description: X })).id
  // payments in the Chilean organization: a paid intent with a refund, a created one, two sessions
  ids.paidIntent = (await cl.post('/v1/payment_intents', { amount: 10000, currency: 'CLP', metadata: { note: X } })).id
  expect((await admin(`/fintoc/payment_intents/${ids.paidIntent}/pay`, CHILE)).status).toBe(200)
  ids.openIntent = (await cl.post('/v1/payment_intents', { amount: 2500, currency: 'CLP', metadata: { note: X } })).id
  await advance(5000)
  ids.refund = (await cl.post('/v1/refunds', { resource_type: 'payment_intent', resource_id: ids.paidIntent, amount: 2500, metadata: { note: X } })).id
  const urls = { success_url: 'https://merchant.example/ok', cancel_url: 'https://merchant.example/cancel' }
  ids.session = (await cl.post('/v2/checkout_sessions', { amount: 350000, currency: 'CLP', ...urls, customer_data: { name: X, email: 'payer@example.com' }, metadata: { note: X } })).id
  ids.legacySession = (await cl.post('/v1/checkout_sessions', { amount: 4000, currency: 'CLP', ...urls, customer: { name: X }, metadata: { note: X } })).id
  // last, so no clock move settles it before the tests look
  ids.pending = (await mx.post('/v2/transfers', { amount: 100, currency: 'MXN', account_id: ids.mxAccount, comment: 'still pending', counterparty: { account_number: '012180015530983477' } })).id
})
afterAll(() => sb.close())

describe('Fintoc dashboard pages over HTTP', () => {
  it('organizations: by masked key with their counts; an organization page lists its accounts', async () => {
    const text = await page('/organizations')
    expect(text).toContain('sk_test_****9Kd2')
    expect(text).toContain('sk_test_****Zq7w')
    const mxOrg = (await sb.http.get('/__admin/state?provider=fintoc')).body.orgs as Record<string, { id: string; keyHint: string }>
    const id = Object.values(mxOrg).find((o) => o.keyHint.endsWith('9Kd2'))!.id
    const org = await page(`/organizations/${id}`)
    expect(org).toContain('sk_test_****9Kd2')
    expect(org).toContain(`/__admin/ui/fintoc/accounts/${ids.mxAccount}`)
    expect(org).toContain(`/__admin/ui/fintoc/accounts/${ids.extraAccount}`)
    expect(org).not.toContain('acc_dashCl1')
    expect(org).toContain(`3 transfers`)
    await page('/organizations/org_nope', 404)
  })

  it('accounts: balances in major units with the currency format, numbers, holders escaped', async () => {
    const text = await page('/accounts')
    // the API's balances, formatted: 150000 centavos minus the outbound holds; 150000 CLP
    const balance = (await api(MX_KEY).get(`/v2/accounts/${ids.mxAccount}`)).body.available_balance
    expect(balance).toBe(150000 - 12345 - 100)
    expect(text).toContain('$1.375,55 MXN')
    expect(text).toContain('$150.000 CLP')
    expect(text).toContain(X_SHOWN)
    const cl = await page('/accounts/acc_dashCl1')
    expect(cl).toContain(X_SHOWN)
    expect(cl).toContain('acno_dashCl1')
    const clRoot = (await api(CL_KEY).get('/v2/accounts/acc_dashCl1')).body.root_account_number_id
    expect(cl).toContain(`data-action="/__admin/fintoc/account_numbers/${clRoot}/receive_transfer"`)
    expect(await page('/account_numbers/acno_dashCl1')).toContain('data-action="/__admin/fintoc/account_numbers/acno_dashCl1/receive_transfer"')
    expect(cl).toContain('data-action="/__admin/fintoc/accounts/acc_dashCl1/transition"')
    const root = await page(`/accounts/${ids.mxAccount}`)
    const number = (await api(MX_KEY).get(`/v2/accounts/${ids.mxAccount}`)).body.root_account_number
    expect(root).toContain(number)
    expect(root).toContain('$1.500,00 MXN')
    expect(await page(`/accounts?status=blocked`)).toContain('No accounts.')
    const number2 = await page(`/account_numbers/${ids.extraNumber}`)
    expect(number2).toContain(X_SHOWN)
    await page('/accounts/acc_nope', 404)
    await page('/account_numbers/acno_nope', 404)
  })

  it('transfers: newest first, filtered and paged on the server', async () => {
    const all = await page('/transfers')
    // the scenario's opening balance arrives as an inbound transfer too
    const listed = rowIds(all, 'transfers', 'tr')
    expect(listed.slice(0, 3)).toEqual([ids.pending, ids.outbound, ids.inbound])
    expect(listed).toHaveLength(4)
    expect(all).toContain('$123,45 MXN')
    expect(all).toContain(X_SHOWN)
    expect(rowIds(await page('/transfers?direction=inbound'), 'transfers', 'tr')).toEqual([ids.inbound, listed[3]])
    expect(rowIds(await page('/transfers?status=pending'), 'transfers', 'tr')).toEqual([ids.pending])
    expect(rowIds(await page(`/transfers?account=${ids.mxAccount}&direction=outbound`), 'transfers', 'tr')).toEqual([ids.pending, ids.outbound])
    expect(rowIds(await page(`/transfers?id=${ids.outbound}`), 'transfers', 'tr')).toEqual([ids.outbound])
    expect(rowIds(await page(`/transfers?org=${encodeURIComponent('sk_test_****Zq7w')}`), 'transfers', 'tr')).toEqual([listed[3]])
    expect(await page('/transfers?status=returned')).toContain('No transfer matches these filters.')
    const second = await page('/transfers?limit=2&page=2')
    expect(rowIds(second, 'transfers', 'tr')).toEqual(listed.slice(2, 4))
    expect(second).toContain('3–4 of 4')
    expect(second).toContain('page=1')
  })

  it('a transfer page: fields as the API answers, a timeline, links to its deliveries and requests, actions', async () => {
    const text = await page(`/transfers/${ids.inbound}`)
    const wire = (await api(MX_KEY).get(`/v2/transfers/${ids.inbound}`)).body
    expect(wire.status).toBe('succeeded')
    expect(text).toContain(wire.tracking_key)
    expect(text).toContain('$1.500,00 MXN')
    expect(text).toContain('transfer.inbound.succeeded')
    expect(text).toContain(X_SHOWN)
    expect(text).toContain(`/__admin/ui/deliveries?resource_id=${ids.inbound}`)
    expect(text).toContain(`/__admin/ui/requests?resource_id=${ids.inbound}`)
    expect(text).toContain('sk_test_****9Kd2')
    expect(text).not.toContain('sk_test_****Zq7w')
    // succeeded inbound: the only forced move is a return
    expect(text).toContain(`data-action="/__admin/fintoc/transfers/${ids.inbound}/transition"`)
    expect(text).toContain('<option selected>return_pending</option>')
    const pending = await page(`/transfers/${ids.pending}`)
    expect(pending).toContain('<option selected>succeeded</option><option>failed</option><option>rejected</option>')
    await page('/transfers/tr_doesnotexist', 404)
  })

  it('payment intents, checkout sessions and refunds: lists, pages, statuses as Fintoc writes them', async () => {
    const intents = await page('/payment_intents')
    expect(rowIds(intents, 'payment_intents', 'pi')).toEqual([ids.openIntent, ids.paidIntent])
    expect(intents).toContain('$10.000 CLP')
    expect(rowIds(await page('/payment_intents?status=succeeded'), 'payment_intents', 'pi')).toEqual([ids.paidIntent])
    const paid = await page(`/payment_intents/${ids.paidIntent}`)
    expect(paid).toContain('payment_intent.succeeded')
    expect(paid).toContain(`/__admin/ui/fintoc/refunds/${ids.refund}`)
    expect(paid).toContain(X_SHOWN)
    expect(paid).not.toContain('_sec_')
    const open = await page(`/payment_intents/${ids.openIntent}`)
    expect(open).toContain(`data-action="/__admin/fintoc/payment_intents/${ids.openIntent}/pay"`)
    expect(open).toContain(`data-action="/__admin/fintoc/payment_intents/${ids.openIntent}/transition"`)

    const sessions = await page('/checkout_sessions')
    expect(rowIds(sessions, 'checkout_sessions', 'cs')).toEqual([ids.legacySession, ids.session])
    expect(sessions).toContain('$350.000 CLP')
    expect(sessions).toContain(X_SHOWN)
    for (const id of [ids.session, ids.legacySession]) {
      const cs = await page(`/checkout_sessions/${id}`)
      expect(cs).toContain(X_SHOWN)
      expect(cs).toContain(`data-action="/__admin/fintoc/checkout_sessions/${id}/pay"`)
      expect(cs).not.toContain('_sec_')
    }

    const refunds = await page('/refunds')
    expect(rowIds(refunds, 'refunds', 're')).toEqual([ids.refund])
    expect(refunds).toContain('$2.500 CLP')
    const refund = await page(`/refunds/${ids.refund}`)
    expect(refund).toContain('pending')
    expect(refund).toContain(X_SHOWN)
    expect(refund).toContain(`data-action="/__admin/fintoc/refunds/${ids.refund}/transition"`)
    await page('/payment_intents/pi_nope', 404)
    await page('/checkout_sessions/cs_nope', 404)
    await page('/refunds/re_nope', 404)
  })

  it('webhook endpoints: secrets masked, URL passwords masked, descriptions escaped', async () => {
    const list = await page('/webhook_endpoints')
    expect(rowIds(list, 'webhook_endpoints', 'we')).toContain('we_dashCl1')
    expect(rowIds(list, 'webhook_endpoints', 'we')).toContain(ids.mxEndpoint)
    expect(list).toContain('https://hooks:****@hooks.example/fintoc')
    expect(list).toContain(X_SHOWN)
    const detail = await page('/webhook_endpoints/we_dashCl1')
    expect(detail).toContain('****_Pp4r'.slice(0, 4) + WH_SECRET.slice(-4))
    expect(detail).toContain(X_SHOWN)
    await page('/webhook_endpoints/we_nope', 404)
  })

  it('action forms post to control routes that exist and do what the form says', async () => {
    /** the form's target and its fields' default values, as the shell's script would send them */
    const form = (text: string, title: string) => {
      const at = text.indexOf(`<h3>${title}</h3>`)
      expect(at, title).toBeGreaterThan(-1)
      const start = text.lastIndexOf('<form', at)
      const body = text.slice(start, text.indexOf('</form>', at))
      const action = /data-action="([^"]+)"/.exec(body)![1]!
      const values: Record<string, string> = {}
      for (const m of body.matchAll(/<input [^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) if (m[2]) values[m[1]!] = m[2]
      for (const m of body.matchAll(/<select [^>]*name="([^"]+)"[^>]*>.*?<option selected>([^<]*)<\/option>/g)) values[m[1]!] = m[2]!
      return { action, values }
    }
    const post = async (f: { action: string; values: Record<string, string> }, extra: Record<string, string> = {}) => sb.http.post(f.action).send({ ...f.values, ...extra })

    const failed = await post(form(await page(`/transfers/${ids.pending}`), 'Force a transition'), { to: 'failed', reason: 'dashboard' })
    expect(failed.status).toBe(200)
    expect((await api(MX_KEY).get(`/v2/transfers/${ids.pending}`)).body).toMatchObject({ status: 'failed', return_reason: 'dashboard' })
    expect(await page(`/transfers/${ids.pending}`)).toContain('transfer.outbound.failed')

    // the pay form's defaults are the quickstart's succeeding values
    const paid = await post(form(await page(`/payment_intents/${ids.openIntent}`), 'Pay with a test value'))
    expect(paid.status).toBe(200)
    expect(paid.body.status).toBe('in_progress')

    const expired = await post(form(await page(`/checkout_sessions/${ids.legacySession}`), 'Force a transition'), { to: 'expired' })
    expect(expired.status).toBe(200)
    expect((await api(CL_KEY).get(`/v1/checkout_sessions/${ids.legacySession}`)).body.status).toBe('expired')
    expect(await page(`/checkout_sessions/${ids.legacySession}`)).toContain('checkout_session.expired')

    const canceled = await post(form(await page(`/refunds/${ids.refund}`), 'Force a transition'), { to: 'canceled' })
    expect(canceled.status).toBe(200)
    expect((await api(CL_KEY).get(`/v1/refunds/${ids.refund}`)).body.status).toBe('canceled')
  })

  it('unknown pages answer 404 inside the dashboard; ids and filters named like Object members name nothing', async () => {
    const text = await page('/nothing-here', 404)
    expect(text).toContain('<html')
    for (const kind of ['organizations', 'accounts', 'account_numbers', 'transfers', 'payment_intents', 'checkout_sessions', 'refunds', 'webhook_endpoints']) {
      for (const id of ['constructor', '__proto__', 'toString']) await page(`/${kind}/${id}`, 404)
    }
    for (const q of ['org=constructor', 'account=__proto__', 'id=constructor', 'org=__proto__&status=pending', 'page=-3&limit=abc', 'limit=100000']) {
      expect(await page(`/transfers?${q}`)).toContain('<form class="filters"')
    }
    expect(await page('/transfers?org=constructor')).toContain('No transfer matches')
    expect(await page('/payment_intents?org=toString')).toContain('Nothing matches')
  })
})

describe('the section for the shell', () => {
  const section = () => sb.providers.find((p) => p.name === 'fintoc')!.dashboard!

  it('counts what the API lists', async () => {
    const c = section().counts()
    expect(c).toEqual({ organizations: 2, accounts: 4, transfers: 4, payment_intents: 2, checkout_sessions: 2, refunds: 1, webhook_endpoints: 2 })
    expect((await api(MX_KEY).get('/v2/transfers')).body).toHaveLength(3)
  })

  it('resourcePath: the page of each kind of resource, an event its resource’s, unknown ids none', async () => {
    const path = section().resourcePath!
    expect(path(ids.outbound)).toBe(`/transfers/${ids.outbound}`)
    expect(path(ids.paidIntent)).toBe(`/payment_intents/${ids.paidIntent}`)
    expect(path(ids.session)).toBe(`/checkout_sessions/${ids.session}`)
    expect(path(ids.refund)).toBe(`/refunds/${ids.refund}`)
    expect(path('acc_dashCl1')).toBe('/accounts/acc_dashCl1')
    expect(path('acno_dashCl1')).toBe('/account_numbers/acno_dashCl1')
    expect(path('we_dashCl1')).toBe('/webhook_endpoints/we_dashCl1')
    const events = (await sb.http.get('/__admin/state?provider=fintoc')).body.events as Record<string, { type: string; transfer?: { transferId: string } }>
    const settled = Object.values(events).find((e) => e.type === 'transfer.inbound.succeeded' && e.transfer?.transferId === ids.inbound)! as unknown as { id: string }
    expect(path(settled.id)).toBe(`/transfers/${ids.inbound}`)
    expect(path('tr_unknown')).toBeUndefined()
    expect(path('constructor')).toBeUndefined()
  })
})

describe('timelines across a snapshot restore', () => {
  it('a restored state’s events are found, and so are events recorded after it', async () => {
    const snapshot = await sb.http.get('/__admin/snapshot')
    expect(snapshot.status).toBe(200)
    expect((await sb.http.post('/__admin/snapshot').send(snapshot.body)).status).toBe(200)
    expect(await page(`/transfers/${ids.inbound}`)).toContain('transfer.inbound.succeeded')
    const t = await api(MX_KEY).post('/v2/simulate/receive_transfer', { account_number_id: ids.mxNumber, amount: 1, currency: 'mxn' })
    expect(await page(`/transfers/${t.id}`)).not.toContain('transfer.inbound.succeeded')
    await advance(SETTLE)
    expect(await page(`/transfers/${t.id}`)).toContain('transfer.inbound.succeeded')
  })
})

describe('POST /__admin/fintoc/account_numbers/{id}/receive_transfer', () => {
  it('receives a simulated inbound transfer in the account’s currency, shown by the API and the dashboard', async () => {
    const res = await admin('/fintoc/account_numbers/acno_dashCl1/receive_transfer', { amount: 7000, comment: X, counterparty_holder_name: 'Payer' })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ object: 'transfer', direction: 'inbound', status: 'pending', amount: 7000, currency: 'CLP', comment: X })
    const wire = (await api(CL_KEY).get(`/v2/transfers/${res.body.id}`)).body
    expect(wire.account_number.id).toBe('acno_dashCl1')
    await advance(SETTLE)
    expect((await api(CL_KEY).get('/v2/accounts/acc_dashCl1')).body.available_balance).toBe(7000)
    const text = await page(`/transfers/${res.body.id}`)
    expect(text).toContain('$7.000 CLP')
    expect(text).toContain('transfer.inbound.succeeded')
  })

  it('refuses bad input with the admin envelope naming the field, an unknown number with 404, a disabled one with 409', async () => {
    const bad = await admin(`/fintoc/account_numbers/${ids.mxNumber}/receive_transfer`, { amount: 0 })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues.join(' ')).toContain('$.amount')
    const extra = await admin(`/fintoc/account_numbers/${ids.mxNumber}/receive_transfer`, { amount: 5, currency: 'CLP' })
    expect(extra.status).toBe(400)
    expect(extra.body.error.issues.join(' ')).toContain('currency')
    const unknown = await admin('/fintoc/account_numbers/acno_nope/receive_transfer', { amount: 5 })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toContain('acno_nope')
    await sb.http.patch(`/fintoc/v2/account_numbers/${ids.extraNumber}`).set('Authorization', MX_KEY).send({ status: 'disabled' })
    const before = (await api(MX_KEY).get('/v2/transfers')).body.length
    const disabled = await admin(`/fintoc/account_numbers/${ids.extraNumber}/receive_transfer`, { amount: 5 })
    expect(disabled.status).toBe(409)
    expect(disabled.body.error.message).toContain('disabled')
    expect((await api(MX_KEY).get('/v2/transfers')).body.length).toBe(before)
  })
})

/** a state of `n` transfers over three organizations, each with one event, built directly (as a snapshot would hold it) */
function bigState(n: number): FintocState {
  const s = initialFintocState()
  const t0 = Date.parse('2026-01-01T00:00:00Z')
  const orgIds = ['org_a', 'org_b', 'org_c']
  orgIds.forEach((id, i) => {
    s.orgs[id] = { id, mode: 'test', keyHint: `sk_test_****000${i}`, createdAt: t0, entityIds: [`ent_${i}`], accountIds: [`acc_${i}`], accountNumberIds: [`acno_${i}`], transferIds: [], verificationIds: [], webhookEndpointIds: [], paymentIntentIds: [], refundIds: [], jwsPublicKeys: [] }
    s.entities[`ent_${i}`] = { id: `ent_${i}`, orgId: id, holder_name: 'Holder', holder_id: 'ND', is_root: true }
    s.accounts[`acc_${i}`] = { id: `acc_${i}`, orgId: id, entityId: `ent_${i}`, description: null, currency: 'MXN', available_balance: 0, status: 'active', is_root: true, rootAccountNumberId: `acno_${i}`, movementIds: [], createdAt: t0 }
    s.accountNumbers[`acno_${i}`] = { id: `acno_${i}`, orgId: id, account_id: `acc_${i}`, number: `73596900000000000${i}`, description: null, metadata: {}, status: 'enabled', is_root: true, createdAt: t0, updatedAt: t0 }
  })
  const counterparty = { holder_id: null, holder_name: 'Someone', account_number: '012180015530983477', account_type: 'clabe', institution: null }
  for (let k = 0; k < n; k++) {
    const i = k % 3
    const id = `tr_${String(k).padStart(27, '0')}`
    const status = k % 1000 === 0 ? 'failed' : 'succeeded'
    const t: TransferRecord = { id, orgId: orgIds[i]!, accountId: `acc_${i}`, accountNumberId: `acno_${i}`, direction: k % 2 ? 'inbound' : 'outbound', status, amount: 100 + k, currency: 'MXN', comment: null, reference_id: null, metadata: null, counterparty, tracking_key: String(k), transactionDate: t0 + k * 1000, postDate: null, returnReason: null, plannedOutcome: 'succeeded', returnFails: false }
    s.transfers[id] = t
    s.orgs[orgIds[i]!]!.transferIds.push(id)
    const evt = `evt_${String(k).padStart(27, '0')}`
    s.events[evt] = { id: evt, orgId: t.orgId, type: 'transfer.outbound.succeeded', createdAt: t.transactionDate, data: null, transfer: { transferId: id, status, postDate: null, returnReason: null } }
  }
  return s
}

describe('scale', () => {
  it('renders pages over 100,000 transfers (timings printed, not asserted)', () => {
    const state = { data: bigState(100_000) }
    const section = createFintocDashboard(state)
    const byPath = (p: string) => section.pages.find((pg) => pg.path === p)!
    const render = (p: string, query: Record<string, string> = {}, params: Record<string, string> = {}) =>
      byPath(p).render({ params, query, now: Date.parse('2026-02-01T00:00:00Z'), base: '/__admin/ui' })!.text
    const time = (label: string, fn: () => unknown) => {
      fn()
      const runs = 5
      const start = performance.now()
      for (let i = 0; i < runs; i++) fn()
      const ms = (performance.now() - start) / runs
      console.log(`[dashboard-fintoc] ${label}: ${ms.toFixed(2)} ms`)
      return ms
    }
    const first = render('/transfers')
    expect(rowIds(first, 'transfers', 'tr')[0]).toBe(`tr_${String(99_999).padStart(27, '0')}`)
    expect(first).toContain('1–50 of 100000')
    expect(render('/transfers', { status: 'failed' })).toContain('1–50 of 100')
    time('transfers, page 1', () => render('/transfers'))
    time('transfers, page 100', () => render('/transfers', { page: '100' }))
    time('transfers, status=failed (rare)', () => render('/transfers', { status: 'failed' }))
    time('transfers, org filter', () => render('/transfers', { org: 'org_b' }))
    time('transfers, id search (substring)', () => render('/transfers', { id: '0000099' }))
    time('transfers, id search (a whole id)', () => render('/transfers', { id: `tr_${String(777).padStart(27, '0')}` }))
    const cold = createFintocDashboard(state)
    const t0 = performance.now()
    cold.pages.find((pg) => pg.path === '/transfers/:id')!.render({ params: { id: `tr_${String(5).padStart(27, '0')}` }, query: {}, now: 0, base: '/__admin/ui' })
    console.log(`[dashboard-fintoc] first transfer page (builds the event index): ${(performance.now() - t0).toFixed(2)} ms`)
    time('transfer page (indexed events)', () => render('/transfers/:id', {}, { id: `tr_${String(5).padStart(27, '0')}` }))
    time('counts()', () => section.counts())
    time('organizations', () => render('/organizations'))
  })

  it('answers GET /__admin/ui/fintoc/transfers over HTTP with 100,000 stored transfers (timings printed)', async () => {
    const big = await makeSandbox({ env: { FINTOC_JWS: 'off' }, logLevel: 'silent' })
    try {
      const key = 'sk_test_dashboard_big_0001'
      const account = (await big.http.get('/fintoc/v2/accounts').set('Authorization', key)).body[0]
      // written straight into the in-memory state (no DATA_FILE): the records the API would have made, 100k times
      const s = (big.store.data as unknown as { fintoc: FintocState }).fintoc
      const org = s.orgs[s.accounts[account.id]!.orgId]!
      const template = bigState(1).transfers[`tr_${'0'.repeat(27)}`]!
      const t0 = big.clock.now()
      for (let k = 0; k < 100_000; k++) {
        const id = big.ids.prefixed('tr')
        s.transfers[id] = { ...template, id, orgId: org.id, accountId: account.id, accountNumberId: account.root_account_number_id, transactionDate: t0 + k, status: k % 1000 === 0 ? 'failed' : 'succeeded' }
        org.transferIds.push(id)
      }
      const get = async (path: string) => {
        const times: number[] = []
        let text = ''
        for (let r = 0; r < 5; r++) {
          const start = performance.now()
          const res = await big.http.get(`/__admin/ui/fintoc${path}`)
          times.push(performance.now() - start)
          expect(res.status).toBe(200)
          text = res.text
        }
        times.sort((a, b) => a - b)
        console.log(`[dashboard-fintoc] HTTP GET ${path}: median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)})`)
        return text
      }
      expect(await get('/transfers')).toContain('1–50 of 100000')
      await get('/transfers?page=200')
      expect(await get('/transfers?status=failed')).toContain('1–50 of 100')
      await get(`/transfers/${org.transferIds[50_000]}`)
      await get('/organizations')
    } finally {
      await big.close()
    }
  })
})
