import { afterEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Issue #18, the dashboard shell at /__admin/ui over real HTTP: login with ADMIN_TOKEN, layout, overview and clock,
// webhook deliveries, the journal, 404s in the layout, and stored markup shown as text on every page.

const KEY = 'sk_test_dashboard'
const UI = '/__admin/ui'
// each fits a 40-character free-text field
const SCRIPT = '<script>window.__xss=1</script>'
const IMG = '<img src=x onerror="window.__xss=1">'

let sb: TestSandbox
let receiver: Receiver | undefined
afterEach(async () => {
  await receiver?.close()
  receiver = undefined
  await sb?.close()
})

const fintoc = {
  get: (url: string) => sb.http.get(`/fintoc${url}`).set('Authorization', KEY),
  post: (url: string, body: object) => sb.http.post(`/fintoc${url}`).set('Authorization', KEY).send(body),
}
const advance = (ms: number, auth: Record<string, string> = {}) => sb.http.post('/__admin/clock/advance').set(auth).send({ ms })

/** a pending inbound transfer into the organization's root account */
async function inbound(amount: number, extra: object = {}) {
  const account = (await fintoc.get('/v2/accounts')).body[0] as { root_account_number_id: string; id: string }
  const res = await fintoc.post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount, currency: 'mxn', ...extra })
  expect(res.status).toBe(201)
  return { transfer: res.body as { id: string }, requestId: res.headers['x-request-id'] as string, account }
}

/** the page's <main>, to assert on what the page shows rather than the navigation */
const main = (text: string) => /<main[^>]*>([\s\S]*)<\/main>/.exec(text)?.[1] ?? ''

describe('login with ADMIN_TOKEN', () => {
  const TOKEN = 'dashboard-admin-token-1234567890'

  it('shows a labelled login form (401, in the layout) until the right token is given, then the page; bearer works too', async () => {
    sb = await makeSandbox({ env: { ADMIN_TOKEN: TOKEN } })
    const gate = await sb.http.get(`${UI}/deliveries?outcome=failed`)
    expect(gate.status).toBe(401)
    expect(gate.headers['content-type']).toMatch(/^text\/html/)
    expect(gate.text).toContain('<label for="token">Admin token</label>')
    expect(gate.text).toContain('id="token" name="token" type="password"')
    expect(gate.text).toContain('<header class="top">')
    // nothing of the sandbox's content, nor its navigation, before logging in
    expect(gate.text).not.toContain('Webhook deliveries')
    expect(gate.text).not.toContain(`href="${UI}/requests"`)
    expect(gate.text).toContain(`name="next" value="${UI}/deliveries?outcome=failed"`)

    const wrong = await sb.http.post(`${UI}/login`).type('form').send({ token: 'not-the-token', next: `${UI}/deliveries?outcome=failed` })
    expect(wrong.status).toBe(401)
    expect(wrong.text).toContain('That token is not this sandbox’s ADMIN_TOKEN.')
    expect(wrong.text).toContain('<label for="token">Admin token</label>')
    expect(wrong.headers['set-cookie']).toBeUndefined()
    const empty = await sb.http.post(`${UI}/login`).type('form').send({ token: '' })
    expect(empty.status).toBe(401)
    expect(empty.text).toContain('Enter the admin token.')

    const right = await sb.http.post(`${UI}/login`).type('form').send({ token: TOKEN, next: `${UI}/deliveries?outcome=failed` })
    expect(right.status).toBe(303)
    expect(right.headers.location).toBe(`${UI}/deliveries?outcome=failed`)
    const cookie = (right.headers['set-cookie'] as unknown as string[])[0]!
    expect(cookie).toMatch(/^fmm_admin_token=/)
    // the cookie is derived from the token, never the token itself
    expect(cookie).not.toContain(TOKEN)
    expect((await sb.http.get(UI).set('Cookie', `fmm_admin_token=${TOKEN}`)).status).toBe(401)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\/__admin/)
    const pair = cookie.split(';')[0]!

    const page = await sb.http.get(`${UI}/deliveries?outcome=failed`).set('Cookie', pair)
    expect(page.status).toBe(200)
    expect(main(page.text)).toContain('Webhook deliveries')
    expect(page.text).toContain(`href="${UI}/logout"`)
    // the cookie opens the control API too (the dashboard's action forms use it)
    expect((await sb.http.get('/__admin/clock').set('Cookie', pair)).status).toBe(200)
    const bearer = await sb.http.get(`${UI}/requests`).set('Authorization', `Bearer ${TOKEN}`)
    expect(bearer.status).toBe(200)
    expect(main(bearer.text)).toContain('Requests')
    // a wrong cookie is no way in
    expect((await sb.http.get(UI).set('Cookie', 'fmm_admin_token=nope')).status).toBe(401)

    const out = await sb.http.get(`${UI}/logout`).set('Cookie', pair)
    expect(out.status).toBe(303)
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(/^fmm_admin_token=;.*Expires=Thu, 01 Jan 1970/)
  })

  it('never redirects elsewhere after logging in', async () => {
    sb = await makeSandbox({ env: { ADMIN_TOKEN: TOKEN } })
    for (const next of ['https://evil.example/', '//evil.example/x', '/__admin/uix', '/__admin/state']) {
      const res = await sb.http.post(`${UI}/login`).type('form').send({ token: TOKEN, next })
      expect(res.status, next).toBe(303)
      expect(res.headers.location, next).toBe(UI)
    }
  })

  it('without ADMIN_TOKEN there is no login: the pages open and no logout link is shown', async () => {
    sb = await makeSandbox()
    const res = await sb.http.get(UI)
    expect(res.status).toBe(200)
    expect(res.text).not.toContain('Log out')
    expect(res.text).not.toContain('name="token"')
  })
})

