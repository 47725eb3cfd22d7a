import express, { type Request, type Response, type Router } from 'express'
import { ApiError, isApiError } from '../../core/errors.js'
import type { StateSlice } from '../types.js'
import { BANK_LABEL, type FieldName, type FormState, fieldsFor, formPage, messagePage, processingPage, type SessionView } from './checkout-page-html.js'
import { checkoutSessionJson } from './checkout-session-wire.js'
import type { CheckoutSessions } from './checkout-sessions.js'
import { institutionsFor } from './institutions.js'
import type { PaymentInput } from './payment-intents.js'
import type { CheckoutSessionRecord, FintocState } from './state.js'
import { own } from '../../core/own.js'

// The hosted checkout stand-in at /fintoc/checkout/<session id> (the session's redirect_url). As on Fintoc's own
// page, the session id is the capability: no key is asked for, and nothing of the organization is shown. Paying and
// cancelling run the same domain steps as the API and the admin pay route. Redirects go to success_url and
// cancel_url exactly as given: Fintoc documents no parameters added to them.

const NAMES: Record<FieldName, string> = { institution_id: BANK_LABEL, username: 'RUT', password: 'Password', account: 'Account number', mfa: 'Security code' }

export function createCheckoutPageRoutes(state: StateSlice<FintocState>, sessions: CheckoutSessions): Router {
  const router = express.Router()

  // the session as the API serializes it: the page shows what a GET of the session would
  const view = (cs: CheckoutSessionRecord) => checkoutSessionJson(state.data, cs, 'test')
  const sessionView = (cs: CheckoutSessionRecord): SessionView => {
    const j = view(cs)
    return { id: j.id, amount: j.amount, currency: j.currency, expires_at: j.expires_at }
  }
  const send = (res: Response, status: number, html: string) => {
    // no caching of a page that changes with the session, and no session URL in the Referer sent to the store
    res.status(status).set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).type('html').send(html)
  }
  const base = (req: Request, cs: CheckoutSessionRecord) => `${req.baseUrl}/${encodeURIComponent(cs.id)}`
  const notFound = (res: Response) => send(res, 404, messagePage('Checkout not found', 'No checkout exists with this link. Ask the store for a new one.'))

  /** the page for a session that cannot take a payment (any more), by its status */
  function statusPage(req: Request, res: Response, cs: CheckoutSessionRecord) {
    const j = view(cs)
    if (j.status === 'expired' || sessions.lapsed(cs)) {
      return send(res, 410, messagePage('This checkout has expired', 'The time to pay has run out. Go back to the store to start again.', { href: j.cancel_url, text: 'Return to the store' }))
    }
    if (j.status === 'in_progress') return send(res, 200, processingPage(sessionView(cs), `${base(req, cs)}/return`))
    if (j.status === 'finished') {
      // setup and subscription flows have no payment: their outcome is the setup intent's
      const outcome = j.payment_resource?.payment_intent.status ?? j.setup_intent?.status ?? 'unknown'
      return send(res, 200, messagePage('This checkout is finished', `Its payment's status is ${outcome}; it cannot be paid again.`, { href: j.success_url, text: 'Return to the store' }))
    }
    return send(res, 200, formPage(sessionView(cs), base(req, cs), { values: {} }))
  }

  const found = (req: Request) => own(state.data.checkoutSessions, String(req.params.id))

  router.get('/', (_req, res) => notFound(res))

  router.get('/:id', (req, res) => {
    const cs = found(req)
    if (!cs) return notFound(res)
    statusPage(req, res, cs)
  })

  // where the processing page goes each second: on to success_url once the flow is finished
  router.get('/:id/return', (req, res) => {
    const cs = found(req)
    if (!cs) return notFound(res)
    if (cs.status === 'finished') return res.redirect(303, view(cs).success_url)
    if (cs.status === 'created' && !sessions.lapsed(cs)) return res.redirect(303, base(req, cs))
    statusPage(req, res, cs)
  })

  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 })

  router.post('/:id/pay', form, async (req, res) => {
    const cs = found(req)
    if (!cs) return notFound(res)
    if (cs.status !== 'created' || sessions.lapsed(cs)) return statusPage(req, res, cs)
    const raw = (req.body ?? {}) as Record<string, unknown>
    const text = (name: FieldName) => (typeof raw[name] === 'string' ? (raw[name] as string) : '')
    const values: FormState['values'] = {}
    for (const name of Object.keys(NAMES) as FieldName[]) values[name] = name === 'password' ? text(name) : text(name).trim()
    const again = (field: FieldName | null, message: string) => send(res, 422, formPage(sessionView(cs), base(req, cs), { values, error: { field, message } }))

    if (!values.institution_id) return again('institution_id', `${BANK_LABEL}: choose your bank.`)
    if (!institutionsFor(cs.currency).some((b) => b.id === values.institution_id)) return again('institution_id', `${BANK_LABEL}: choose one of the listed banks.`)
    for (const f of fieldsFor(cs.currency)) if (f.required && !values[f.name]) return again(f.name, `${f.label}: this field is required.`)

    const input: PaymentInput = { institution_id: values.institution_id }
    for (const f of fieldsFor(cs.currency)) if (values[f.name]) input[f.name] = values[f.name]
    try {
      await state.update((s, tools) => {
        // the organization may have been freed since the read above
        if (!s.checkoutSessions[cs.id]) throw new ApiError('not_found', `No such checkout_session: ${cs.id}`)
        return sessions.pay(s, tools, cs.id, input)
      })
    } catch (err) {
      if (!isApiError(err)) throw err
      const now = state.data.checkoutSessions[cs.id]
      if (!now) return notFound(res)
      // refused test values: the message names the field; anything else is the session's status
      if (err.status >= 500) return send(res, 503, messagePage('Payment not sent', 'The sandbox could not record the payment. Try again in a moment.'))
      if (err.status === 400 || err.status === 422) {
        const param = (err.details.param ?? undefined) as FieldName | undefined
        return again(param && param in NAMES ? param : null, `${param && param in NAMES ? `${NAMES[param]}: ` : ''}${err.message}`)
      }
      return statusPage(req, res, now)
    }
    res.redirect(303, `${base(req, cs)}/return`)
  })

  router.post('/:id/cancel', form, async (req, res) => {
    const cs = found(req)
    if (!cs) return notFound(res)
    if (cs.status === 'in_progress' || cs.status === 'finished') return statusPage(req, res, cs)
    // the payer leaving before paying expires the session (Fintoc's checkout_session.expired covers it)
    if (cs.status === 'created') {
      try {
        await state.update((s, tools) => (s.checkoutSessions[cs.id]?.status === 'created' ? sessions.expire(s, tools, cs.orgId, cs.id) : undefined))
      } catch (err) {
        if (!isApiError(err)) throw err
        if (err.status >= 500) return send(res, 503, messagePage('Not cancelled', 'The sandbox could not record the cancellation. Try again in a moment.'))
        const now = state.data.checkoutSessions[cs.id]
        return now ? statusPage(req, res, now) : notFound(res)
      }
    }
    res.redirect(303, view(cs).cancel_url)
  })

  return router
}
