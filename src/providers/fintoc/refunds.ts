import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { parseRef, phasedRef } from '../../core/scheduler.js'
import type { UpdateTools } from '../types.js'
import { ownedBy } from './errors.js'
import type { Emit } from './events.js'
import { matchOutcome, type OutcomeRule } from './outcomes.js'
import { holdsAmount, REFUND_TRANSITIONS, type RefundAction, transitionRefund } from './refund-machine.js'
import type { FintocState, PaymentIntentRecord, RefundRecord, RefundStatus } from './state.js'
import { isoSeconds } from './wire.js'
import { addBusinessDays } from './business-days.js'

// v1 refunds of succeeded payment intents: `pending` until Fintoc picks one up, then `in_progress`, then
// `succeeded` or `failed` as the outcome rules chose at creation (docs/fintoc.md: "Refunds").

export const JOB_ADVANCE_REFUND = 'refund.advance'
/** how long a refund stays cancelable (sandbox clock) */
export const REFUND_PICKUP_MS = 5000
export const REFUND_SETTLE_MS = 5000
const DEFAULT_FAILURE = 'insufficient_funds'
/** an unfunded refund is retried this long before it fails */
export const INSUFFICIENT_FUNDS_RETRY_BUSINESS_DAYS = 5

/** when an `in_progress` refund that moved at `movedAt` ends: 5 s, or after 5 business days of retries when unfunded */
export function settlesAt(r: Pick<RefundRecord, 'plan'>, movedAt: number): number {
  if (r.plan.outcome === 'failed' && r.plan.failureCode === 'insufficient_funds') return addBusinessDays(movedAt, INSUFFICIENT_FUNDS_RETRY_BUSINESS_DAYS)
  return movedAt + REFUND_SETTLE_MS
}

export interface CreateRefundBody {
  resource_type: 'payment_intent'
  resource_id: string
  amount?: number
  metadata?: Record<string, unknown>
  recipient_account?: unknown
}

export function refundJson(r: RefundRecord, mode: 'test' | 'live') {
  return {
    id: r.id,
    object: 'refund',
    amount: r.amount,
    created_at: isoSeconds(r.createdAt),
    currency: r.currency,
    failure_code: r.failureCode,
    metadata: r.metadata,
    mode,
    recipient_account: r.recipientAccount,
    resource_id: r.resourceId,
    resource_type: 'payment_intent',
    status: r.status,
    updated_at: isoSeconds(r.updatedAt),
  }
}

/** what the payment's refunds already hold: the failed and canceled ones give their amount back */
export function refundedAmount(s: FintocState, p: PaymentIntentRecord): number {
  let sum = 0
  for (const id of s.orgs[p.orgId]?.refundIds ?? []) {
    const r = s.refunds[id]!
    if (r.resourceId === p.id && holdsAmount(r)) sum += r.amount
  }
  return sum
}

function refundable(s: FintocState, orgId: string, body: CreateRefundBody): { p: PaymentIntentRecord; amount: number } {
  if (body.recipient_account !== undefined) {
    throw new ApiError('invalid_request', 'Invalid param: recipient_account is only allowed for payments made with alternative payment methods', { param: 'recipient_account', code: 'invalid_params' })
  }
  const p = ownedBy(s.paymentIntents[body.resource_id], orgId, 'payment_intent', body.resource_id, 'resource_id')
  if (p.status !== 'succeeded') {
    throw new ApiError('conflict', `Payment intent ${p.id} is ${p.status}: only succeeded payments can be refunded`, { code: 'invalid_payment_intent_status', param: 'resource_id' })
  }
  // the documented default: the whole amount of the payment
  const amount = body.amount ?? p.amount
  const left = p.amount - refundedAmount(s, p)
  if (amount < 1 || amount > left) {
    throw new ApiError('invalid_request', `Invalid param: amount (${amount}) must be between 1 and what is left to refund of ${p.id} (${left} of ${p.amount})`, { param: 'amount', code: 'invalid_amount' })
  }
  return { p, amount }
}