describe('layout and overview', () => {
  it('GET / redirects to the dashboard', async () => {
    sb = await makeSandbox()
    const res = await sb.http.get('/')
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe(UI)
  })

  it('shows the version, the clock and its mode, each provider’s counts and navigation; advancing the clock changes what it shows', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    await inbound(100)
    await inbound(200)
    const res = await sb.http.get(UI)
    expect(res.status).toBe(200)
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    const version = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8')).version as string
    expect(res.text).toContain(`v${version}`)
    expect(res.text).toContain('<time datetime="2026-01-15T12:00:00.000Z">2026-01-15T12:00:00.000Z</time> <span class="mode">(manual clock)</span>')
    // the navigation: overview, each provider's pages under its name, then the shell's pages
    const nav = /<nav class="side"[\s\S]*?<\/nav>/.exec(res.text)![0]
    const order = [`href="${UI}"`, '<h2>fintoc</h2>', '<h2>monato</h2>', `href="${UI}/deliveries"`, `href="${UI}/requests"`, `href="${UI}/actions"`].map((s) => nav.indexOf(s))
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(nav).toContain(`href="${UI}/fintoc/transfers"`)
    expect(nav).toContain(' aria-current="page">Overview</a>')
    // counts as the providers report them
    const counts = sb.providers.find((p) => p.name === 'fintoc')!.dashboard!.counts()
    expect(counts.transfers).toBe(2)
    expect(main(res.text)).toMatch(/<caption>fintoc<\/caption>[\s\S]*<td>transfers<\/td><td>2<\/td>/)
    expect(main(res.text)).toContain('<caption>monato</caption>')
    expect(main(res.text)).toContain('data-action="/__admin/clock/advance"')
    expect(main(res.text)).toContain('Advance 1 min')
    expect(main(res.text)).toContain('Switch to real time')

    expect((await advance(60_000)).status).toBe(200)
    const after = await sb.http.get(UI)
    expect(after.text).toContain('<time datetime="2026-01-15T12:01:00.000Z">2026-01-15T12:01:00.000Z</time>')
    // the live refresh's partial answer: the clock and <main>, no navigation, no stylesheet
    const part = await sb.http.get(UI).set('X-Dashboard-Partial', '1')
    expect(part.status).toBe(200)
    expect(part.text.startsWith('<span id="clock"><time datetime="2026-01-15T12:01:00.000Z">')).toBe(true)
    expect(part.text).toContain('<main id="main"')
    expect(part.text).not.toContain('<nav class="side"')
    expect(part.text).not.toContain('<link rel="stylesheet"')
  })

  it('serves its stylesheet and script', async () => {
    sb = await makeSandbox()
    const css = await sb.http.get(`${UI}/assets/dashboard.css`)
    expect(css.status).toBe(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
    expect(css.text).toContain(':focus-visible')
    const js = await sb.http.get(`${UI}/assets/dashboard.js`)
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toMatch(/javascript/)
    expect(js.text).toContain('X-Dashboard-Partial')
    expect(() => new Function(js.text)).not.toThrow()
  })

  it('answers unknown pages and unknown resources with 404 inside the layout', async () => {
    sb = await makeSandbox()
    for (const path of [`${UI}/nope`, `${UI}/deliveries/whd_nope`, `${UI}/requests/nope`, `${UI}/fintoc/transfers/tr_nope`, `${UI}/fintoc/nope`]) {
      const res = await sb.http.get(path)
      expect(res.status, path).toBe(404)
      expect(res.headers['content-type'], path).toMatch(/^text\/html/)
      expect(res.text, path).toContain('<nav class="side"')
      expect(main(res.text), path).toContain('Not found')
    }
    // a page that went away answers the live refresh with 200 and says so in a header (no browser error)
    const part = await sb.http.get(`${UI}/nope`).set('X-Dashboard-Partial', '1')
    expect(part.status).toBe(200)
    expect(part.headers['x-dashboard-status']).toBe('404')
  })
})

