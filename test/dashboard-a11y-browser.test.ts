/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Browser, launchBrowser } from './helpers/browser.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #18 asks for an accessible dashboard (labels, keyboard, contrast). In a real Chromium, every page of the
// navigation (and a resource's page) is checked as rendered: each form control has a label, each button a name, ids
// are unique, one h1, a language; every text's contrast with what is behind it meets WCAG AA; and the clock can be
// advanced with the keyboard alone, the focused control visibly outlined.

const KEY = 'sk_test_dashboard_a11y'

let sb: TestSandbox
let server: Server
let base: string
let chrome: Browser
let browser: BrowserContext

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
  server = createServer(sb.app)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  chrome = await launchBrowser('dashboard-a11y', { width: 1200, height: 900 })
  browser = chrome.context
})
afterAll(async () => {
  await chrome?.close()
  if (server) {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  }
  await sb?.close()
})

/** what is wrong with the page as rendered: missing labels and names, duplicate ids, low-contrast text */
const audit = (page: Page) =>
  page.evaluate(() => {
    const problems: string[] = []
    const describe = (el: Element) => `<${el.tagName.toLowerCase()}${el.id ? ` id=${el.id}` : ''}> "${(el.textContent ?? '').trim().slice(0, 40)}"`
    if (!document.documentElement.lang) problems.push('<html> has no lang')
    if (document.querySelectorAll('h1').length !== 1) problems.push(`${document.querySelectorAll('h1').length} h1 elements`)
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')) {
      if (el.type === 'hidden') continue
      if ((el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) problems.push(`no label: ${describe(el)} name=${el.name}`)
    }
    for (const el of document.querySelectorAll('button, a[href]')) {
      if (!(el.textContent ?? '').trim() && !el.getAttribute('aria-label')) problems.push(`no accessible name: ${describe(el)}`)
    }
    const ids = new Map<string, number>()
    for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1)
    for (const [id, n] of ids) if (n > 1) problems.push(`id ${id} used ${n} times`)
    // WCAG 2 relative luminance and contrast
    const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number) as [number, number, number, number?]
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!)
    }
    /** the colour behind an element: the nearest opaque-ish background, blended over white */
    const behind = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const [r, g, b, a = 1] = rgba(getComputedStyle(e).backgroundColor)
        if (a > 0) return [r * a + 255 * (1 - a), g * a + 255 * (1 - a), b * a + 255 * (1 - a)]
      }
      return [255, 255, 255]
    }
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim())
      if (!own) continue
      const style = getComputedStyle(el)
      const box = el.getBoundingClientRect()
      if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue
      const [r, g, b, a = 1] = rgba(style.color)
      const back = behind(el)
      const fore = [r * a + back[0]! * (1 - a), g * a + back[1]! * (1 - a), b * a + back[2]! * (1 - a)]
      const [hi, lo] = [lum(fore), lum(back)].sort((x, y) => y - x) as [number, number]
      const ratio = (hi + 0.05) / (lo + 0.05)
      const size = Number.parseFloat(style.fontSize)
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700)
      if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}: ${describe(el)} (${style.color} on rgb(${back.map(Math.round).join(', ')}))`)
    }
    return problems
  })

describe('the dashboard is accessible', () => {
  it('every navigation page and a resource page: labels, names, unique ids, one h1, AA contrast', async () => {
    // something on the provider pages: an account with a transfer, a payment intent, a Monato deposit
    const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0] as { id: string; root_account_number_id: string }
    const t = await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 150_000, currency: 'MXN' })
    expect(t.status).toBe(201)
    const page = await browser.newPage()
    await page.goto(`${base}/__admin/ui`)
    const paths = await page.evaluate(() => [...document.querySelectorAll<HTMLAnchorElement>('nav a[href^="/__admin/ui"]')].map((a) => a.getAttribute('href')!))
    expect(paths.length).toBeGreaterThan(10)
    const found: string[] = []
    for (const path of [...new Set(paths), `/__admin/ui/fintoc/transfers/${t.body.id}`, `/__admin/ui/fintoc/accounts/${account.id}`]) {
      const res = await page.goto(`${base}${path}`)
      expect(res?.status(), path).toBe(200)
      for (const p of await audit(page)) found.push(`${path}: ${p}`)
    }
    expect(found).toEqual([])
    // the audit itself finds what it looks for: an unlabelled field, a nameless button, a repeated id, faint text
    await page.evaluate(() => {
      document.querySelector('main')!.insertAdjacentHTML('beforeend', '<input name="x" id="dup"><button id="dup"></button><p style="color:#ccc;background:#fff">faint</p>')
    })
    const planted = await audit(page)
    expect(planted.some((p) => p.startsWith('no label:'))).toBe(true)
    expect(planted.some((p) => p.startsWith('no accessible name:'))).toBe(true)
    expect(planted).toContain('id dup used 2 times')
    expect(planted.some((p) => p.startsWith('contrast 1.6') && p.includes('faint'))).toBe(true)
    await page.close()
  })

  it('the clock advances with the keyboard alone, the focused button visibly outlined', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/__admin/ui`)
    // the sandbox clock's "Now" on the overview (not "Started", which is the wall clock)
    const clock = () => page.locator('dt', { hasText: /^Now$/ }).locator('xpath=following-sibling::dd[1]').textContent()
    const before = await clock()
    let reached = false
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Advance 1 min')
    }
    expect(reached).toBe(true)
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!)
      return { style: s.outlineStyle, width: Number.parseFloat(s.outlineWidth), shadow: s.boxShadow }
    })
    expect(outline.style !== 'none' && outline.width > 0 ? true : outline.shadow !== 'none', JSON.stringify(outline)).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(clock, { timeout: 5000 }).not.toBe(before)
    await page.close()
  })
})