export function createRefunds(deps: { ids: IdGenerator; clock: Clock; emit: Emit; rules: () => OutcomeRule[] }) {
  const { ids, clock, emit } = deps

  function move(s: FintocState, tools: UpdateTools, r: RefundRecord, action: RefundAction) {
    const type = transitionRefund(r, action, clock.now())
    emit(s, tools, r.orgId, type, { data: refundJson(r, 'test') })
    if (r.status === 'in_progress') {
      const now = clock.now()
      tools.schedule(JOB_ADVANCE_REFUND, phasedRef(r.id, r.status), settlesAt(r, now) - now)
    }
  }

  function finish(s: FintocState, tools: UpdateTools, r: RefundRecord) {
    if (r.plan.outcome === 'failed') r.failureCode = r.plan.failureCode
    move(s, tools, r, r.plan.outcome === 'failed' ? 'fail' : 'succeed')
  }

  const owned = (s: FintocState, orgId: string, id: string) => ownedBy(s.refunds[id], orgId, 'refund', id)

  return {
    owned,

    /** the check of what is left and the reservation happen in the caller's one store update */
    create(s: FintocState, tools: UpdateTools, orgId: string, body: CreateRefundBody): RefundRecord {
      const { p, amount } = refundable(s, orgId, body)
      const rule = matchOutcome(deps.rules(), 'refund', p.senderAccount?.number ?? '', amount)
      const failed = rule !== undefined && rule.outcome !== 'succeeded'
      const now = clock.now()
      const sender = p.senderAccount
      const r: RefundRecord = {
        id: ids.prefixed('re'),
        orgId,
        resourceId: p.id,
        amount,
        currency: p.currency,
        status: 'pending',
        failureCode: null,
        metadata: body.metadata ?? {},
        // the money goes back to the account that paid; the sandbox does not know its holder's name
        recipientAccount: sender ? { holder_id: sender.holder_id.replace(/[.-]/g, ''), holder_name: null, institution_id: sender.institution_id, number: sender.number, type: sender.type } : null,
        createdAt: now,
        updatedAt: now,
        plan: failed ? { outcome: 'failed', failureCode: rule.reason ?? DEFAULT_FAILURE } : { outcome: 'succeeded' },
      }
      s.refunds[r.id] = r
      s.orgs[orgId]!.refundIds.push(r.id)
      tools.schedule(JOB_ADVANCE_REFUND, phasedRef(r.id, r.status), REFUND_PICKUP_MS)
      return r
    },

    cancel(s: FintocState, tools: UpdateTools, orgId: string, id: string): RefundRecord {
      const r = owned(s, orgId, id)
      move(s, tools, r, 'cancel')
      return r
    },

    /** `ref`: the refund, with the status it had when this step was scheduled (a second run does nothing) */
    advance(s: FintocState, tools: UpdateTools, ref: string) {
      const { id, phase } = parseRef(ref)
      const r = s.refunds[id]
      if (!r || (phase !== undefined && r.status !== phase)) return
      if (r.status === 'pending') move(s, tools, r, 'start')
      else if (r.status === 'in_progress') finish(s, tools, r)
    },

    /** the control API's forced transition; false when the table does not lead there */
    force(s: FintocState, tools: UpdateTools, id: string, to: Exclude<RefundStatus, 'pending'>, failureCode?: string): boolean {
      const r = s.refunds[id]
      if (!r) return false
      // a refund is picked up before it succeeds: forcing a pending one to succeeded passes through in_progress
      const path: RefundAction[] = to === 'succeeded' && r.status === 'pending' ? ['start', 'succeed'] : [ACTION[to]]
      let at = r.status
      for (const action of path) {
        const next = REFUND_TRANSITIONS[at][action]
        if (!next) return false
        at = next
      }
      if (to === 'failed') r.plan = { outcome: 'failed', failureCode: failureCode ?? (r.plan.outcome === 'failed' ? r.plan.failureCode : DEFAULT_FAILURE) }
      if (to === 'succeeded') r.plan = { outcome: 'succeeded' }
      for (const action of path) {
        if (action === 'succeed' || action === 'fail') finish(s, tools, r)
        else move(s, tools, r, action)
      }
      return true
    },
  }
}

const ACTION: Record<Exclude<RefundStatus, 'pending'>, RefundAction> = { in_progress: 'start', succeeded: 'succeed', failed: 'fail', canceled: 'cancel' }

export type Refunds = ReturnType<typeof createRefunds>
