import type { Clock } from '../../core/clock.js'
import type { StateSlice } from '../types.js'
import { JOB_REVERSE, JOB_SETTLE, JOB_SETTLE_RETURN } from './money.js'
import { JOB_EXPIRE, JOB_RESOLVE, WIDGET_TOKEN_TTL_MS } from './payment-intents.js'
import { JOB_EXPIRE_SESSION } from './checkout-sessions.js'
import { JOB_ADVANCE_REFUND, REFUND_PICKUP_MS, settlesAt } from './refunds.js'
import type { FintocState } from './state.js'
import { JOB_SETTLE_VERIFICATION } from './verifications.js'

// The job each unfinished Fintoc resource waits on. A resource found without its job (a data file from an
// older version, or a job lost to a crash) gets it back, due now or at the instant it was due.

export function createFintocRecovery(state: StateSlice<FintocState>, clock: Clock) {
  return (hasJob: (type: string, id: string) => boolean): Promise<number> =>
    state.update((s, tools) => {
      let count = 0
      const need = (type: string, id: string, delayMs = 0) => {
        if (hasJob(type, id)) return
        tools.schedule(type, id, delayMs)
        count++
      }
      for (const t of Object.values(s.transfers)) {
        if (t.status === 'pending') need(JOB_SETTLE, t.id)
        else if (t.status === 'return_pending') need(JOB_SETTLE_RETURN, t.id)
        else if (t.status === 'succeeded' && t.direction === 'outbound' && t.plannedOutcome === 'returned') need(JOB_REVERSE, t.id)
      }
      for (const v of Object.values(s.verifications)) if (v.status === 'pending') need(JOB_SETTLE_VERIFICATION, v.id)
      for (const p of Object.values(s.paymentIntents)) {
        if (p.status === 'created') need(JOB_EXPIRE, p.id, p.createdAt + WIDGET_TOKEN_TTL_MS - clock.now())
        else if (p.plan && (p.status === 'in_progress' || (p.status === 'pending' && p.plan.outcome === 'pending'))) need(JOB_RESOLVE, p.id)
      }
      for (const r of Object.values(s.refunds)) {
        // due when it would have been: the step's delay after the refund last moved
        if (r.status === 'pending') need(JOB_ADVANCE_REFUND, r.id, Math.max(0, r.updatedAt + REFUND_PICKUP_MS - clock.now()))
        else if (r.status === 'in_progress') need(JOB_ADVANCE_REFUND, r.id, Math.max(0, settlesAt(r, r.updatedAt) - clock.now()))
      }
      for (const cs of Object.values(s.checkoutSessions)) if (cs.status === 'created') need(JOB_EXPIRE_SESSION, cs.id, cs.expiresAt - clock.now())
      return count
    })
}
