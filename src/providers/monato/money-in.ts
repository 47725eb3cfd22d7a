import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { type Credit, localDate } from './credits.js'
import { amountToCents, centsToAmount } from './format.js'
import type { MonatoState, TransactionRecord } from './state.js'
import type { createTransactions } from './transactions.js'

// Money in: Monato staging has no public way to receive a deposit, so /__admin/monato/money_in
// stands in for a SPEI credit. Refunds of received money go out as a debit with its own lifecycle.

export interface MoneyInInput {
  clabe: string
  amount: string
  payer_account?: string
  payer_name?: string
  payer_rfc?: string
  payer_institution?: string
  tracking_key?: string
  payment_concept?: string
  numeric_reference?: string
}

export function createMoneyIn(deps: { ids: IdGenerator; clock: Clock; credit: Credit; transactions: ReturnType<typeof createTransactions> }) {
  const { ids, clock } = deps
  return {
    receive(s: MonatoState, tools: UpdateTools, input: MoneyInInput): TransactionRecord {
      const account = Object.values(s.accounts).find((a) => a.clabeNumber === input.clabe)
      if (!account) throw new ApiError('not_found', `No account of this sandbox has CLABE ${input.clabe}.`)
      if (account.accountStatus !== 'ACTIVE') throw new ApiError('precondition', 'The beneficiary account is not active.')
      const trackingKey = input.tracking_key ?? `${localDate(clock.now()).replace(/-/g, '')}SANDBOX${ids.chars('0123456789', 9)}`
      const t = deps.credit(s, tools, account, amountToCents(input.amount), {
        subCategory: 'SPEI_CREDIT',
        trackingKey,
        payerAccount: input.payer_account ?? '002180000000004047',
        payerName: input.payer_name ?? 'Juan Perez',
        payerRfc: input.payer_rfc ?? 'ND',
        payerInstitution: input.payer_institution ?? '40002',
        paymentConcept: input.payment_concept ?? '',
        numericReference: input.numeric_reference ?? '',
        notify: true,
      })
      return t
    },

    /** the receiver refused the deposit: send it back in full, once */
    refundRejected(s: MonatoState, tools: UpdateTools, id: string) {
      const t = s.transactions[id]
      if (t?.category !== 'CREDIT_TRANS' || t.refundedBy) return
      const account = s.accounts[t.creditAccountId!]!
      if (account.balanceCents < t.amountCents) return
      t.refundedBy = deps.transactions.debit(s, tools, account, t.amountCents, { description: 'Devolucion automatica', externalReference: t.externalReference }).id
    },

    /** only received money, only the full amount, only once; the refund is a debit with its own lifecycle */
    refund(s: MonatoState, tools: UpdateTools, clientId: string, id: string, body: { amount: string; description?: string }): TransactionRecord {
      const original = s.transactions[id]
      if (original?.clientId !== clientId) throw new ApiError('not_found', 'Transaction not found.')
      if (original.category !== 'CREDIT_TRANS') throw new ApiError('precondition', 'Only received transactions can be refunded.')
      if (amountToCents(body.amount) !== original.amountCents) {
        throw new ApiError('invalid_request', `Partial refunds are not allowed: the amount must be ${centsToAmount(original.amountCents)}.`)
      }
      if (original.refundedBy) throw new ApiError('precondition', 'The transaction was already refunded.')
      const account = s.accounts[original.creditAccountId!]!
      if (account.balanceCents < original.amountCents) throw new ApiError('precondition', 'The account has insufficient funds for the refund.')
      const refund = deps.transactions.debit(s, tools, account, original.amountCents, { description: body.description ?? 'Devolucion', externalReference: original.externalReference })
      original.refundedBy = refund.id
      return refund
    },
  }
}
