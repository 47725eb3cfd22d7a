import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatAmount } from '../src/providers/fintoc/amount-format.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #17 item 3 over HTTP (no browser): the hosted checkout stand-in at /fintoc/checkout/<id>. Amounts, bank
// names, the form's refusals, sessions that can no longer be paid, redirects, and what the page never shows.

const KEY = 'sk_test_checkout_page'
const URLS = { success_url: 'https://merchant.example/ok?order=42', cancel_url: 'https://merchant.example/cancel' }
const CHILE = { institution_id: 'cl_banco_de_chile', username: '41614850-3', password: 'jonsnow', account: '422159212' }
let sb: TestSandbox

const create = async (body: object = {}) => {
  const res = await sb.http.post('/fintoc/v2/checkout_sessions').set('Authorization', KEY).send({ amount: 150000, currency: 'CLP', ...URLS, ...body })
  expect(res.status).toBe(201)
  return res.body as { id: string; redirect_url: string; session_token: string }
}
const session = async (id: string) => (await sb.http.get(`/fintoc/v2/checkout_sessions/${id}`).set('Authorization', KEY)).body
const page = (id: string) => sb.http.get(`/fintoc/checkout/${id}`)
const submit = (id: string, form: Record<string, string>) => sb.http.post(`/fintoc/checkout/${id}/pay`).type('form').send(form)
const advance = (ms: number) => sb.http.post('/__admin/clock/advance').send({ ms })

describe('formatAmount', () => {
  it.each([
    [150000, 'CLP', '$150.000 CLP'],
    [1500, 'CLP', '$1.500 CLP'],
    [999, 'CLP', '$999 CLP'],
    [7_000_000, 'CLP', '$7.000.000 CLP'],
    [150000, 'MXN', '$1.500,00 MXN'],
    [5, 'MXN', '$0,05 MXN'],
    [123456789, 'MXN', '$1.234.567,89 MXN'],
  ] as const)('%i %s → %s', (amount, currency, shown) => {
    expect(formatAmount(amount, currency)).toBe(shown)
  })
})

