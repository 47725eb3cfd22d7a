import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, type Browser, launchBrowser } from './helpers/browser.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Issue #18, "Proof": a real browser (Debian's chromium through playwright-core, as test/checkout-page-browser.test.ts)
// logs in to the dashboard, finds a Fintoc transfer and a Monato money out, sees both change status after pressing
// "advance 1 min" without a reload, redelivers a failed webhook once the receiver accepts, and finds the request that
// created the transfer. Stored markup in free-text fields never runs. Any console error or page error fails it.

const KEY = 'sk_test_dashboard_browser'
const TOKEN = 'dashboard-browser-admin-token'
const UI = '/__admin/ui'
// each fits a 40-character free-text field
const SCRIPT = '<script>window.__xss=1</script>'
const IMG = '<img src=x onerror="window.__xss=1">'

let sb: TestSandbox
let server: Server
let receiver: Receiver
let base: string
let chrome: Browser
let browser: BrowserContext
const problems: string[] = []
// the login form answers 401 (as the control API does), which Chromium notes on the console: expected until logged in
let loggingIn = false
const LOGIN_401 = 'Failed to load resource: the server responded with a status of 401 (Unauthorized)'
// likewise the refused call of the bad-input step
let refusing = false
const REFUSED_400 = 'Failed to load resource: the server responded with a status of 400 (Bad Request)'

beforeAll(async () => {
  sb = await makeSandbox({ env: { ADMIN_TOKEN: TOKEN, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '60000', MONATO_SETTLE_DELAY_MS: '60000', WEBHOOK_MAX_RETRIES: '0' } })
  server = createServer(sb.app)
  server.on('clientError', sb.onClientError)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  receiver = await startReceiver()
  chrome = await launchBrowser('dashboard', { width: 1200, height: 900 })
  browser = chrome.context
  mkdirSync(ARTIFACTS, { recursive: true })
})
afterAll(async () => {
  await chrome?.close()
  await receiver?.close()
  if (server) {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  }
  await sb?.close()
})

const admin = (path: string, body: object) => sb.http.post(`/__admin${path}`).set('Authorization', `Bearer ${TOKEN}`).send(body)
const fintoc = (path: string, body?: object) => (body ? sb.http.post(`/fintoc${path}`).send(body) : sb.http.get(`/fintoc${path}`)).set('Authorization', KEY)

