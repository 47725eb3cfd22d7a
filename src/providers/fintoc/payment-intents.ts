import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { parseRef, phasedRef } from '../../core/scheduler.js'
import type { UpdateTools } from '../types.js'
import { ownedBy } from './errors.js'
import type { Emit } from './events.js'
import type { FintocState, PaymentIntentRecord, PaymentIntentStatus } from './state.js'
import { isoSeconds } from './wire.js'

// v1 payment intents. There is no real widget: the sandbox's stand-in (`pay`) takes what a payer
// would type, and the test values of Fintoc's quickstart decide the outcome.

export const JOB_EXPIRE = 'payment_intent.expire'
export const JOB_RESOLVE = 'payment_intent.resolve'
export const WIDGET_TOKEN_TTL_MS = 10 * 60 * 1000
export const PAYMENT_DELAY_MS = 5000
export const PENDING_DELAY_MS = 60 * 60 * 1000

type Action = 'start' | 'succeed' | 'fail' | 'reject' | 'hold' | 'expire'

export const PAYMENT_INTENT_TRANSITIONS: Record<PaymentIntentStatus, Partial<Record<Action, PaymentIntentStatus>>> = {
  created: { start: 'in_progress', expire: 'expired' },
  in_progress: { succeed: 'succeeded', fail: 'failed', reject: 'rejected', hold: 'pending' },
  // the bank gives no final answer yet; one comes later
  pending: { succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
  rejected: {},
  expired: {},
}

const EVENT: Partial<Record<PaymentIntentStatus, string>> = {
  succeeded: 'payment_intent.succeeded',
  failed: 'payment_intent.failed',
  rejected: 'payment_intent.rejected',
  pending: 'payment_intent.pending',
  expired: 'payment_intent.expired',
}

/** what the payer types in the widget */
export interface PaymentInput {
  country?: 'cl' | 'mx'
  institution_id?: string
  username?: string
  password?: string
  account?: string
  mfa?: string
}

export type Plan = { outcome: 'succeeded' | 'failed' | 'rejected' } | { outcome: 'pending'; later: 'succeeded' | 'failed' }

const CL_USERS = new Set(['41614850-3', '40427672-7', '41579263-8'])
const CL_ACCOUNTS: Record<string, Plan> = {
  '422159212': { outcome: 'succeeded' },
  '422159213': { outcome: 'failed' },
  '422159214': { outcome: 'pending', later: 'succeeded' },
  '422159215': { outcome: 'pending', later: 'failed' },
}
const MX_NUMBERS: Record<string, Plan> = {
  '5555555555': { outcome: 'succeeded' },
  '5555555556': { outcome: 'failed' },
  '5555555557': { outcome: 'rejected' },
  '5555555558': { outcome: 'pending', later: 'succeeded' },
  '5555555559': { outcome: 'pending', later: 'failed' },
}
export const WRONG_MFA = '000000'

/** the outcome the quickstart's test values lead to, or a widget-side error */
export function planPayment(currency: 'CLP' | 'MXN', input: PaymentInput): Plan {
  if (input.mfa === WRONG_MFA) return { outcome: 'rejected' }
  if (currency === 'MXN') {
    const plan = MX_NUMBERS[input.account ?? '']
    if (!plan) throw new ApiError('invalid_request', `Unknown test account ${JSON.stringify(input.account ?? '')}: use one of ${Object.keys(MX_NUMBERS).join(', ')}`, { param: 'account' })
    return plan
  }
  if (!CL_USERS.has(input.username ?? '') || input.password !== 'jonsnow') {
    throw new ApiError('invalid_request', 'Bank login failed: use RUT 41614850-3 (or 40427672-7, 41579263-8) and password jonsnow', { param: 'username' })
  }
  const plan = CL_ACCOUNTS[input.account ?? '']
  if (!plan) throw new ApiError('invalid_request', `Unknown test account ${JSON.stringify(input.account ?? '')}: use one of ${Object.keys(CL_ACCOUNTS).join(', ')}`, { param: 'account' })
  return plan
}

export function paymentIntentJson(p: PaymentIntentRecord, mode: 'test' | 'live', showToken = false) {
  return {
    id: p.id,
    object: 'payment_intent',
    amount: p.amount,
    currency: p.currency,
    widget_token: showToken ? p.widgetToken : null,
    status: p.status,
    reference_id: p.referenceId,
    transaction_date: p.transactionDate === null ? null : isoSeconds(p.transactionDate),
    metadata: p.metadata,
    error_reason: p.errorReason,
    mode,
    customer_email: p.customerEmail,
    recipient_account: p.recipientAccount,
    sender_account: p.senderAccount,
    created_at: isoSeconds(p.createdAt),
  }
}

/** `onMove`: runs after each move, in the same update (a checkout session follows its intent) */
export function createPaymentIntents(ids: IdGenerator, clock: Clock, emit: Emit, onMove?: (s: FintocState, tools: UpdateTools, p: PaymentIntentRecord) => void) {
  function move(s: FintocState, tools: UpdateTools, p: PaymentIntentRecord, action: Action) {
    const next = PAYMENT_INTENT_TRANSITIONS[p.status][action]
    if (!next) throw new ApiError('conflict', `Payment intent ${p.id} is ${p.status}: it cannot ${action}`, { code: 'invalid_payment_intent_status' })
    p.status = next
    emit(s, tools, p.orgId, EVENT[next], { data: paymentIntentJson(p, 'test') })
    onMove?.(s, tools, p)
  }

  const owned = (s: FintocState, orgId: string, id: string) => ownedBy(s.paymentIntents[id], orgId, 'payment_intent', id)

  function finish(s: FintocState, tools: UpdateTools, p: PaymentIntentRecord, outcome: 'succeeded' | 'failed' | 'rejected') {
    if (outcome === 'succeeded') p.transactionDate = clock.now()
    else p.errorReason = outcome === 'rejected' ? 'mfa_rejected' : 'payment_failed'
    move(s, tools, p, outcome === 'succeeded' ? 'succeed' : outcome === 'failed' ? 'fail' : 'reject')
  }

  return {
    owned,
    create(s: FintocState, tools: UpdateTools, orgId: string, body: CreateBody): PaymentIntentRecord {
      const id = ids.prefixed('pi')
      const p: PaymentIntentRecord = {
        id,
        orgId,
        amount: body.amount,
        currency: body.currency.toUpperCase() as 'CLP' | 'MXN',
        status: 'created',
        widgetToken: `${id}_sec_${ids.chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 22)}`,
        referenceId: body.reference_id ?? null,
        transactionDate: null,
        metadata: body.metadata ?? {},
        errorReason: null,
        customerEmail: body.customer_email ?? null,
        recipientAccount: body.recipient_account ?? null,
        senderAccount: null,
        createdAt: clock.now(),
        plan: null,
      }
      s.paymentIntents[id] = p
      s.orgs[orgId]!.paymentIntentIds.push(id)
      // the widget token lives 10 minutes; an intent nobody paid by then expires
      tools.schedule(JOB_EXPIRE, id, WIDGET_TOKEN_TTL_MS)
      return p
    },

    expire(s: FintocState, tools: UpdateTools, orgId: string, id: string) {
      const p = owned(s, orgId, id)
      move(s, tools, p, 'expire')
      return p
    },

    /** the token's lifetime is over: an intent still open expires */
    expireIfOpen(s: FintocState, tools: UpdateTools, id: string) {
      const p = s.paymentIntents[id]
      if (p?.status === 'created') move(s, tools, p, 'expire')
    },

    /** the widget stand-in: the payer logs in and confirms; the result arrives 5 s later */
    pay(s: FintocState, tools: UpdateTools, p: PaymentIntentRecord, input: PaymentInput) {
      if (p.status === 'created' && clock.now() >= p.createdAt + WIDGET_TOKEN_TTL_MS) {
        throw new ApiError('conflict', `The widget token of ${p.id} has expired`, { code: 'invalid_payment_intent_status' })
      }
      const plan = planPayment(p.currency, input)
      move(s, tools, p, 'start')
      p.plan = plan
      p.senderAccount = {
        holder_id: input.username ?? 'ND',
        number: input.account ?? '',
        type: p.currency === 'MXN' ? 'clabe' : 'checking_account',
        institution_id: input.institution_id ?? (p.currency === 'MXN' ? 'mx_banco_bbva' : 'cl_banco_de_chile'),
      }
      tools.schedule(JOB_RESOLVE, phasedRef(p.id, p.status), PAYMENT_DELAY_MS)
      return p
    },

    /** the control API's forced transition; false when the table does not allow it */
    force(s: FintocState, tools: UpdateTools, id: string, to: PaymentIntentStatus): boolean {
      const p = s.paymentIntents[id]
      if (!p) return false
      if (p.status === 'created' && to === 'expired') move(s, tools, p, 'expire')
      else if (p.status === 'in_progress' && to === 'pending') move(s, tools, p, 'hold')
      else if ((p.status === 'in_progress' && (to === 'succeeded' || to === 'failed' || to === 'rejected')) || (p.status === 'pending' && (to === 'succeeded' || to === 'failed'))) {
        finish(s, tools, p, to)
      } else return false
      // a forced outcome replaces the planned one
      p.plan = null
      return true
    },

    /** `ref`: the intent, with the status it had when this step was scheduled (a second run does nothing) */
    resolve(s: FintocState, tools: UpdateTools, ref: string) {
      const { id, phase } = parseRef(ref)
      const p = s.paymentIntents[id]
      if (!p?.plan || (phase !== undefined && p.status !== phase)) return
      if (p.status === 'in_progress') {
        if (p.plan.outcome === 'pending') {
          move(s, tools, p, 'hold')
          tools.schedule(JOB_RESOLVE, phasedRef(p.id, p.status), PENDING_DELAY_MS)
        } else finish(s, tools, p, p.plan.outcome)
      } else if (p.status === 'pending' && p.plan.outcome === 'pending') {
        finish(s, tools, p, p.plan.later)
      }
    },
  }
}

export interface CreateBody {
  amount: number
  currency: string
  recipient_account?: PaymentIntentRecord['recipientAccount']
  customer_email?: string
  metadata?: Record<string, unknown>
  reference_id?: string
}
