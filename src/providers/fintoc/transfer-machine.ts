import { ApiError } from '../../core/errors.js'
import type { Direction, TransferRecord, TransferStatus } from './state.js'

// The one place a transfer's status changes, and the event each change emits.

export type TransferAction = 'succeed' | 'fail' | 'reject' | 'reverse' | 'request_return' | 'complete_return' | 'fail_return'

export const TRANSFER_TRANSITIONS: Record<TransferStatus, Partial<Record<TransferAction, TransferStatus>>> = {
  pending: { succeed: 'succeeded', fail: 'failed', reject: 'rejected' },
  // an outbound transfer can be returned by the receiving bank after it succeeded
  succeeded: { request_return: 'return_pending', reverse: 'returned' },
  return_pending: { complete_return: 'returned', fail_return: 'succeeded' },
  failed: {},
  rejected: {},
  returned: {},
}

const EVENTS: Partial<Record<TransferAction, Partial<Record<Direction, string>>>> = {
  succeed: { inbound: 'transfer.inbound.succeeded', outbound: 'transfer.outbound.succeeded' },
  fail: { outbound: 'transfer.outbound.failed' },
  reject: { outbound: 'transfer.outbound.rejected' },
  reverse: { outbound: 'transfer.outbound.returned' },
  complete_return: { inbound: 'transfer.inbound.returned' },
  fail_return: { inbound: 'transfer.inbound.return_failed' },
}

export const canTransition = (t: TransferRecord, action: TransferAction) => TRANSFER_TRANSITIONS[t.status][action] !== undefined

/** throws 409 invalid_transfer_status when the current status does not allow `action` */
export function assertTransition(t: TransferRecord, action: TransferAction): TransferStatus {
  const next = TRANSFER_TRANSITIONS[t.status][action]
  if (!next) {
    throw new ApiError('conflict', `Transfer ${t.id} is ${t.status}: it cannot ${action.replace('_', ' ')}`, { code: 'invalid_transfer_status' })
  }
  return next
}

/** applies `action`, or throws 409 invalid_transfer_status; returns the event type it causes */
export function transitionTransfer(t: TransferRecord, action: TransferAction): string | undefined {
  t.status = assertTransition(t, action)
  return EVENTS[action]?.[t.direction]
}
