import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { amountToCents, centsToAmount, monatoIsoTimestamp, monatoTimestamp } from './format.js'
import { type Credit, localDate } from './credits.js'
import { notify } from './notify.js'
import { dataCepJson } from './penny.js'
import { ownAccountByInstrument, resolveDestination } from './destinations.js'
import type { AccountRecord, MonatoState, TransactionRecord, TransactionStatus } from './state.js'

// SPEI money out and its lifecycle. Every status change goes through the table below and sends a
// STATUS_UPDATE webhook in the same store update.

export const JOB_SETTLE = 'transaction.settle'
export const JOB_REFUND = 'transaction.refund'

export const TRANSACTION_TRANSITIONS: Record<TransactionStatus, Partial<Record<TransactionStatus, true>>> = {
  INITIALIZED: { LIQUIDATED: true, REJECTED: true },
  // a liquidated transfer can still come back (devolución)
  LIQUIDATED: { REFUNDED: true },
  REJECTED: {},
  REFUNDED: {},
}

export interface MonatoOutcomeRule {
  amount?: string
  clabe?: string
  outcome: 'REJECTED' | 'REFUNDED'
  reason: string
  reasonDescription: string
}

/** deterministic outcomes (docs/monato.md: "test outcomes"); anything else liquidates */
export const DEFAULT_MONATO_RULES: MonatoOutcomeRule[] = [
  { amount: '1.01', outcome: 'REJECTED', reason: 'NON_EXISTENT_ACCOUNT', reasonDescription: 'Cuenta inexistente' },
  { amount: '1.02', outcome: 'REJECTED', reason: 'BLOCKED_ACCOUNT', reasonDescription: 'Cuenta bloqueada' },
  { amount: '1.03', outcome: 'REJECTED', reason: 'CANCELLED_ACCOUNT', reasonDescription: 'Cuenta cancelada' },
  { amount: '1.05', outcome: 'REJECTED', reason: 'DIFFERENT_CURRENCY_ACCOUNT', reasonDescription: 'Cuenta en otra divisa' },
  { amount: '1.06', outcome: 'REFUNDED', reason: 'RETURNED_BY_RECEIVER', reasonDescription: 'Devolución del participante receptor' },
]

export const transactionJson = (t: TransactionRecord) => ({
  ...transactionCore(t),
  ...(t.cep ? { metadata: { dataCep: dataCepJson(t) } } : {}),
})

const transactionCore = (t: TransactionRecord) => ({
  id: t.id,
  bankId: t.bankId,
  clientId: t.clientId,
  externalReference: t.externalReference,
  trackingId: t.trackingId,
  description: t.description,
  amount: centsToAmount(t.amountCents),
  currency: 'MXN',
  category: t.category,
  subCategory: t.subCategory,
  transactionStatus: t.status,
  audit: { createdAt: monatoTimestamp(t.createdAt), updatedAt: monatoTimestamp(t.updatedAt), deletedAt: null, blockedAt: null },
})

interface MoneyOutBody {
  client_id: string
  source_instrument_id: string
  destination_instrument_id: string
  transaction_request: { external_reference?: string; description?: string; amount: string; currency: 'MXN' }
}

