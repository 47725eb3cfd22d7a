import { existsSync, mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ARTIFACTS, type Browser, launchBrowser } from './helpers/browser.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #17, "Proof": a real browser (Debian's chromium, driven by playwright-core) opens a checkout session's
// redirect_url, picks a bank, types the Chilean test values and lands on the store's success_url; a second run
// cancels and lands on cancel_url. `.ci/run` installs chromium; without it this test fails, it is never skipped.

const SCREENSHOT = join(ARTIFACTS, 'checkout.png')
const KEY = 'sk_test_checkout_browser'

let sb: TestSandbox
let api: Server
let store: Server
let hooks: Receiver
let storeHits: string[]
let base: string
let storeBase: string
let chrome: Browser
let browser: BrowserContext

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
const close = (server: Server) =>
  new Promise<void>((r) => {
    server.closeAllConnections()
    server.close(() => r())
  })

beforeAll(async () => {
  chrome = await launchBrowser('checkout', { width: 800, height: 1000 })
  browser = chrome.context
})
afterAll(async () => {
  await chrome?.close()
})

beforeEach(async () => {
  sb = await makeSandbox()
  api = createServer(sb.app)
  api.on('clientError', sb.onClientError)
  base = await listen(api)
  // the store: answers success_url and cancel_url, and notes what the browser asked for
  storeHits = []
  store = createServer((req, res) => {
    // the browser's own favicon request is not the page's doing
    if (req.url !== '/favicon.ico') storeHits.push(req.url ?? '')
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>Store</title><h1>Store page ${req.url}</h1>`)
  })
  storeBase = await listen(store)
  hooks = await startReceiver()
  await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: hooks.url, enabled_events: ['checkout_session.finished', 'checkout_session.expired'] })
})
afterEach(async () => {
  await hooks.close()
  await close(store)
  await close(api)
  await sb.close()
})

async function createSession() {
  const res = await fetch(`${base}/fintoc/v2/checkout_sessions`, {
    method: 'POST',
    headers: { Authorization: KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ amount: 150000, currency: 'CLP', success_url: `${storeBase}/success?order=42`, cancel_url: `${storeBase}/cancel?order=42` }),
  })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string; redirect_url: string; success_url: string; cancel_url: string }
}
const session = async (id: string) => (await (await fetch(`${base}/fintoc/v2/checkout_sessions/${id}`, { headers: { Authorization: KEY } })).json()) as Record<string, unknown> & { status: string; payment_resource: { payment_intent: { status: string } } | null }
async function webhookTypes(n: number) {
  for (let i = 0; i < 200 && hooks.received.length < n; i++) await new Promise((r) => setTimeout(r, 10))
  return hooks.received.map((x) => (JSON.parse(x.body) as { type: string; data: { id: string } }).type)
}

describe('the hosted checkout page in chromium', () => {
  it('picks a bank, types the Chilean test values, pays and lands on success_url', async () => {
    const cs = await createSession()
    expect(cs.redirect_url).toBe(`${base}/fintoc/checkout/${cs.id}`)
    const page = await browser.newPage()
    await page.goto(cs.redirect_url)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Pay with your bank')
    expect(await page.locator('#amount').textContent()).toBe('$150.000 CLP')
    // by the names a person reads, through the labels
    await page.getByLabel('Bank', { exact: true }).selectOption({ label: 'Banco de Chile' })
    await page.getByLabel('RUT').fill('41614850-3')
    await page.getByLabel('Password').fill('jonsnow')
    await page.getByLabel('Account number').fill('422159212')
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: SCREENSHOT, fullPage: true })
    // the keyboard sends the form
    await page.getByLabel('Account number').press('Enter')
    await page.waitForURL(`${base}/fintoc/checkout/${cs.id}/return`)
    expect(await page.getByRole('status').textContent()).toContain('Waiting for your bank')
    expect((await session(cs.id)).status).toBe('in_progress')
    // the bank answers 5 s later on the sandbox clock; the page, asking every second, then moves on
    await sb.http.post('/__admin/clock/advance').send({ ms: 5000 })
    await page.waitForURL(cs.success_url, { timeout: 8000 })
    expect(page.url()).toBe(`${storeBase}/success?order=42`)
    expect(storeHits).toEqual(['/success?order=42'])
    const done = await session(cs.id)
    expect(done.status).toBe('finished')
    expect(done.payment_resource?.payment_intent.status).toBe('succeeded')
    expect(await webhookTypes(1)).toEqual(['checkout_session.finished'])
    const event = JSON.parse(hooks.received[0]!.body) as { data: { id: string; payment_resource: { payment_intent: { status: string } } } }
    expect(event.data.id).toBe(cs.id)
    expect(event.data.payment_resource.payment_intent.status).toBe('succeeded')
    expect(existsSync(SCREENSHOT)).toBe(true)
    await page.close()
  })

  it('cancels and lands on cancel_url; the session is expired', async () => {
    const cs = await createSession()
    const page = await browser.newPage()
    await page.goto(cs.redirect_url)
    await page.getByRole('button', { name: 'Cancel and return to the store' }).click()
    await page.waitForURL(cs.cancel_url)
    expect(page.url()).toBe(`${storeBase}/cancel?order=42`)
    expect(storeHits).toEqual(['/cancel?order=42'])
    const after = await session(cs.id)
    expect(after.status).toBe('expired')
    expect(after.payment_resource).toBeNull()
    expect(await webhookTypes(1)).toEqual(['checkout_session.expired'])
    await page.close()
  })
})