describe('the hosted checkout page', () => {
  beforeEach(async () => {
    sb = await makeSandbox()
  })
  afterEach(async () => {
    await sb.close()
  })

  it('shows the amount in major units and the banks by name, with labelled fields', async () => {
    const cl = await create()
    expect(new URL(cl.redirect_url).pathname).toBe(`/fintoc/checkout/${cl.id}`)
    const res = await page(cl.id)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/text\/html/)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.text).toContain('$150.000 CLP')
    expect(res.text).toContain('<html lang="en">')
    for (const name of ['Banco de Chile', 'Banco Santander', 'BancoEstado']) expect(res.text).toContain(`>${name}</option>`)
    // ids are option values, never the text a person reads
    expect(res.text).not.toMatch(/>cl_banco_/)
    for (const id of ['institution_id', 'username', 'password', 'account', 'mfa']) expect(res.text).toContain(`<label for="${id}">`)
    expect(res.text).toContain(`action="/fintoc/checkout/${cl.id}/pay"`)
    expect(res.text).toContain(`action="/fintoc/checkout/${cl.id}/cancel"`)

    const mx = await create({ amount: 150000, currency: 'MXN' })
    const mxPage = await page(mx.id)
    expect(mxPage.text).toContain('$1.500,00 MXN')
    expect(mxPage.text).toContain('>BBVA México</option>')
    expect(mxPage.text).toContain('<label for="account">Phone or account number</label>')
    expect(mxPage.text).not.toContain('id="username"')
  })

  it('pays with the Chilean test values through the domain steps, then sends the browser to success_url as given', async () => {
    const { id } = await create({ metadata: { order: '42' } })
    const paid = await submit(id, CHILE)
    expect(paid.status).toBe(303)
    expect(paid.headers.location).toBe(`/fintoc/checkout/${id}/return`)
    const started = await session(id)
    expect(started.status).toBe('in_progress')
    expect(started.payment_resource.payment_intent).toMatchObject({ status: 'in_progress', metadata: { order: '42' } })
    // while the bank answers: a page that asks again each second
    const waiting = await sb.http.get(`/fintoc/checkout/${id}/return`)
    expect(waiting.status).toBe(200)
    expect(waiting.text).toContain(`<meta http-equiv="refresh" content="1;url=/fintoc/checkout/${id}/return">`)
    await advance(5000)
    const done = await session(id)
    expect(done.status).toBe('finished')
    expect(done.payment_resource.payment_intent.status).toBe('succeeded')
    const back = await sb.http.get(`/fintoc/checkout/${id}/return`)
    expect(back.status).toBe(303)
    // no parameters added: none are documented
    expect(back.headers.location).toBe(URLS.success_url)
  })

  it('the MXN and rejection outcomes of the test-value table apply', async () => {
    const mx = await create({ currency: 'MXN' })
    expect((await submit(mx.id, { institution_id: 'mx_banco_banorte', account: '5555555556' })).status).toBe(303)
    const cl = await create()
    expect((await submit(cl.id, { ...CHILE, mfa: '000000' })).status).toBe(303)
    await advance(5000)
    expect((await session(mx.id)).payment_resource.payment_intent.status).toBe('failed')
    expect((await session(cl.id)).payment_resource.payment_intent).toMatchObject({ status: 'rejected', error_reason: 'mfa_rejected' })
  })

  it.each([
    ['no bank', { ...CHILE, institution_id: '' }, 'institution_id', 'Bank: choose your bank.'],
    ['a bank of the other country', { ...CHILE, institution_id: 'mx_banco_bbva' }, 'institution_id', 'Bank: choose one of the listed banks.'],
    ['an empty RUT', { ...CHILE, username: '  ' }, 'username', 'RUT: this field is required.'],
    ['an empty password', { ...CHILE, password: '' }, 'password', 'Password: this field is required.'],
    ['an empty account', { ...CHILE, account: '' }, 'account', 'Account number: this field is required.'],
    ['a wrong password', { ...CHILE, password: 'nope' }, 'username', 'RUT: Bank login failed'],
    ['an unknown test account', { ...CHILE, account: '1' }, 'account', 'Account number: Unknown test account'],
    ['nothing at all', {}, 'institution_id', 'Bank: choose your bank.'],
  ])('%s re-renders the form with a message naming the field; nothing changes', async (_what, form, field, message) => {
    const { id } = await create()
    const res = await submit(id, form as Record<string, string>)
    expect(res.status).toBe(422)
    expect(res.text).toContain('role="alert"')
    expect(res.text).toContain(message)
    expect(res.text).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`))
    // typed values come back, the password never does
    if ((form as Record<string, string>).username?.trim()) expect(res.text).toContain('value="41614850-3"')
    expect(res.text).not.toContain('value="jonsnow"')
    expect(await session(id)).toMatchObject({ status: 'created', payment_resource: null })
  })

  it('a form that is not a form, or too big, is refused without a 500', async () => {
    const { id } = await create()
    expect((await sb.http.post(`/fintoc/checkout/${id}/pay`).set('Content-Type', 'application/json').send('{"institution_id":')).status).toBe(422)
    expect((await sb.http.post(`/fintoc/checkout/${id}/pay`).type('form').send(`account=${'9'.repeat(20_000)}`)).status).toBe(413)
    expect((await submit(id, { ...CHILE, account: ['422159212', '422159213'] } as unknown as Record<string, string>)).status).toBe(422)
    expect((await session(id)).status).toBe('created')
  })

  it('cancel expires the session through the domain and sends the browser to cancel_url as given', async () => {
    const { id } = await create()
    const res = await sb.http.post(`/fintoc/checkout/${id}/cancel`).type('form').send({})
    expect(res.status).toBe(303)
    expect(res.headers.location).toBe(URLS.cancel_url)
    expect((await session(id)).status).toBe('expired')
    // a second cancel (back button) still leads back to the store
    expect((await sb.http.post(`/fintoc/checkout/${id}/cancel`)).headers.location).toBe(URLS.cancel_url)
  })

  it('an expired session shows a clear page (410) and cannot be paid', async () => {
    const expired = await create()
    await sb.http.post(`/fintoc/v2/checkout_sessions/${expired.id}/expire`).set('Authorization', KEY)
    // past expires_at on the sandbox clock: the expiry job runs as the clock moves
    const lapsed = await create({ expires_at: new Date(Date.parse('2026-01-15T12:00:00Z') + 11 * 60_000).toISOString() })
    await advance(12 * 60_000)
    for (const id of [expired.id, lapsed.id]) {
      const res = await page(id)
      expect(res.status).toBe(410)
      expect(res.text).toContain('This checkout has expired')
      const pay = await submit(id, CHILE)
      expect(pay.status).toBe(410)
      expect((await session(id)).payment_resource).toBeNull()
    }
  })

  it('a finished session shows a clear page; paying or cancelling again changes nothing', async () => {
    const { id } = await create()
    await sb.http.post(`/__admin/fintoc/checkout_sessions/${id}/pay`).send({ username: '41614850-3', password: 'jonsnow', account: '422159213' })
    await advance(5000)
    const res = await page(id)
    expect(res.status).toBe(200)
    expect(res.text).toContain('This checkout is finished')
    expect(res.text).toContain('Its payment&#39;s status is failed')
    expect((await submit(id, CHILE)).text).toContain('This checkout is finished')
    expect((await sb.http.post(`/fintoc/checkout/${id}/cancel`)).text).toContain('This checkout is finished')
    const after = await session(id)
    expect(after.status).toBe('finished')
    expect(after.payment_resource.payment_intent.status).toBe('failed')
  })

  it('an unknown id is a 404 page, on every route', async () => {
    for (const res of [
      await page('cs_nope'),
      await sb.http.get('/fintoc/checkout/cs_nope/return'),
      await submit('cs_nope', CHILE),
      await sb.http.post('/fintoc/checkout/cs_nope/cancel'),
      await page('%3Cscript%3E'),
      await sb.http.get('/fintoc/checkout'),
    ]) {
      expect(res.status).toBe(404)
      expect(res.headers['content-type']).toMatch(/text\/html/)
      expect(res.text).toContain('Checkout not found')
      expect(res.text).not.toContain('<script>alert')
    }
  })

  it('the session id is the capability: no key asked, and nothing of the organization is shown', async () => {
    const endpoint = await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: 'https://merchant.example/hooks', enabled_events: ['*'] })
    const secret = endpoint.body.secret as string
    expect(secret).toBeTruthy()
    const cs = await create({ customer_data: { email: 'payer@example.com', name: 'Payer Person' }, metadata: { internal_ref: 'ref-secret-123' } })
    const org = (await sb.http.get('/__admin/state?provider=fintoc')).body
    const orgIds = JSON.stringify(org).match(/org_[A-Za-z0-9]+/g) ?? []
    expect(orgIds.length).toBeGreaterThan(0)
    const shown = [(await page(cs.id)).text]
    await submit(cs.id, CHILE)
    shown.push((await sb.http.get(`/fintoc/checkout/${cs.id}/return`)).text)
    const pi = (await session(cs.id)).payment_resource.payment_intent.id as string
    const widgetToken = (await sb.http.get('/__admin/state?provider=fintoc&secrets=true')).text.match(new RegExp(`${pi}_sec_[0-9A-Za-z]+`))?.[0]
    expect(widgetToken).toBeTruthy()
    for (const html of shown) {
      for (const hidden of [KEY, secret, cs.session_token, 'payer@example.com', 'Payer Person', 'ref-secret-123', pi, ...orgIds, widgetToken!]) {
        expect(html).not.toContain(hidden)
      }
    }
  })
})
