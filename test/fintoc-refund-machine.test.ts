import { describe, expect, it } from 'vitest'
import { ApiError } from '../src/core/errors.js'
import { REFUND_TRANSITIONS, type RefundAction, transitionRefund } from '../src/providers/fintoc/refund-machine.js'
import type { RefundRecord, RefundStatus } from '../src/providers/fintoc/state.js'

// The refund transition table: every status × action, and the event each allowed move emits.

const refund = (status: RefundStatus): RefundRecord => ({
  id: 're_test',
  orgId: 'org',
  resourceId: 'pi_test',
  amount: 1,
  currency: 'CLP',
  status,
  failureCode: null,
  metadata: {},
  recipientAccount: null,
  createdAt: 0,
  updatedAt: 0,
  plan: { outcome: 'succeeded' },
})

const ALLOWED: Array<[RefundStatus, RefundAction, RefundStatus, string]> = [
  ['pending', 'start', 'in_progress', 'refund.in_progress'],
  ['pending', 'cancel', 'canceled', 'refund.canceled'],
  ['pending', 'fail', 'failed', 'refund.failed'],
  ['in_progress', 'succeed', 'succeeded', 'refund.succeeded'],
  ['in_progress', 'fail', 'failed', 'refund.failed'],
]
const STATUSES = Object.keys(REFUND_TRANSITIONS) as RefundStatus[]
const ACTIONS: RefundAction[] = ['start', 'succeed', 'fail', 'cancel']

describe('refund transitions', () => {
  it.each(ALLOWED)('%s --%s--> %s emits %s', (from, action, to, event) => {
    const r = refund(from)
    expect(transitionRefund(r, action, 42)).toBe(event)
    expect([r.status, r.updatedAt]).toEqual([to, 42])
  })

  it('every other pair is refused with 409 invalid_refund_status and changes nothing', () => {
    for (const from of STATUSES) {
      for (const action of ACTIONS) {
        if (ALLOWED.some(([f, a]) => f === from && a === action)) continue
        const r = refund(from)
        let err: unknown
        try {
          transitionRefund(r, action, 42)
        } catch (e) {
          err = e
        }
        expect(err).toBeInstanceOf(ApiError)
        expect((err as ApiError).details.code).toBe('invalid_refund_status')
        expect([r.status, r.updatedAt]).toEqual([from, 0])
      }
    }
  })
})