describe('webhook deliveries', () => {
  it('lists deliveries newest first with filters and paging; the detail shows every attempt, the payload and a redeliver form', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', WEBHOOK_MAX_RETRIES: '0' } })
    receiver = await startReceiver()
    receiver.respond(() => 500)
    const ep = await fintoc.post('/v1/webhook_endpoints', { url: `${receiver.url.replace('127.0.0.1', 'user:pw-secret@127.0.0.1')}`, enabled_events: ['transfer.inbound.succeeded'] })
    expect(ep.status).toBe(201)
    const first = await inbound(100)
    await inbound(200)
    await inbound(300)
    // settles all three; each event's first (and only) attempt gets the receiver's 500
    await advance(1000)
    await advance(0)
    const failed = (await sb.http.get('/__admin/webhooks/deliveries?outcome=failed')).body.data as Array<{ id: string; resource_id?: string; resourceId: string }>
    expect(failed).toHaveLength(3)
    const mine = failed.find((d) => d.resourceId === first.transfer.id)!

    const list = await sb.http.get(`${UI}/deliveries`)
    expect(list.status).toBe(200)
    const body = main(list.text)
    // newest first, as the control API lists them
    const at = failed.map((d) => body.indexOf(`${UI}/deliveries/${d.id}"`))
    expect(at.every((i) => i >= 0)).toBe(true)
    expect([...at].sort((a, b) => a - b)).toEqual(at)
    expect(body).toContain('transfer.inbound.succeeded')
    // the receiver URL's password is masked
    expect(list.text).not.toContain('pw-secret')
    expect(body).toContain('user:****@127.0.0.1')
    // the resource links to the provider's page and to the requests that named it
    expect(body).toContain(`href="${UI}/fintoc/transfers/${first.transfer.id}"`)
    expect(body).toContain(`href="${UI}/requests?resource_id=${first.transfer.id}"`)

    // filters
    expect(main((await sb.http.get(`${UI}/deliveries?outcome=succeeded`)).text)).toContain('No delivery matches these filters.')
    const byResource = main((await sb.http.get(`${UI}/deliveries?resource_id=${first.transfer.id}`)).text)
    expect(byResource).toContain(`${UI}/deliveries/${mine.id}"`)
    expect(byResource.match(new RegExp(`${UI}/deliveries/whd_`, 'g'))).toHaveLength(1)
    expect(main((await sb.http.get(`${UI}/deliveries?provider=monato`)).text)).toContain('No delivery matches these filters.')
    expect(main((await sb.http.get(`${UI}/deliveries?event_type=transfer.inbound.succeeded&provider=fintoc`)).text).match(new RegExp(`${UI}/deliveries/whd_`, 'g'))).toHaveLength(3)

    // paging: 2 a page, the filters kept in the links
    const p1 = main((await sb.http.get(`${UI}/deliveries?limit=2&provider=fintoc`)).text)
    expect(p1.match(new RegExp(`${UI}/deliveries/whd_`, 'g'))).toHaveLength(2)
    expect(p1).toContain('1–2 of 3')
    expect(p1).toContain('href="/__admin/ui/deliveries?limit=2&#38;provider=fintoc&#38;page=2">Next →</a>')
    const p2 = main((await sb.http.get(`${UI}/deliveries?limit=2&provider=fintoc&page=2`)).text)
    expect(p2.match(new RegExp(`${UI}/deliveries/whd_`, 'g'))).toHaveLength(1)
    expect(p2).toContain('3–3 of 3')
    expect(p2).toContain('← Previous')

    const detail = await sb.http.get(`${UI}/deliveries/${mine.id}`)
    expect(detail.status).toBe(200)
    const d = main(detail.text)
    expect(d).toContain(`Delivery ${mine.id}`)
    expect(d).toContain('<span class="status bad">failed</span>')
    expect(d).toMatch(/<caption>Attempts<\/caption>[\s\S]*<td>1<\/td><td><time[^>]*>2026-01-15T12:00:01.000Z<\/time>[\s\S]*user:\*\*\*\*@127\.0\.0\.1[\s\S]*<span class="status bad">500<\/span><\/td><td>\d+ ms<\/td>/)
    expect(d).toContain('Signed payload')
    expect(d).toContain(`&#34;id&#34;: &#34;${first.transfer.id}&#34;`)
    expect(d).toContain(`data-action="/__admin/webhooks/deliveries/${mine.id}/redeliver" data-method="POST"`)
    expect(detail.text).not.toContain('pw-secret')

    // the redeliver button's call, once the receiver accepts: the page shows the second attempt
    receiver.respond(() => 200)
    const again = await sb.http.post(`/__admin/webhooks/deliveries/${mine.id}/redeliver`).send({})
    expect(again.status).toBe(200)
    const d2 = main((await sb.http.get(`${UI}/deliveries/${mine.id}`)).text)
    expect(d2).toContain('<span class="status good">succeeded</span>')
    expect(d2).toMatch(/<td>2<\/td>[\s\S]*<span class="status good">200<\/span>/)
  })
})

