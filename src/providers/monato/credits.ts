import type { Clock } from '../../core/clock.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { centsToAmount, monatoIsoTimestamp } from './format.js'
import { notify } from './notify.js'
import type { AccountRecord, MonatoState, TransactionRecord } from './state.js'

// The credit leg of any money that arrives in a sandbox account (SPEI or book-to-book): balance,
// credit transaction and, when asked, the MONEY_IN webhook, all in the caller's store update.

export interface CreditInput {
  subCategory: 'SPEI_CREDIT' | 'INT_CREDIT'
  trackingKey: string
  payerAccount: string
  payerName: string
  payerRfc: string
  payerInstitution: string
  paymentConcept: string
  numericReference: string
  /** internal credits between accounts of one owner send no MONEY_IN */
  notify: boolean
}

export const localDate = (ms: number) => new Date(ms - 6 * 3600_000).toISOString().slice(0, 10)
const localDateTime = (ms: number) => new Date(ms - 6 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')

export function createCredits(deps: { ids: IdGenerator; clock: Clock; webhookUrl?: string }) {
  return function credit(s: MonatoState, tools: UpdateTools, account: AccountRecord, cents: number, input: CreditInput): TransactionRecord {
    const now = deps.clock.now()
    const t: TransactionRecord = {
      id: deps.ids.uuid(),
      clientId: account.clientId,
      bankId: account.bankId,
      externalReference: input.numericReference,
      trackingId: input.trackingKey,
      description: input.paymentConcept,
      amountCents: cents,
      category: 'CREDIT_TRANS',
      subCategory: input.subCategory,
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
    if (!input.notify) return t
    const body = JSON.stringify({
      id_msg: deps.ids.uuid(),
      msg_name: 'MONEY_IN',
      msg_date: localDate(now),
      body: {
        id: t.id,
        beneficiary_account: account.clabeNumber,
        beneficiary_name: s.clients[account.clientId]!.name,
        beneficiary_rfc: 'ND',
        payer_account: input.payerAccount,
        payer_name: input.payerName,
        payer_rfc: input.payerRfc,
        payer_institution: input.payerInstitution,
        amount: centsToAmount(cents),
        transaction_date: localDateTime(now),
        tracking_key: input.trackingKey,
        payment_concept: input.paymentConcept,
        numeric_reference: input.numericReference,
        sub_category: input.subCategory,
        registered_at: monatoIsoTimestamp(now),
        owner_id: account.ownerId,
      },
    })
    notify(s, tools, { clientId: account.clientId, type: 'MONEY_IN', resourceId: t.id, body }, deps.webhookUrl)
    return t
  }
}

export type Credit = ReturnType<typeof createCredits>
