import { isValidClabe } from '../../core/clabe.js'
import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { institutionForClabe } from '../../core/spei.js'
import type { UpdateTools } from '../types.js'
import type { Emit } from './events.js'
import { matchOutcome, type OutcomeRule } from './outcomes.js'
import type { FintocState, VerificationRecord } from './state.js'
import { isoSeconds, receiptUrl } from './wire.js'

// Account verifications: a CLABE is checked with a penny transfer of Fintoc's own, pending until
// it settles; the holder's name and id are known only once it succeeds.

export const JOB_SETTLE_VERIFICATION = 'account_verification.settle'

export const VERIFICATION_TRANSITIONS: Record<VerificationRecord['status'], Partial<Record<'succeed' | 'fail', VerificationRecord['status']>>> = {
  pending: { succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
}

const EVENTS = { succeed: 'account_verification.succeeded', fail: 'account_verification.failed' } as const

export const verificationJson = (v: VerificationRecord, mode: 'test' | 'live') => {
  const inst = institutionForClabe(v.accountNumber)
  const known = v.status === 'succeeded'
  return {
    object: 'account_verification',
    id: v.id,
    status: v.status,
    reason: v.reason,
    transfer_id: v.transferId,
    counterparty: {
      holder_id: known ? v.holderId : null,
      holder_name: known ? v.holderName : null,
      account_number: v.accountNumber,
      account_type: 'clabe',
      institution: inst ? { id: inst.id, name: inst.name, country: 'mx' } : null,
    },
    mode,
    receipt_url: known ? receiptUrl(v.transferId) : null,
    transaction_date: isoSeconds(v.createdAt),
  }
}

export function createVerifications(deps: { ids: IdGenerator; clock: Clock; settleDelayMs: number; rules: () => OutcomeRule[]; emit: Emit }) {
  function finish(s: FintocState, tools: UpdateTools, v: VerificationRecord, action: 'succeed' | 'fail', reason?: string) {
    if (action === 'fail') v.reason = reason ?? 'account_not_found'
    v.status = VERIFICATION_TRANSITIONS[v.status][action]!
    deps.emit(s, tools, v.orgId, EVENTS[action], { data: verificationJson(v, 'test') })
  }

  return {
    create(s: FintocState, tools: UpdateTools, orgId: string, accountNumber: string): VerificationRecord {
      if (!isValidClabe(accountNumber)) {
        throw new ApiError('invalid_request', 'Invalid param: account_number must be an 18-digit CLABE with a valid check digit', { code: 'invalid_account_number', param: 'account_number' })
      }
      const v: VerificationRecord = {
        id: deps.ids.prefixed('accv'),
        orgId,
        status: 'pending',
        reason: null,
        // the penny transfer is Fintoc's own: it is not among the organization's transfers
        transferId: deps.ids.prefixed('tr'),
        accountNumber,
        holderName: 'Jon Snow',
        holderId: 'LFHU290523OG0',
        createdAt: deps.clock.now(),
      }
      s.verifications[v.id] = v
      s.orgs[orgId]!.verificationIds.push(v.id)
      tools.schedule(JOB_SETTLE_VERIFICATION, v.id, deps.settleDelayMs)
      return v
    },
    settle(s: FintocState, tools: UpdateTools, id: string) {
      const v = s.verifications[id]
      if (v?.status !== 'pending') return
      const rule = matchOutcome(deps.rules(), 'verification', v.accountNumber, 1)
      finish(s, tools, v, rule?.outcome === 'failed' ? 'fail' : 'succeed', rule?.reason)
    },

    /** the control API's forced transition; false when the table does not allow it */
    force(s: FintocState, tools: UpdateTools, id: string, to: 'succeeded' | 'failed', reason?: string): boolean {
      const v = s.verifications[id]
      if (v?.status !== 'pending') return false
      finish(s, tools, v, to === 'failed' ? 'fail' : 'succeed', reason)
      return true
    },
  }
}