describe('requests (the journal)', () => {
  it('lists requests with filters; the detail shows the request and the response, masked', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    const { transfer, requestId } = await inbound(5000)
    await fintoc.get(`/v2/transfers/${transfer.id}`)
    await fintoc.get('/v2/transfers/tr_missing')

    const list = main((await sb.http.get(`${UI}/requests`)).text)
    expect(list).toContain(`href="${UI}/requests/${requestId}"`)
    expect(list).toContain('<code>/fintoc/v2/simulate/receive_transfer</code>')
    const posts = main((await sb.http.get(`${UI}/requests?method=POST`)).text)
    expect(posts).toContain('/fintoc/v2/simulate/receive_transfer')
    expect(posts).not.toContain(`/fintoc/v2/transfers/${transfer.id}`)
    const byResource = main((await sb.http.get(`${UI}/requests?resource_id=${transfer.id}`)).text)
    // the request that created it (the id is in its response) and the one that read it
    expect(byResource).toContain(`href="${UI}/requests/${requestId}"`)
    expect(byResource).toContain(`<code>/fintoc/v2/transfers/${transfer.id}</code>`)
    expect(byResource).not.toContain('tr_missing')
    const errors = main((await sb.http.get(`${UI}/requests?status=4xx`)).text)
    expect(errors).toContain('tr_missing')
    expect(errors).not.toContain('receive_transfer')
    expect(main((await sb.http.get(`${UI}/requests?provider=monato`)).text)).toContain('No request matches these filters.')
    // the overview lists the 404 among recent errors
    expect(main((await sb.http.get(UI)).text)).toMatch(/Recent errors[\s\S]*GET \/fintoc\/v2\/transfers\/tr_missing/)
    // a filter the journal refuses is said on the page, not a 500
    const bad = await sb.http.get(`${UI}/requests?status=abc`)
    expect(bad.status).toBe(200)
    expect(main(bad.text)).toContain('These filters cannot be applied')
    expect(main(bad.text)).toContain('status: must be a status code')

    const detail = await sb.http.get(`${UI}/requests/${requestId}`)
    expect(detail.status).toBe(200)
    const d = main(detail.text)
    expect(d).toContain('POST /fintoc/v2/simulate/receive_transfer')
    expect(d).toMatch(/<h2>Request<\/h2>[\s\S]*&#34;amount&#34;: 5000/)
    expect(d).toMatch(/<h2>Response<\/h2>[\s\S]*&#34;id&#34;: &#34;tr_/)
    expect(d).toContain(`href="${UI}/fintoc/transfers/${transfer.id}"`)
    // the API key is masked as the journal masks it
    expect(detail.text).not.toContain(KEY)
    expect(d).toContain('sk_test_****oard')
  })
})

describe('actions', () => {
  it('offers reset, snapshot download, scenario upload and faults; a fault added through the API is listed', async () => {
    sb = await makeSandbox()
    expect((await sb.http.post('/__admin/faults').send({ provider: 'fintoc', path: '/v2/transfers*', status: 503 })).status).toBe(201)
    const res = await sb.http.get(`${UI}/actions`)
    expect(res.status).toBe(200)
    const m = main(res.text)
    expect(m).toContain('data-action="/__admin/reset" data-method="POST"')
    expect(m).toContain('href="/__admin/snapshot?download=1"')
    expect(m).toContain('data-action="/__admin/scenarios"')
    expect(m).toContain('<label for="scenario-file">')
    expect(m).toContain('data-action="/__admin/faults" data-method="POST"')
    expect(m).toContain('data-action="/__admin/faults" data-method="DELETE"')
    expect(m).toContain('/v2/transfers*')
    const snap = await sb.http.get('/__admin/snapshot?download=1')
    expect(snap.status).toBe(200)
    expect(snap.headers['content-disposition']).toBe('attachment; filename="snapshot-2026-01-15T12-00-00-000Z.json"')
    expect(snap.body.version).toBe(1)
    expect((await sb.http.get('/__admin/snapshot')).headers['content-disposition']).toBeUndefined()
  })

  it('an action the API refuses answers its own error envelope, which the script shows next to the form', async () => {
    sb = await makeSandbox()
    const res = await sb.http.post('/__admin/clock/advance').send({ ms: -5 })
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('invalid request body')
    expect(res.body.error.issues[0]).toMatch(/^\$\.ms: /)
    const js = (await sb.http.get(`${UI}/assets/dashboard.js`)).text
    expect(js).toContain('err.message')
    expect(js).toContain('err.issues')
  })
})

describe('stored markup is escaped on every page', () => {
  it('a <script> in a Fintoc transfer’s comment and metadata and a Monato holder name shows as text', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', MONATO_SETTLE_DELAY_MS: '1000' } })
    const { account } = await inbound(100_000, { comment: SCRIPT })
    await advance(1000)
    const out = await fintoc.post('/v2/transfers', { amount: 1000, currency: 'MXN', account_id: account.id, comment: SCRIPT, metadata: { note: IMG }, counterparty: { account_number: '735969000000203297', holder_name: IMG } })
    expect(out.status).toBe(201)
    const token = await monatoToken(sb)
    const instrument = await sb.http
      .post(`/monato/v1/clients/${MONATO.clientId}/instruments`)
      .set('Authorization', `Bearer ${token}`)
      .send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: SCRIPT, virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: IMG } })
    expect(instrument.status).toBe(200)
    const moneyOut = await sb.http
      .post('/monato/v1/transactions/money_out')
      .set('Authorization', `Bearer ${token}`)
      .send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: instrument.body.id, transaction_request: { external_reference: '1234567', description: SCRIPT, amount: '1.95', currency: 'MXN' } })
    expect(moneyOut.status).toBe(200)
    await advance(1000)

    const journal = (await sb.http.get('/__admin/requests?method=POST')).body.data as Array<{ requestId: string }>
    const pages = [
      UI,
      `${UI}/requests`,
      ...journal.map((e) => `${UI}/requests/${e.requestId}`),
      `${UI}/deliveries`,
      `${UI}/fintoc/transfers`,
      `${UI}/fintoc/transfers/${out.body.id}`,
      `${UI}/monato/transactions`,
      `${UI}/monato/transactions/${moneyOut.body.id}`,
      `${UI}/monato/instruments/${instrument.body.id}`,
    ]
    let shown = 0
    for (const path of pages) {
      const res = await sb.http.get(path)
      expect(res.status, path).toBe(200)
      expect(res.text, path).not.toContain('<script>window')
      expect(res.text, path).not.toContain('<img src=x')
      if (res.text.includes('&#60;script&#62;window.__xss=1&#60;/script&#62;')) shown++
    }
    // the request details and the providers' pages show the value, as text
    expect(shown).toBeGreaterThanOrEqual(journal.length + 3)
  })
})
