import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { amountToCents, centsToAmount, monatoIsoTimestamp } from './format.js'
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

const localDate = (ms: number) => new Date(ms - 6 * 3600_000).toISOString().slice(0, 10)
const localDateTime = (ms: number) => new Date(ms - 6 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')

export function createMoneyIn(deps: { ids: IdGenerator; clock: Clock; webhookUrl?: string; transactions: ReturnType<typeof createTransactions> }) {
  const { ids, clock } = deps
  return {
    receive(s: MonatoState, tools: UpdateTools, input: MoneyInInput): TransactionRecord {
      const account = Object.values(s.accounts).find((a) => a.clabeNumber === input.clabe)
      if (!account) throw new ApiError('not_found', `No account of this sandbox has CLABE ${input.clabe}.`)
      if (account.accountStatus !== 'ACTIVE') throw new ApiError('precondition', 'The beneficiary account is not active.')
      const now = clock.now()
      const cents = amountToCents(input.amount)
      const trackingKey = input.tracking_key ?? `${localDate(now).replace(/-/g, '')}SANDBOX${ids.chars('0123456789', 9)}`
      const t: TransactionRecord = {
        id: ids.uuid(),
        clientId: account.clientId,
        bankId: account.bankId,
        externalReference: input.numeric_reference ?? '',
        trackingId: trackingKey,
        description: input.payment_concept ?? '',
        amountCents: cents,
        category: 'CREDIT_TRANS',
        subCategory: 'SPEI_CREDIT',
        status: 'LIQUIDATED',
        sourceAccountId: null,
        destinationInstrumentId: account.instrumentId,
        reason: null,
        reasonDescription: null,
        plan: null,
        refundedBy: null,
        creditAccountId: account.id,
        createdAt: now,
        updatedAt: now,
      }
      account.balanceCents += cents
      account.updatedAt = now
      s.transactions[t.id] = t
      s.clients[account.clientId]!.transactionIds.push(t.id)
      const body = JSON.stringify({
        id_msg: ids.uuid(),
        msg_name: 'MONEY_IN',
        msg_date: localDate(now),
        body: {
          id: t.id,
          beneficiary_account: account.clabeNumber,
          beneficiary_name: s.clients[account.clientId]!.name,
          beneficiary_rfc: 'ND',
          payer_account: input.payer_account ?? '002180000000004047',
          payer_name: input.payer_name ?? 'Juan Perez',
          payer_rfc: input.payer_rfc ?? 'ND',
          payer_institution: input.payer_institution ?? '40002',
          amount: centsToAmount(cents),
          transaction_date: localDateTime(now),
          tracking_key: trackingKey,
          payment_concept: input.payment_concept ?? '',
          numeric_reference: input.numeric_reference ?? '',
          sub_category: 'SPEI_CREDIT',
          registered_at: monatoIsoTimestamp(now),
          owner_id: account.ownerId,
        },
      })
      for (const w of s.clients[account.clientId]!.webhookIds.map((id) => s.webhooks[id]!)) {
        if (w.deletedAt === null && w.status === 'ACTIVE' && w.type === 'MONEY_IN') tools.deliver({ eventId: t.id, eventType: 'MONEY_IN', resourceId: t.id, endpointId: w.id, url: w.url, body })
      }
      if (deps.webhookUrl) tools.deliver({ eventId: t.id, eventType: 'MONEY_IN', resourceId: t.id, endpointId: null, url: deps.webhookUrl, body })
      return t
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
