import express, { type Router } from 'express'
import { z } from 'zod'
import { AdminError, parseAdminBody } from '../../admin/errors.js'
import { isApiError } from '../../core/errors.js'
import type { StateSlice } from '../types.js'
import { ACCOUNT_TRANSITIONS, transitionAccount } from './accounts.js'
import type { OrgFor } from './auth.js'
import { readPublicKey } from './jws.js'
import type { Money } from './money.js'
import { type createVerifications, verificationJson } from './verifications.js'
import { type createPaymentIntents, paymentIntentJson } from './payment-intents.js'
import { transferJson } from './wire.js'
import type { FintocState } from './state.js'
import { own } from '../../core/own.js'

// /__admin/fintoc: what the Dashboard does for a real organization.

const JwsKeyBody = z.object({
  api_key: z.string().regex(/^sk_test_[A-Za-z0-9_-]+$/, 'must be a test secret key (sk_test_...)'),
  public_key: z.string().min(1),
})

/** what a payer types on the widget or the hosted page; the test values decide the outcome */
export const PayBody = z
  .object({
    institution_id: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    account: z.string().optional(),
    mfa: z.string().optional(),
  })
  .strict()

export function createFintocAdmin(
  state: StateSlice<FintocState>,
  orgFor: OrgFor,
  intents: ReturnType<typeof createPaymentIntents>,
  money: Money,
  verifications: ReturnType<typeof createVerifications>,
): Router {
  const router = express.Router()

  // registers a JWS public key for the key's organization (created if it is new)
  router.post('/jws-keys', async (req, res) => {
    const body = parseAdminBody(JwsKeyBody, req.body)
    try {
      readPublicKey(body.public_key)
    } catch (err) {
      throw new AdminError(400, 'invalid request body', [`$.public_key: ${(err as Error).message}`])
    }
    const orgId = await orgFor(body.api_key)
    const count = await state.update((s) => {
      const org = s.orgs[orgId]!
      if (!org.jwsPublicKeys.includes(body.public_key)) org.jwsPublicKeys.push(body.public_key)
      return org.jwsPublicKeys.length
    })
    res.status(201).json({ organization: orgId, keys: count })
  })

  // forces an account's status through its transition table (blocked accounts cannot send, closed ones nothing)
  router.post('/accounts/:id/transition', async (req, res) => {
    const body = parseAdminBody(z.object({ to: z.enum(['active', 'blocked', 'closed']), reason: z.string().optional() }), req.body)
    const account = await state.update((s) => {
      const a = s.accounts[req.params.id!]
      if (!a) throw new AdminError(404, `No such account: ${req.params.id}`)
      if (a.status !== body.to && !ACCOUNT_TRANSITIONS[a.status][body.to]) throw new AdminError(409, `Account ${a.id} is ${a.status}: it cannot become ${body.to}`)
      transitionAccount(a, body.to)
      return a
    })
    res.json({ id: account.id, status: account.status })
  })

  // forces a transfer along its transition table, with the balances, events and webhooks that follow
  router.post('/transfers/:id/transition', async (req, res) => {
    const body = parseAdminBody(z.object({ to: z.enum(['succeeded', 'failed', 'rejected', 'returned', 'return_pending']), reason: z.string().min(1).optional() }), req.body)
    const id = req.params.id!
    if (!own(state.data.transfers, id)) throw new AdminError(404, `No such transfer: ${id}`)
    const done = await state.update((s, tools) => {
      try {
        return money.force(s, tools, id, body.to, body.reason)
      } catch (err) {
        if (isApiError(err)) throw new AdminError(409, err.message)
        throw err
      }
    })
    const t = state.data.transfers[id]!
    if (!done) throw new AdminError(409, `Transfer ${id} is ${t.direction} and ${t.status}: it cannot become ${body.to}`)
    res.json(transferJson(state.data, t, 'test'))
  })

  router.post('/account_verifications/:id/transition', async (req, res) => {
    const body = parseAdminBody(z.object({ to: z.enum(['succeeded', 'failed']), reason: z.string().min(1).optional() }), req.body)
    const id = req.params.id!
    if (!own(state.data.verifications, id)) throw new AdminError(404, `No such account_verification: ${id}`)
    if (!(await state.update((s, tools) => verifications.force(s, tools, id, body.to, body.reason)))) throw new AdminError(409, `Account verification ${id} is not pending`)
    res.json(verificationJson(state.data.verifications[id]!, 'test'))
  })

  router.post('/payment_intents/:id/transition', async (req, res) => {
    const body = parseAdminBody(z.object({ to: z.enum(['succeeded', 'failed', 'rejected', 'pending', 'expired']) }), req.body)
    const id = req.params.id!
    const p = own(state.data.paymentIntents, id)
    if (!p) throw new AdminError(404, `No such payment_intent: ${id}`)
    if (!(await state.update((s, tools) => intents.force(s, tools, id, body.to)))) throw new AdminError(409, `Payment intent ${id} is ${p.status}: it cannot become ${body.to}`)
    res.json(paymentIntentJson(state.data.paymentIntents[id]!, 'test'))
  })

  // the widget stand-in: what a payer would type, for a payment intent of any organization
  router.post('/payment_intents/:id/pay', async (req, res) => {
    const body = parseAdminBody(PayBody, req.body)
    const p = own(state.data.paymentIntents, req.params.id)
    if (!p) throw new AdminError(404, `No such payment_intent: ${req.params.id}`)
    try {
      await state.update((s, tools) => intents.pay(s, tools, s.paymentIntents[p.id]!, body))
    } catch (err) {
      if (isApiError(err)) throw new AdminError(err.status === 409 ? 409 : 422, err.message)
      throw err
    }
    res.json(paymentIntentJson(state.data.paymentIntents[p.id]!, 'test'))
  })

  return router
}
