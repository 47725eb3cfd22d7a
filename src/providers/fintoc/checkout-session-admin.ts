import express, { type Router } from 'express'
import { z } from 'zod'
import { AdminError, parseAdminBody } from '../../admin/errors.js'
import { isApiError } from '../../core/errors.js'
import type { StateSlice } from '../types.js'
import { checkoutSessionJson } from './checkout-session-wire.js'
import type { CheckoutSessions } from './checkout-sessions.js'
import type { FintocState } from './state.js'
import { own } from '../../core/own.js'
import { PayBody } from './admin.js'

// /__admin/fintoc/checkout_sessions: the hosted page's payment without a browser, and forced transitions.

const TransitionBody = z.object({ to: z.enum(['expired', 'finished']), payment_status: z.enum(['succeeded', 'failed', 'rejected', 'pending']).optional() }).strict()

export function createCheckoutSessionAdmin(state: StateSlice<FintocState>, sessions: CheckoutSessions): Router {
  const router = express.Router()
  const found = (id: string) => {
    const cs = own(state.data.checkoutSessions, id)
    if (!cs) throw new AdminError(404, `No such checkout_session: ${id}`)
    return cs
  }
  // domain refusals: 409 for the session's status, 422 for refused test values
  const run = async (fn: Parameters<StateSlice<FintocState>['update']>[0]) => {
    try {
      return await state.update(fn)
    } catch (err) {
      if (isApiError(err)) throw new AdminError(err.status === 409 ? 409 : 422, err.message)
      throw err
    }
  }

  router.post('/checkout_sessions/:id/pay', async (req, res) => {
    const body = parseAdminBody(PayBody, req.body)
    const cs = found(req.params.id!)
    await run((s, tools) => sessions.pay(s, tools, cs.id, body))
    res.json(checkoutSessionJson(state.data, state.data.checkoutSessions[cs.id]!, 'test'))
  })

  router.post('/checkout_sessions/:id/transition', async (req, res) => {
    const body = parseAdminBody(TransitionBody, req.body)
    const cs = found(req.params.id!)
    const from = cs.status
    const done = await run((s, tools) => sessions.force(s, tools, cs.id, body.to, body.payment_status))
    if (!done) throw new AdminError(409, `Checkout session ${cs.id} is ${from}: it cannot become ${body.to}`)
    res.json(checkoutSessionJson(state.data, state.data.checkoutSessions[cs.id]!, 'test'))
  })

  return router
}
