import { ApiError } from '../../core/errors.js'
import type { RefundRecord, RefundStatus } from './state.js'

// The one place a refund's status changes, and the event each change emits.

export type RefundAction = 'start' | 'succeed' | 'fail' | 'cancel'

export const REFUND_TRANSITIONS: Record<RefundStatus, Partial<Record<RefundAction, RefundStatus>>> = {
  // only a refund Fintoc has not picked up yet can be canceled
  pending: { start: 'in_progress', cancel: 'canceled', fail: 'failed' },
  in_progress: { succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
  canceled: {},
}

const EVENTS: Record<RefundAction, string> = {
  start: 'refund.in_progress',
  succeed: 'refund.succeeded',
  fail: 'refund.failed',
  // inferred: not in Fintoc's event list, which the reference saw only in part
  cancel: 'refund.canceled',
}

/** refunds still holding part of the payment's amount */
export const holdsAmount = (r: RefundRecord) => r.status !== 'failed' && r.status !== 'canceled'

/** applies `action` at `now`, or throws 409 invalid_refund_status; returns the event type it causes */
export function transitionRefund(r: RefundRecord, action: RefundAction, now: number): string {
  const next = REFUND_TRANSITIONS[r.status][action]
  if (!next) throw new ApiError('conflict', `Refund ${r.id} is ${r.status}: it cannot ${action}`, { code: 'invalid_refund_status' })
  r.status = next
  r.updatedAt = now
  return EVENTS[action]
}
