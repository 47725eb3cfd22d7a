import express, { type Router } from 'express'
import { z } from 'zod'
import { AdminError, parseAdminBody } from '../../admin/errors.js'
import type { StateSlice } from '../types.js'
import { type Refunds, refundJson } from './refunds.js'
import type { FintocState } from './state.js'
import { own } from '../../core/own.js'

// /__admin/fintoc/refunds/{id}/transition: forces a refund along its table, with its events and webhooks.

const TransitionBody = z.object({
  to: z.enum(['in_progress', 'succeeded', 'failed', 'canceled']),
  failure_code: z.string().min(1).optional(),
})

export function createRefundAdmin(state: StateSlice<FintocState>, refunds: Refunds): Router {
  const router = express.Router()
  router.post('/refunds/:id/transition', async (req, res) => {
    const body = parseAdminBody(TransitionBody, req.body)
    const id = req.params.id!
    const r = own(state.data.refunds, id)
    if (!r) throw new AdminError(404, `No such refund: ${id}`)
    if (body.failure_code && body.to !== 'failed') throw new AdminError(400, 'invalid request body', ['$.failure_code: only with "to": "failed"'])
    if (!(await state.update((s, tools) => refunds.force(s, tools, id, body.to, body.failure_code)))) throw new AdminError(409, `Refund ${id} is ${r.status}: it cannot become ${body.to}`)
    res.json(refundJson(state.data.refunds[id]!, 'test'))
  })
  return router
}
