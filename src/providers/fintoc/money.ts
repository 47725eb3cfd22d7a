import type { Clock } from '../../core/clock.js'
import { isValidClabe } from '../../core/clabe.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { institutionForClabe } from '../../core/spei.js'
import type { UpdateTools } from '../types.js'
import { notFound, ownedBy } from './errors.js'
import type { Emit } from './events.js'
import { matchOutcome, type OutcomeRule } from './outcomes.js'
import type { AccountRecord, Counterparty, FintocState, TransferRecord, TransferStatus } from './state.js'
import { assertTransition, canTransition, type TransferAction, transitionTransfer } from './transfer-machine.js'

// Money movement. Every function runs inside one store update and checks everything before it
// mutates anything, so a refusal leaves no trace. Balances change only through `move`, which
// records the movement; a status changes only through the transition table, with its event.

export interface MoneyDeps {
  ids: IdGenerator
  clock: Clock
  settleDelayMs: number
  rules: () => OutcomeRule[]
  emit: Emit
}

export const JOB_SETTLE = 'transfer.settle'
export const JOB_REVERSE = 'transfer.reverse'
export const JOB_SETTLE_RETURN = 'transfer.return.settle'

const CHILE_MAX_AMOUNT = 7_000_000

type Currency = 'MXN' | 'CLP'
const upper = (c: string) => c.toUpperCase() as Currency

