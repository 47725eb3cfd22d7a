import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { ownedBy } from './errors.js'
import { allocateNumber } from './numbers.js'
import type { AccountNumberRecord, AccountRecord, FintocState } from './state.js'

// Accounts and account numbers: creation, edits, and the one table each that changes their status.

export const ACCOUNT_TRANSITIONS: Record<AccountRecord['status'], Partial<Record<AccountRecord['status'], string>>> = {
  active: { blocked: 'block', closed: 'close' },
  // blocked is reversible, closed is not
  blocked: { active: 'unblock', closed: 'close' },
  closed: {},
}

export const ACCOUNT_NUMBER_TRANSITIONS: Record<AccountNumberRecord['status'], Partial<Record<AccountNumberRecord['status'], string>>> = {
  enabled: { disabled: 'disable', deleted: 'delete' },
  disabled: { enabled: 'enable', deleted: 'delete' },
  // permanent: the CLABE goes back to Fintoc's pool
  deleted: {},
}

export function transitionAccount(a: AccountRecord, to: AccountRecord['status']) {
  if (a.status === to) return
  if (!ACCOUNT_TRANSITIONS[a.status][to]) throw new ApiError('conflict', `Account ${a.id} is ${a.status}: it cannot become ${to}`, { code: 'invalid_account_status' })
  a.status = to
}

function transitionAccountNumber(n: AccountNumberRecord, to: AccountNumberRecord['status']) {
  if (n.status === to) return
  if (!ACCOUNT_NUMBER_TRANSITIONS[n.status][to]) throw new ApiError('conflict', `Account number ${n.id} cannot become ${to}`, { code: 'invalid_account_number_status' })
  n.status = to
}

export function createAccounts(ids: IdGenerator, clock: Clock) {
  function newAccountNumber(s: FintocState, account: AccountRecord, description: string | null, metadata: Record<string, unknown>, isRoot: boolean, id?: string) {
    const now = clock.now()
    const n: AccountNumberRecord = {
      id: id ?? ids.prefixed('acno'),
      orgId: account.orgId,
      account_id: account.id,
      number: allocateNumber(s, account.currency),
      description,
      metadata,
      status: 'enabled',
      is_root: isRoot,
      createdAt: now,
      updatedAt: now,
    }
    s.accountNumbers[n.id] = n
    s.orgs[account.orgId]!.accountNumberIds.push(n.id)
    return n
  }

  return {
    /** a new account in the entity's name, with its own root account number */
    /** `id`: scenario files may fix ids so tests can reference them */
    createAccount(s: FintocState, orgId: string, body: { description: string; entity_id?: string }, id?: string): AccountRecord {
      const org = s.orgs[orgId]!
      const entityId = body.entity_id ?? org.entityIds[0]!
      ownedBy(s.entities[entityId], orgId, 'entity', entityId, 'entity_id')
      // new accounts share the organization's country, hence its currency
      const currency = s.accounts[org.accountIds[0]!]!.currency
      const account: AccountRecord = {
        id: id ?? ids.prefixed('acc'),
        orgId,
        entityId,
        description: body.description,
        currency,
        available_balance: 0,
        status: 'active',
        is_root: false,
        rootAccountNumberId: '',
        movementIds: [],
        createdAt: clock.now(),
      }
      s.accounts[account.id] = account
      org.accountIds.push(account.id)
      account.rootAccountNumberId = newAccountNumber(s, account, null, {}, true).id
      return account
    },

    updateAccount(s: FintocState, orgId: string, id: string, body: { description?: string }): AccountRecord {
      const account = ownedBy(s.accounts[id], orgId, 'account', id)
      if (account.is_root) throw new ApiError('method_not_allowed', 'The root account cannot be modified', { code: 'operation_not_allowed' })
      if (body.description !== undefined) account.description = body.description
      return account
    },

    createAccountNumber(s: FintocState, orgId: string, body: { account_id: string; description?: string; metadata?: Record<string, unknown> }, id?: string): AccountNumberRecord {
      const account = ownedBy(s.accounts[body.account_id], orgId, 'account', body.account_id, 'account_id')
      if (account.status === 'closed') throw new ApiError('forbidden', `Account ${account.id} is closed`, { code: 'account_not_active' })
      return newAccountNumber(s, account, body.description ?? null, body.metadata ?? {}, false, id)
    },

    updateAccountNumber(s: FintocState, orgId: string, id: string, body: { description?: string | null; status?: 'enabled' | 'disabled'; metadata?: Record<string, unknown> }): AccountNumberRecord {
      const n = ownedBy(s.accountNumbers[id], orgId, 'account_number', id)
      if (body.status) transitionAccountNumber(n, body.status)
      if (body.description !== undefined) n.description = body.description
      if (body.metadata !== undefined) n.metadata = body.metadata
      n.updatedAt = clock.now()
      return n
    },
  }
}
