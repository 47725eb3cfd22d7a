import express, { type Router } from 'express'
import { z } from 'zod'
import { AdminError, parseAdminBody } from '../../admin/errors.js'
import { isApiError } from '../../core/errors.js'
import type { StateSlice } from '../types.js'
import type { Money } from './money.js'
import type { FintocState } from './state.js'
import { transferJson } from './wire.js'
import { own } from '../../core/own.js'

// POST /__admin/fintoc/account_numbers/{id}/receive_transfer: the API's simulated inbound transfer without the
// organization's key (the dashboard never holds it), in the account's currency, through the same domain step.

const Body = z
  .object({
    amount: z.number().int().min(1).max(1e15),
    comment: z.string().max(40).optional(),
    reference_id: z.string().regex(/^[0-9]{1,7}$/, 'must be 1 to 7 digits').optional(),
    counterparty_account_number: z.string().regex(/^[0-9]{6,20}$/, 'must be an account number (digits)').optional(),
    counterparty_holder_name: z.string().min(1).max(100).optional(),
    counterparty_holder_id: z.string().min(1).max(40).optional(),
  })
  .strict()

export function createInboundAdmin(state: StateSlice<FintocState>, money: Money): Router {
  const router = express.Router()
  router.post('/account_numbers/:id/receive_transfer', async (req, res) => {
    const body = parseAdminBody(Body, req.body)
    const id = req.params.id!
    const n = own(state.data.accountNumbers, id)
    if (!n) throw new AdminError(404, `No such account_number: ${id}`)
    const t = await state.update((s, tools) => {
      try {
        return money.simulateInbound(s, tools, n.orgId, { ...body, account_number_id: id, currency: s.accounts[n.account_id]!.currency })
      } catch (err) {
        // the account is closed, the number disabled: what the API would refuse
        if (isApiError(err)) throw new AdminError(409, err.message)
        throw err
      }
    })
    res.status(201).json(transferJson(state.data, t, 'test'))
  })
  return router
}
