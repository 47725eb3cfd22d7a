import express, { type Router } from 'express'
import { z } from 'zod'
import { AdminError, parseAdminBody } from '../../admin/errors.js'
import { isApiError } from '../../core/errors.js'
import type { StateSlice } from '../types.js'
import type { createMoneyIn } from './money-in.js'
import type { MonatoState } from './state.js'
import { type createTransactions, transactionJson } from './transactions.js'
import { own } from '../../core/own.js'

// /__admin/monato: what Monato's operations team does by hand on staging.

const MoneyInBody = z
  .object({
    clabe: z.string().regex(/^[0-9]{18}$/, 'must be an 18-digit CLABE'),
    amount: z.string().regex(/^(?:0\.(?:0[1-9]|[1-9][0-9])|[1-9][0-9]{0,12}\.[0-9]{2})$/, 'must be a positive amount with two decimals, e.g. "123.00"'),
    payer_account: z.string().regex(/^[0-9]{10,18}$/).optional(),
    payer_name: z.string().min(1).max(120).optional(),
    payer_rfc: z.string().min(2).max(13).optional(),
    payer_institution: z.string().regex(/^[0-9]{5}$/, 'must be a 5-digit Banxico code').optional(),
    tracking_key: z.string().regex(/^[A-Za-z0-9]{1,30}$/).optional(),
    payment_concept: z.string().max(40).optional(),
    numeric_reference: z.string().regex(/^[0-9]{1,7}$/).optional(),
  })
  .strict()

export function createMonatoAdmin(state: StateSlice<MonatoState>, moneyIn: ReturnType<typeof createMoneyIn>, transactions: ReturnType<typeof createTransactions>): Router {
  const router = express.Router()

  // a SPEI credit to an account of this sandbox: balance, credit transaction and MONEY_IN webhook
  router.post('/money_in', async (req, res) => {
    const body = parseAdminBody(MoneyInBody, req.body)
    try {
      const t = await state.update((s, tools) => moneyIn.receive(s, tools, body))
      res.status(201).json(transactionJson(t))
    } catch (err) {
      if (isApiError(err)) throw new AdminError(err.status === 404 ? 404 : 409, err.message)
      throw err
    }
  })

  // forces a money out along its transition table, with the balance change and STATUS_UPDATE that follow
  router.post('/transactions/:id/transition', async (req, res) => {
    const body = parseAdminBody(z.object({ to: z.enum(['LIQUIDATED', 'REJECTED', 'REFUNDED']), reason: z.string().min(1).optional() }), req.body)
    const id = req.params.id!
    const t = own(state.data.transactions, id)
    if (!t) throw new AdminError(404, `No such transaction: ${id}`)
    const done = await state.update((s, tools) => transactions.force(s, tools, id, body.to, body.reason))
    if (!done) throw new AdminError(409, `Transaction ${id} is ${t.status} (${t.category}): it cannot become ${body.to}`)
    res.json(transactionJson(state.data.transactions[id]!))
  })

  return router
}
