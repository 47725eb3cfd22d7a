import type { Direction } from './state.js'

// Deterministic test outcomes, matched in order (docs/fintoc.md: "Test outcomes"). Anything else succeeds.

export type OutboundOutcome = 'succeeded' | 'failed' | 'rejected' | 'returned'

export interface OutcomeRule {
  /** `verification`: account verifications of `account_number`; `refund`: refunds of a payment paid from `account_number` */
  direction: Direction | 'verification' | 'refund'
  account_number?: string
  amount?: number
  outcome: OutboundOutcome | 'return_fails'
  reason?: string
}

export const DEFAULT_OUTCOME_RULES: OutcomeRule[] = [
  // from Fintoc's test-mode docs
  { direction: 'outbound', account_number: '012969100000000013', outcome: 'rejected', reason: 'insufficient_funds' },
  { direction: 'outbound', amount: 6600, outcome: 'failed', reason: 'institution_error' },
  { direction: 'outbound', amount: 7700, outcome: 'rejected', reason: 'account_not_found' },
  { direction: 'outbound', amount: 8800, outcome: 'returned', reason: 'returned_by_receiver' },
  { direction: 'inbound', amount: 9900, outcome: 'return_fails', reason: 'return_rejected' },
  { direction: 'verification', account_number: '002180000000004047', outcome: 'failed', reason: 'account_not_found' },
  // inferred: Fintoc documents no refund test values; the reasons are its two failure codes
  { direction: 'refund', amount: 6600, outcome: 'failed', reason: 'insufficient_funds' },
  { direction: 'refund', amount: 7700, outcome: 'failed', reason: 'fraud_risk' },
]

export function matchOutcome(rules: OutcomeRule[], direction: OutcomeRule['direction'], accountNumber: string, amount: number): OutcomeRule | undefined {
  return rules.find(
    (r) => r.direction === direction && (r.account_number === undefined || r.account_number === accountNumber) && (r.amount === undefined || r.amount === amount),
  )
}
