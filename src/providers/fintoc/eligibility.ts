import { ApiError } from '../../core/errors.js'

// POST /v1/payment_intents/check_eligibility: Chile only. The limits are the sandbox's own (Fintoc publishes none).

/** the largest amount any Chilean bank lets a person transfer (the v1 checkout session limit) */
export const BANK_MAX_CLP = 7_000_000
/** what a payer may send to a contact they never paid before */
export const NEW_CONTACT_MAX_CLP = 5_000_000

export interface EligibilityBody {
  amount: number
  currency: string
  sender_account?: { holder_id?: string; institution_id?: string }
}

export type Eligibility = { eligible_payment: true; error: null } | { eligible_payment: false; error: string }

export function checkEligibility(body: EligibilityBody): Eligibility {
  if (body.currency.toUpperCase() !== 'CLP') {
    throw new ApiError('precondition', 'Eligibility can only be checked for CLP payments', { status: 422, code: 'not_supported_currency', param: 'currency' })
  }
  const { holder_id: holder, institution_id: institution } = body.sender_account ?? {}
  const no = (error: string): Eligibility => ({ eligible_payment: false, error })
  // only institution_id: the bank's range; only holder_id: the new-contact limits; both: everything
  if (institution !== undefined && !institution.startsWith('cl_')) return no('institution_not_supported')
  if ((institution !== undefined || holder === undefined) && body.amount > BANK_MAX_CLP) return no('amount_limit_reached')
  if (holder !== undefined && body.amount > NEW_CONTACT_MAX_CLP) return no('new_contact_amount_limit_reached')
  return { eligible_payment: true, error: null }
}