export function createTransactions(deps: { ids: IdGenerator; clock: Clock; settleDelayMs: number; webhookUrl?: string; rules: () => MonatoOutcomeRule[]; credit: Credit }) {
  const { ids, clock } = deps
  const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

  function statusUpdate(s: MonatoState, tools: UpdateTools, t: TransactionRecord) {
    const now = clock.now()
    const body = JSON.stringify({
      id_msg: ids.uuid(),
      msg_name: 'STATUS_UPDATE',
      msg_date: localDate(now),
      body: {
        id: t.id,
        tracking_key: t.trackingId,
        message_type: 'SPEI',
        reason: t.reason,
        reason_description: t.reasonDescription,
        status: t.status,
        update_at: monatoIsoTimestamp(now),
      },
    })
    notify(s, tools, { clientId: t.clientId, type: 'STATUS_UPDATE', resourceId: t.id, body }, deps.webhookUrl)
  }

  /** a SPEI debit from `source`: the amount is held at once and the transfer settles later */
  function debit(
    s: MonatoState,
    tools: UpdateTools,
    source: AccountRecord,
    cents: number,
    o: { description: string; externalReference: string; destinationInstrumentId?: string; plan?: MonatoOutcomeRule | null; internal?: boolean },
  ): TransactionRecord {
    const now = clock.now()
    const t: TransactionRecord = {
      id: ids.uuid(),
      clientId: source.clientId,
      bankId: source.bankId,
      externalReference: o.externalReference,
      trackingId: `${localDate(now).replace(/-/g, '')}FINCH${ids.chars(ALNUM, 10)}`,
      description: o.description,
      amountCents: cents,
      category: 'DEBIT_TRANS',
      subCategory: o.internal ? 'INT_DEBIT' : 'SPEI_DEBIT',
      status: 'INITIALIZED',
      sourceAccountId: source.id,
      destinationInstrumentId: o.destinationInstrumentId ?? null,
      reason: null,
      reasonDescription: null,
      plan: o.plan ?? null,
      refundedBy: null,
      creditAccountId: null,
      createdAt: now,
      updatedAt: now,
    }
    source.balanceCents -= cents
    source.updatedAt = now
    s.transactions[t.id] = t
    s.clients[source.clientId]!.transactionIds.push(t.id)
    // book-to-book transfers liquidate at once; SPEI ones settle later
    if (!o.internal) tools.schedule(JOB_SETTLE, t.id, deps.settleDelayMs)
    return t
  }

  function transition(s: MonatoState, tools: UpdateTools, t: TransactionRecord, to: TransactionStatus) {
    if (!TRANSACTION_TRANSITIONS[t.status][to]) throw new ApiError('precondition', `The transaction is ${t.status} and cannot become ${to}.`)
    t.status = to
    t.updatedAt = clock.now()
    statusUpdate(s, tools, t)
  }

  return {
    /** `internalOnly`: the deprecated internal_transaction, whose destination must be a sandbox account */
    moneyOut(s: MonatoState, tools: UpdateTools, clientId: string, body: MoneyOutBody, internalOnly = false): TransactionRecord {
      if (body.client_id !== clientId) throw new ApiError('forbidden', 'client_id does not match the authenticated client.')
      const source = ownAccountByInstrument(s, clientId, body.source_instrument_id)
      const destination = resolveDestination(s, clientId, body.destination_instrument_id)
      // documented quirk: an unknown instrument is answered with a 500
      if (!source || !destination) throw new ApiError('internal', 'Instrument not found.')
      const cents = amountToCents(body.transaction_request.amount)
      const { instrument, account: target } = destination
      if (internalOnly && !target) throw new ApiError('precondition', 'The destination instrument is not an internal account.')
      if (target?.id === source.id) throw new ApiError('precondition', 'The source and destination accounts are the same.')
      if (source.accountStatus !== 'ACTIVE') throw new ApiError('precondition', 'The source account is not active.')
      if (target && target.accountStatus !== 'ACTIVE') throw new ApiError('precondition', 'The destination account is not active.')
      if (source.balanceCents < cents) throw new ApiError('precondition', 'The source account has insufficient funds.')
      if (target) {
        const t = debit(s, tools, source, cents, {
          description: body.transaction_request.description ?? '',
          externalReference: body.transaction_request.external_reference ?? '',
          destinationInstrumentId: body.destination_instrument_id,
          internal: true,
        })
        transition(s, tools, t, 'LIQUIDATED')
        deps.credit(s, tools, target, cents, {
          subCategory: 'INT_CREDIT',
          trackingKey: t.trackingId,
          payerAccount: source.clabeNumber,
          payerName: s.clients[source.clientId]!.name,
          payerRfc: 'ND',
          payerInstitution: '90734',
          paymentConcept: t.description,
          numericReference: t.externalReference,
          // self-transfers (same owner) emit no MONEY_IN
          notify: target.ownerId !== source.ownerId,
        })
        return t
      }
      const external = instrument!
      const rule = deps.rules().find((r) => (r.amount === undefined || r.amount === body.transaction_request.amount) && (r.clabe === undefined || r.clabe === external.number))
      return debit(s, tools, source, cents, {
        description: body.transaction_request.description ?? '',
        externalReference: body.transaction_request.external_reference ?? '',
        destinationInstrumentId: external.id,
        plan: rule ?? null,
      })
    },

    debit,

    settle(s: MonatoState, tools: UpdateTools, id: string) {
      const t = s.transactions[id]
      if (t?.status !== 'INITIALIZED') return
      if (t.plan?.outcome === 'REJECTED') {
        s.accounts[t.sourceAccountId!]!.balanceCents += t.amountCents
        t.reason = t.plan.reason
        t.reasonDescription = t.plan.reasonDescription
        transition(s, tools, t, 'REJECTED')
        return
      }
      transition(s, tools, t, 'LIQUIDATED')
      if (t.plan?.outcome === 'REFUNDED') tools.schedule(JOB_REFUND, t.id, deps.settleDelayMs)
    },

    /** the control API's forced transition, through the same steps (money back, STATUS_UPDATE) */
    force(s: MonatoState, tools: UpdateTools, id: string, to: TransactionStatus, reason?: string): boolean {
      const t = s.transactions[id]
      if (t?.category !== 'DEBIT_TRANS') return false
      const why = { reason: reason ?? 'FORCED', reasonDescription: reason ?? 'Forced from the control API' }
      if (t.status === 'INITIALIZED' && (to === 'LIQUIDATED' || to === 'REJECTED')) {
        t.plan = to === 'REJECTED' ? { outcome: 'REJECTED', ...why } : null
        this.settle(s, tools, id)
        return true
      }
      if (t.status === 'LIQUIDATED' && to === 'REFUNDED' && t.sourceAccountId) {
        t.plan = { outcome: 'REFUNDED', ...why }
        this.refundBack(s, tools, id)
        return true
      }
      return false
    },

    /** the receiving bank sends a liquidated transfer back */
    refundBack(s: MonatoState, tools: UpdateTools, id: string) {
      const t = s.transactions[id]
      if (t?.status !== 'LIQUIDATED') return
      s.accounts[t.sourceAccountId!]!.balanceCents += t.amountCents
      t.reason = t.plan?.reason ?? null
      t.reasonDescription = t.plan?.reasonDescription ?? null
      transition(s, tools, t, 'REFUNDED')
    },
  }
}