/** a page whose console errors and uncaught errors fail the test */
async function watched(): Promise<Page> {
  const page = await browser.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error' && !(loggingIn && m.text() === LOGIN_401) && !(refusing && m.text() === REFUSED_400)) problems.push(`console: ${m.text()} (${page.url()})`)
  })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message} (${page.url()})`))
  return page
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true })
const noXss = async (page: Page) => expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss), page.url()).toBeUndefined()

describe('the dashboard in a real browser', () => {
  it('logs in, follows a transfer and a money out through "advance 1 min", redelivers a failed webhook, finds the creating request; no stored markup runs', async () => {
    // a Fintoc transfer out (after funding) and a Monato money out, with markup in every free-text field
    await fintoc('/v1/webhook_endpoints', { url: receiver.url, enabled_events: ['transfer.outbound.succeeded'] }).expect(201)
    const account = (await fintoc('/v2/accounts')).body[0] as { id: string; root_account_number_id: string }
    await fintoc('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 500_000, currency: 'mxn', comment: IMG }).expect(201)
    await admin('/clock/advance', { ms: 60_000 }).expect(200)
    const created = await fintoc('/v2/transfers', { amount: 12_345, currency: 'MXN', account_id: account.id, comment: SCRIPT, metadata: { note: IMG }, counterparty: { account_number: '735969000000203297', holder_name: IMG } })
    expect(created.status).toBe(201)
    const transfer = created.body as { id: string; status: string }
    expect(transfer.status).toBe('pending')
    const token = await monatoToken(sb)
    const monato = (path: string, body: object) => sb.http.post(`/monato/v1${path}`).set('Authorization', `Bearer ${token}`).send(body)
    const instrument = (
      await monato(`/clients/${MONATO.clientId}/instruments`, {
        source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1',
        client_id: MONATO.clientId,
        type: 'RECEIVER',
        rfc: 'ND',
        alias: SCRIPT,
        virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: IMG },
      }).expect(200)
    ).body as { id: string }
    const moneyOut = (
      await monato('/transactions/money_out', {
        client_id: MONATO.clientId,
        source_instrument_id: MONATO.sourceInstrumentId,
        destination_instrument_id: instrument.id,
        transaction_request: { external_reference: '7654321', description: SCRIPT, amount: '10.50', currency: 'MXN' },
      }).expect(200)
    ).body as { id: string; transactionStatus: string }
    expect(moneyOut.transactionStatus).toBe('INITIALIZED')
    receiver.respond(() => 500)

    // login: `/` leads to the dashboard, which asks for the token, then goes where the user was going
    const page = await watched()
    loggingIn = true
    await page.goto(`${base}/`)
    await expect.poll(() => page.url()).toBe(`${base}${UI}`)
    await page.getByLabel('Admin token').fill(TOKEN)
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.waitForSelector('h1:text-is("Overview")')
    loggingIn = false
    expect(await page.locator('#clock').textContent()).toContain('2026-01-15T12:01:00.000Z')
    // bad input: the control API's own message and issues next to the form, nothing else changes
    refusing = true
    await page.getByLabel('Milliseconds').fill('-5')
    await page.getByRole('button', { name: 'Advance', exact: true }).click()
    const refusal = page.locator('form', { hasText: 'Advance by a custom amount' }).locator('output.result')
    await expect.poll(() => refusal.textContent()).toContain('invalid request body')
    expect(await refusal.locator('li').first().textContent()).toMatch(/^\$\.ms: /)
    refusing = false
    expect(await page.locator('#clock').textContent()).toContain('2026-01-15T12:01:00.000Z')
    await shot(page, 'overview')

    // the money out, pending, in a tab of its own that stays open
    const monatoTab = await watched()
    await monatoTab.goto(`${base}${UI}/monato/transactions/${moneyOut.id}`)
    await expect.poll(() => monatoTab.locator('main').textContent()).toContain('INITIALIZED')
    expect(await monatoTab.locator('main').textContent()).toContain(SCRIPT)
    await monatoTab.evaluate(() => Object.assign(globalThis, { __sameDocument: true }))
    await noXss(monatoTab)

    // the transfer, pending; "advance 1 min" (in the header) changes it in place
    await page.goto(`${base}${UI}/fintoc/transfers/${transfer.id}`)
    const main = page.locator('main')
    expect(await main.textContent()).toContain('pending')
    expect(await main.textContent()).toContain(SCRIPT)
    await noXss(page)
    await page.evaluate(() => Object.assign(globalThis, { __sameDocument: true }))
    // the header's buttons, on every page
    await page.getByRole('group', { name: 'Advance the clock' }).getByRole('button', { name: '+1 min' }).click()
    await expect.poll(() => main.textContent(), { timeout: 5000 }).toContain('succeeded')
    expect(await page.locator('#clock').textContent()).toContain('2026-01-15T12:02:00.000Z')
    expect(await page.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
    await shot(page, 'fintoc-transfer')

    // the other tab catches up by itself (live refresh), without a reload
    await monatoTab.bringToFront()
    await expect.poll(() => monatoTab.locator('main').textContent(), { timeout: 6000 }).toContain('LIQUIDATED')
    expect(await monatoTab.evaluate(() => (globalThis as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
    await noXss(monatoTab)
    await shot(monatoTab, 'monato-transaction')
    await monatoTab.close()

    // the transfer's webhook failed (the receiver answered 500): open it, let the receiver accept, redeliver
    await page.bringToFront()
    await page.goto(`${base}${UI}/deliveries`)
    await page.getByLabel('Outcome').selectOption('failed')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/outcome=failed/)
    const row = page.locator('tbody tr', { hasText: 'transfer.outbound.succeeded' })
    await expect.poll(() => row.count()).toBe(1)
    await shot(page, 'deliveries')
    await row.locator('a[href*="/deliveries/whd_"]').click()
    await page.waitForSelector('h1:text-matches("^Delivery whd_")')
    expect(await main.textContent()).toContain('500')
    expect(await main.textContent()).toContain(SCRIPT)
    await noXss(page)
    receiver.respond(() => 200)
    await page.getByRole('button', { name: 'Redeliver now' }).click()
    await expect.poll(() => page.locator('output.result .ok').textContent(), { timeout: 5000 }).toContain('Done (HTTP 200)')
    await expect.poll(() => main.locator('.status.good', { hasText: 'succeeded' }).count()).toBe(1)
    expect(await main.locator('caption:text-is("Attempts") ~ tbody tr').count()).toBe(2)
    expect(receiver.received.length).toBe(2)
    await shot(page, 'delivery')

    // the request that created the transfer, from the Requests page's filters
    await page.goto(`${base}${UI}/requests`)
    await page.getByLabel('Resource id').fill(transfer.id)
    await page.getByLabel('Method').selectOption('POST')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/resource_id=/)
    const creating = page.locator('tbody tr', { hasText: '/fintoc/v2/transfers' })
    await expect.poll(() => creating.count()).toBe(1)
    await shot(page, 'requests')
    await creating.locator('a[href*="/requests/"]').click()
    await page.waitForSelector('h1:text-is("POST /fintoc/v2/transfers")')
    expect(await main.textContent()).toContain(transfer.id)
    expect(await main.textContent()).toContain(SCRIPT)
    expect(await main.textContent()).not.toContain(KEY)
    await noXss(page)
    await shot(page, 'request')

    // every other page that shows the stored values, and the actions page
    for (const path of [
      '/fintoc/transfers',
      `/requests?resource_id=${instrument.id}`,
      `/monato/transactions`,
      `/monato/instruments/${instrument.id}`,
      '/actions',
    ]) {
      await page.goto(`${base}${UI}${path}`)
      await page.waitForSelector('main h1')
      await noXss(page)
    }
    // the actions page loads a scenario file through the script (read in the browser, posted as JSON)
    const upload = page.locator('form.upload')
    await upload.locator('input[type=file]').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"monato":') })
    await upload.getByRole('button', { name: 'Load' }).click()
    await expect.poll(() => upload.locator('output.result').textContent()).toBe('broken.json is not valid JSON')
    await upload.locator('input[type=file]').setInputFiles({ name: 'scenario.json', mimeType: 'application/json', buffer: Buffer.from('{"monato":{"clients":[]}}') })
    await upload.getByRole('button', { name: 'Load' }).click()
    await expect.poll(() => page.locator('form.upload output.result').textContent()).toContain('Done (HTTP 201)')
    await shot(page, 'actions')
    await page.close()
    expect(problems).toEqual([])
  })
})
