import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import { ACCOUNT_NUMBER_TRANSITIONS } from './accounts.js'
import { ownedBy } from './errors.js'
import type { AccountNumberRecord, FintocState } from './state.js'

// DELETE /v2/account_numbers/{id}: Mexico only, permanent, idempotent (a second delete answers the number again).

export function deleteAccountNumber(s: FintocState, clock: Clock, orgId: string, id: string): AccountNumberRecord {
  const n = ownedBy(s.accountNumbers[id], orgId, 'account_number', id)
  if (n.status === 'deleted') return n
  // the root number is how the account receives: Fintoc refuses to delete it
  if (n.is_root) throw new ApiError('method_not_allowed', 'The root account number cannot be deleted', { code: 'operation_not_allowed' })
  if (s.accounts[n.account_id]?.currency !== 'MXN') {
    throw new ApiError('precondition', 'Account numbers can only be deleted in Mexico', { status: 422, code: 'not_supported_country' })
  }
  if (!ACCOUNT_NUMBER_TRANSITIONS[n.status].deleted) throw new ApiError('conflict', `Account number ${n.id} cannot be deleted`, { code: 'invalid_account_number_status' })
  n.status = 'deleted'
  n.updatedAt = clock.now()
  return n
}
