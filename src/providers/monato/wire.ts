import type { AccountRecord, BankRecord } from './state.js'
import { centsToAmount, monatoTimestamp } from './format.js'

// Records → Monato's camelCase JSON.

export const bankJson = (b: BankRecord) => ({ id: b.id, name: b.name, code: b.code, clabePrefix: b.clabePrefix })

export const accountJson = (a: AccountRecord) => ({
  id: a.id,
  bankId: a.bankId,
  clientId: a.clientId,
  clientBankAdapterId: a.clientBankAdapterId,
  accountId: a.accountId,
  instrumentId: a.instrumentId,
  ownerId: a.ownerId,
  ownerType: a.ownerType,
  // the account number is the CLABE's last 12 digits, check digit included
  accountNumber: a.clabeNumber.slice(6),
  clabeNumber: a.clabeNumber,
  availableBalance: centsToAmount(a.balanceCents),
  accountType: a.accountType,
  accountStatus: a.accountStatus,
  audit: {
    createdAt: monatoTimestamp(a.createdAt),
    updatedAt: monatoTimestamp(a.updatedAt),
    deletedAt: null,
    blockedAt: a.accountStatus === 'BLOCKED' ? monatoTimestamp(a.updatedAt) : null,
    activatedAt: monatoTimestamp(a.createdAt),
    suspendedAt: a.accountStatus === 'SUSPENDED' ? monatoTimestamp(a.updatedAt) : null,
  },
  bankAdapter: 'SIES',
})

/** page/size query → slice, with the 1-based page numbers Monato uses */
export function slicePage<T>(items: T[], page: unknown, size: unknown, defaultSize = 50) {
  const p = typeof page === 'number' && page >= 1 ? page : 1
  const n = typeof size === 'number' && size >= 1 ? size : defaultSize
  return { page: p, size: n, items: items.slice((p - 1) * n, p * n) }
}