export function createMoney({ ids, clock, settleDelayMs, rules, emit }: MoneyDeps) {
  // a reason given to a forced transition, used once when the transfer settles
  const forcedReasons = new Map<string, string>()
  // one object per institution, shared by every transfer to it (never changed in place)
  const mxInstitutions = new Map<string, Counterparty['institution']>()
  function mxInstitution(clabe: string) {
    const inst = institutionForClabe(clabe)
    if (!inst) return null
    const shared = mxInstitutions.get(inst.id) ?? { id: inst.id, name: inst.name, country: 'mx' }
    mxInstitutions.set(inst.id, shared)
    return shared
  }
  // a client pays the same few counterparties again and again: one string per account number, not per transfer
  const numbers = new Map<string, string>()
  function sharedNumber(n: string): string {
    const known = numbers.get(n)
    if (known !== undefined) return known
    if (numbers.size >= 10_000) numbers.clear()
    numbers.set(n, n)
    return n
  }
  function move(s: FintocState, account: AccountRecord, signedAmount: number, resourceId: string, returnPairId: string | null = null) {
    account.available_balance += signedAmount
    const id = ids.prefixed('mov')
    s.movements[id] = {
      id,
      orgId: account.orgId,
      accountId: account.id,
      amount: Math.abs(signedAmount),
      balance: account.available_balance,
      currency: account.currency,
      direction: signedAmount >= 0 ? 'inbound' : 'outbound',
      resourceId,
      returnPairId,
      transactionDate: clock.now(),
    }
    account.movementIds.push(id)
    return id
  }

  /** status change + its event (and its deliveries), in the caller's update */
  function apply(s: FintocState, tools: UpdateTools, t: TransferRecord, action: TransferAction) {
    const type = transitionTransfer(t, action)
    emit(s, tools, t.orgId, type, { transfer: { transferId: t.id, status: t.status, postDate: t.postDate, returnReason: t.returnReason } })
  }

  const trackingKey = (s: FintocState) => {
    const d = new Date(clock.now()).toISOString().slice(0, 10).replace(/-/g, '')
    return `${d}90735${String(s.trackingSeq++).padStart(17, '0')}`
  }

  function newTransfer(s: FintocState, base: Omit<TransferRecord, 'id' | 'tracking_key' | 'transactionDate' | 'postDate' | 'returnReason' | 'status'>): TransferRecord {
    // every field named in one fixed order (no spread): records then share one hidden class, which
    // keeps 100k stored transfers hundreds of bytes smaller each
    const t: TransferRecord = {
      id: ids.prefixed('tr'),
      orgId: base.orgId,
      accountId: base.accountId,
      accountNumberId: base.accountNumberId,
      direction: base.direction,
      status: 'pending',
      amount: base.amount,
      currency: base.currency,
      comment: base.comment,
      reference_id: base.reference_id,
      metadata: base.metadata,
      counterparty: base.counterparty,
      tracking_key: trackingKey(s),
      transactionDate: clock.now(),
      postDate: null,
      returnReason: null,
      plannedOutcome: base.plannedOutcome,
      returnFails: base.returnFails,
    }
    s.transfers[t.id] = t
    s.orgs[t.orgId]!.transferIds.push(t.id)
    return t
  }

  return {
    simulateInbound(s: FintocState, tools: UpdateTools, orgId: string, body: SimulateBody): TransferRecord {
      const number = ownedBy(s.accountNumbers[body.account_number_id], orgId, 'account_number', body.account_number_id, 'account_number_id')
      const account = s.accounts[number.account_id]!
      const currency = upper(body.currency)
      if (account.status === 'closed') throw new ApiError('forbidden', `Account ${account.id} is closed and cannot receive transfers`, { code: 'account_not_active' })
      if (number.status !== 'enabled') throw new ApiError('forbidden', `Account number ${number.id} is disabled`, { code: 'forbidden_account_number' })
      if (currency !== account.currency) throw new ApiError('invalid_request', `Currency ${currency} does not match the account's ${account.currency}`, { code: 'currency_mismatch', param: 'currency' })
      const rule = matchOutcome(rules(), 'inbound', body.counterparty_account_number ?? '', body.amount)
      const counterpartyNumber = body.counterparty_account_number ?? (currency === 'MXN' ? '012180015530983477' : '123456789')
      const org = s.orgs[orgId]!
      // recorded real answers: a simulated inbound transfer gets a numeric reference_id ("1", "2", ...) when none is given
      org.inboundSeq = (org.inboundSeq ?? 0) + 1
      const t = newTransfer(s, {
        orgId,
        accountId: account.id,
        accountNumberId: number.id,
        direction: 'inbound',
        amount: body.amount,
        currency,
        comment: body.comment ?? null,
        reference_id: body.reference_id ?? String(org.inboundSeq),
        metadata: null,
        counterparty: {
          holder_id: body.counterparty_holder_id ?? 'PEMJ850101AB1',
          holder_name: body.counterparty_holder_name ?? 'Juan Pérez',
          account_number: sharedNumber(counterpartyNumber),
          account_type: body.counterparty_account_type ?? (currency === 'MXN' ? 'clabe' : 'checking_account'),
          institution: currency === 'MXN' ? mxInstitution(counterpartyNumber) : clInstitution(body.counterparty_institution_id),
        },
        plannedOutcome: 'succeeded',
        returnFails: rule?.outcome === 'return_fails',
      })
      // recorded real answers: an inbound transfer has its post date while still pending
      settledDates(t, t.transactionDate)
      tools.schedule(JOB_SETTLE, t.id, settleDelayMs)
      return t
    },

    createOutbound(s: FintocState, tools: UpdateTools, orgId: string, body: TransferBody): TransferRecord {
      const account = ownedBy(s.accounts[body.account_id], orgId, 'account', body.account_id, 'account_id')
      const currency = upper(body.currency)
      const cp = body.counterparty
      if (account.status !== 'active') throw new ApiError('forbidden', `Account ${account.id} is ${account.status} and cannot send transfers`, { code: 'account_not_active' })
      if (currency !== account.currency) throw new ApiError('invalid_request', `Currency ${currency} does not match the account's ${account.currency}`, { code: 'currency_mismatch', param: 'currency' })
      if (currency === 'MXN' && !isValidClabe(cp.account_number)) {
        throw new ApiError('invalid_request', `Invalid param: counterparty.account_number must be an 18-digit CLABE with a valid check digit`, { code: 'invalid_account_number', param: 'counterparty.account_number' })
      }
      if (currency === 'CLP') {
        for (const field of ['holder_id', 'institution_id', 'account_type'] as const) {
          if (!cp[field]) throw new ApiError('invalid_request', `Missing required param: counterparty.${field}`, { code: 'missing_parameter', param: `counterparty.${field}` })
        }
        if (body.amount > CHILE_MAX_AMOUNT) throw new ApiError('invalid_request', `Invalid param: amount exceeds the ${CHILE_MAX_AMOUNT} CLP limit per transfer`, { code: 'invalid_amount', param: 'amount' })
      }
      if (account.available_balance < body.amount) {
        throw new ApiError('conflict', `Insufficient balance: account ${account.id} has ${account.available_balance} available`, { code: 'insufficient_balance' })
      }
      const rule = matchOutcome(rules(), 'outbound', cp.account_number, body.amount)
      const counterparty: Counterparty = {
        holder_id: cp.holder_id ?? null,
        holder_name: cp.holder_name ?? null,
        account_number: sharedNumber(cp.account_number),
        account_type: cp.account_type ?? (currency === 'MXN' ? 'clabe' : null),
        institution: currency === 'MXN' ? mxInstitution(cp.account_number) : clInstitution(cp.institution_id),
      }
      const t = newTransfer(s, {
        orgId,
        accountId: account.id,
        accountNumberId: account.rootAccountNumberId,
        direction: 'outbound',
        amount: body.amount,
        currency,
        comment: body.comment ?? null,
        reference_id: body.reference_id ?? null,
        metadata: body.metadata && Object.keys(body.metadata).length > 0 ? body.metadata : null,
        counterparty,
        plannedOutcome: rule && rule.outcome !== 'return_fails' ? rule.outcome : 'succeeded',
        returnFails: false,
      })
      // the amount is held at once; a failure or rejection gives it back
      move(s, account, -body.amount, t.id)
      tools.schedule(JOB_SETTLE, t.id, settleDelayMs)
      return t
    },

    requestReturn(s: FintocState, tools: UpdateTools, orgId: string, transferId: string): TransferRecord {
      const t = ownedBy(s.transfers[transferId], orgId, 'transfer', transferId, 'transfer_id')
      if (t.direction !== 'inbound') throw new ApiError('conflict', `Transfer ${t.id} is outbound: only inbound transfers can be returned`, { code: 'invalid_transfer_direction' })
      assertTransition(t, 'request_return')
      const account = s.accounts[t.accountId]!
      if (account.available_balance < t.amount) {
        throw new ApiError('conflict', `Insufficient balance to return ${t.amount}: account ${account.id} has ${account.available_balance} available`, { code: 'insufficient_balance' })
      }
      apply(s, tools, t, 'request_return')
      move(s, account, -t.amount, t.id)
      tools.schedule(JOB_SETTLE_RETURN, t.id, settleDelayMs)
      return t
    },

    /**
     * The control API's forced transition: the same domain steps as the natural path, so balances,
     * movements, events and webhooks follow. Returns false when the table does not allow it.
     */
    force(s: FintocState, tools: UpdateTools, id: string, to: TransferStatus, reason?: string): boolean {
      const t = s.transfers[id]
      if (!t) throw notFound('transfer', id)
      if (t.status === 'pending' && (to === 'succeeded' || to === 'failed' || to === 'rejected')) {
        if (t.direction === 'inbound' && to !== 'succeeded') return false
        t.plannedOutcome = to
        if (reason) forcedReasons.set(t.id, reason)
        this.settle(s, tools, id)
        return true
      }
      if (t.status === 'succeeded' && to === 'returned' && t.direction === 'outbound') {
        if (reason) forcedReasons.set(t.id, reason)
        this.reverse(s, tools, id)
        return true
      }
      if (t.status === 'succeeded' && to === 'return_pending' && t.direction === 'inbound') {
        this.requestReturn(s, tools, t.orgId, id)
        return true
      }
      if (t.status === 'return_pending' && (to === 'returned' || to === 'succeeded')) {
        t.returnFails = to === 'succeeded'
        this.settleReturn(s, tools, id)
        return true
      }
      return false
    },

    /** a pending transfer reaches its planned outcome */
    settle(s: FintocState, tools: UpdateTools, transferId: string) {
      const t = s.transfers[transferId]
      if (t?.status !== 'pending') return
      const account = s.accounts[t.accountId]!
      const now = clock.now()
      if (t.direction === 'inbound') {
        move(s, account, t.amount, t.id)
        // the post date was set when the transfer was received
        if (t.postDate === null) settledDates(t, now)
        apply(s, tools, t, 'succeed')
        return
      }
      if (t.plannedOutcome === 'failed' || t.plannedOutcome === 'rejected') {
        const hold = findHold(s, account, t.id)
        t.returnReason = forcedReasons.get(t.id) ?? matchOutcome(rules(), 'outbound', t.counterparty.account_number, t.amount)?.reason ?? null
        move(s, account, t.amount, t.id, hold?.id ?? null)
        apply(s, tools, t, t.plannedOutcome === 'failed' ? 'fail' : 'reject')
        return
      }
      settledDates(t, now)
      apply(s, tools, t, 'succeed')
      if (t.plannedOutcome === 'returned') tools.schedule(JOB_REVERSE, t.id, settleDelayMs)
    },

    /** the receiving bank sends a succeeded outbound transfer back */
    reverse(s: FintocState, tools: UpdateTools, transferId: string) {
      const t = s.transfers[transferId]
      if (!t || !canTransition(t, 'reverse')) return
      t.returnReason = forcedReasons.get(t.id) ?? matchOutcome(rules(), 'outbound', t.counterparty.account_number, t.amount)?.reason ?? 'returned_by_receiver'
      move(s, s.accounts[t.accountId]!, t.amount, t.id)
      apply(s, tools, t, 'reverse')
    },

    settleReturn(s: FintocState, tools: UpdateTools, transferId: string) {
      const t = s.transfers[transferId]
      if (t?.status !== 'return_pending') return
      if (t.returnFails) {
        move(s, s.accounts[t.accountId]!, t.amount, t.id)
        apply(s, tools, t, 'fail_return')
      } else {
        apply(s, tools, t, 'complete_return')
      }
    },
  }

  function settledDates(t: TransferRecord, now: number) {
    const day = new Date(now)
    t.postDate = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate())
  }
}

export type Money = ReturnType<typeof createMoney>

/** the movement that held an outbound transfer's amount: searched from the newest, where it is */
function findHold(s: FintocState, account: AccountRecord, transferId: string) {
  for (let i = account.movementIds.length - 1; i >= 0; i--) {
    const m = s.movements[account.movementIds[i]!]!
    if (m.resourceId === transferId) return m
  }
  return undefined
}

const clInstitution = (id: string | undefined) => (id ? { id, name: id.replace(/^cl_/, '').replace(/_/g, ' ').toUpperCase(), country: 'cl' } : null)

export interface SimulateBody {
  account_number_id: string
  amount: number
  currency: string
  comment?: string
  reference_id?: string
  counterparty_account_number?: string
  counterparty_account_type?: string
  counterparty_institution_id?: string
  counterparty_holder_id?: string
  counterparty_holder_name?: string
}

export interface TransferBody {
  amount: number
  currency: string
  account_id: string
  comment?: string
  reference_id?: string
  metadata?: Record<string, unknown>
  counterparty: { account_number: string; holder_id?: string; holder_name?: string; account_type?: string; institution_id?: string }
}
