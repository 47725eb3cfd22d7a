import express, { type Request, type Response, type Router } from 'express'
import { isApiError } from '../../core/errors.js'
import type { StateSlice } from '../types.js'
import { institutionsFor } from './institutions.js'
import type { createPaymentIntents, PaymentInput } from './payment-intents.js'
import type { FintocState } from './state.js'

// A minimal stand-in for Fintoc's widget at /fintoc/widget?token=…: a person picks a bank and types
// the quickstart's test values; the form goes through the same `pay` as the admin API.

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>` +
  '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input,select,button{width:100%;padding:.5rem;font-size:1rem}button{margin-top:1.2rem}</style>' +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`

export function createWidgetRoutes(state: StateSlice<FintocState>, intents: ReturnType<typeof createPaymentIntents>): Router {
  const router = express.Router()
  const byToken = (token: unknown) => Object.values(state.data.paymentIntents).find((p) => typeof token === 'string' && p.widgetToken === token)

  router.get('/', (req: Request, res: Response) => {
    const p = byToken(req.query.token)
    if (!p) return void res.status(404).type('html').send(page('Fintoc sandbox widget', '<p>Unknown or missing widget token.</p>'))
    const mx = p.currency === 'MXN'
    const banks = institutionsFor(p.currency)
    const fields = mx
      ? '<label for="account">Phone or account number</label><input id="account" name="account" placeholder="5555555555">'
      : '<label for="username">RUT</label><input id="username" name="username" placeholder="41614850-3">' +
        '<label for="password">Password</label><input id="password" name="password" type="password" placeholder="jonsnow">' +
        '<label for="account">Account</label><input id="account" name="account" placeholder="422159212">'
    res.type('html').send(
      page(
        `Pay ${p.amount} ${p.currency}`,
        `<p>Sandbox widget for <code>${escapeHtml(p.id)}</code> (status: ${escapeHtml(p.status)}).</p>` +
          `<form method="post" action="widget/pay"><input type="hidden" name="token" value="${escapeHtml(p.widgetToken)}">` +
          `<label for="institution_id">Bank</label><select id="institution_id" name="institution_id">${banks.map((b) => `<option value="${b.id}">${escapeHtml(b.name)}</option>`).join('')}</select>` +
          `${fields}<label for="mfa">Security code (MFA)</label><input id="mfa" name="mfa" placeholder="any; 000000 rejects"><button type="submit">Pay</button></form>`,
      ),
    )
  })

  router.post('/pay', express.urlencoded({ extended: false, limit: '16kb' }), async (req: Request, res: Response) => {
    const form = (req.body ?? {}) as Record<string, string>
    const p = byToken(form.token)
    if (!p) return void res.status(404).type('html').send(page('Fintoc sandbox widget', '<p>Unknown widget token.</p>'))
    const input: PaymentInput = { institution_id: form.institution_id, username: form.username, password: form.password, account: form.account, mfa: form.mfa }
    try {
      await state.update((s, tools) => intents.pay(s, tools, s.paymentIntents[p.id]!, input))
      res.type('html').send(page('Payment submitted', `<p>${escapeHtml(p.id)} is now in progress; its result arrives in a few seconds (sandbox clock).</p>`))
    } catch (err) {
      if (!isApiError(err)) throw err
      res.status(err.status).type('html').send(page('Payment not submitted', `<p>${escapeHtml(err.message)}</p>`))
    }
  })

  return router
}
