import type { AccountNumberRecord, AccountRecord, EntityRecord, EventRecord, FintocState, Mode, MovementRecord, TransferAsOf, TransferRecord } from './state.js'

// Records → the JSON Fintoc sends, field for field as in recorded traffic.

/** `YYYY-MM-DDTHH:MM:SSZ`: the format the Python SDK parses */
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

export const entityJson = (e: EntityRecord, mode: Mode) => ({
  id: e.id,
  object: 'entity',
  mode,
  holder_name: e.holder_name,
  holder_id: e.holder_id,
  is_root: e.is_root,
})

export function accountJson(state: FintocState, a: AccountRecord, mode: Mode) {
  const entity = state.entities[a.entityId]!
  const root = state.accountNumbers[a.rootAccountNumberId]!
  return {
    id: a.id,
    object: 'account',
    mode,
    description: a.description,
    root_account_number: root.number,
    root_account_number_id: root.id,
    is_root: a.is_root,
    available_balance: a.available_balance,
    currency: a.currency,
    status: a.status,
    entity: { id: entity.id, holder_name: entity.holder_name, holder_id: entity.holder_id, is_root: entity.is_root },
  }
}

export const accountNumberJson = (n: AccountNumberRecord, mode: Mode) => ({
  id: n.id,
  object: 'account_number',
  account_id: n.account_id,
  number: n.number,
  created_at: isoSeconds(n.createdAt),
  updated_at: isoSeconds(n.updatedAt),
  mode,
  description: n.description,
  metadata: n.metadata,
  status: n.status,
  is_root: n.is_root,
})

/** Banxico's CEP page for a settled SPEI transfer */
export const receiptUrl = (reference: string) => `https://www.banxico.org.mx/cep/go?i=90735&s=20090101&d=${encodeURIComponent(reference)}`

/** the transfer, or with `asOf` the transfer as it was when an event happened */
export function transferJson(state: FintocState, t: TransferRecord, mode: Mode, asOf: Omit<TransferAsOf, 'transferId'> = t) {
  return {
    object: 'transfer',
    id: t.id,
    amount: t.amount,
    currency: t.currency,
    direction: t.direction,
    status: asOf.status,
    transaction_date: isoSeconds(t.transactionDate),
    post_date: asOf.postDate === null ? null : isoSeconds(asOf.postDate),
    comment: t.comment,
    reference_id: t.reference_id,
    tracking_key: t.tracking_key,
    // a pending inbound transfer already has a post date but no receipt yet
    receipt_url: asOf.postDate === null || asOf.status === 'pending' ? null : receiptUrl(t.tracking_key),
    mode,
    counterparty: t.counterparty,
    account_number: accountNumberJson(state.accountNumbers[t.accountNumberId]!, mode),
    metadata: t.metadata ?? {},
    return_reason: asOf.returnReason,
  }
}

export const movementJson = (m: MovementRecord, mode: Mode) => ({
  id: m.id,
  object: 'movement',
  account_id: m.accountId,
  amount: m.amount,
  balance: m.balance,
  currency: m.currency,
  direction: m.direction,
  mode,
  resource_id: m.resourceId,
  return_pair_id: m.returnPairId,
  transaction_date: isoSeconds(m.transactionDate),
  type: 'transfer',
})

export function eventJson(state: FintocState, e: EventRecord, mode: Mode) {
  const t = e.transfer && state.transfers[e.transfer.transferId]
  return {
    id: e.id,
    object: 'event',
    type: e.type,
    mode,
    created_at: isoSeconds(e.createdAt),
    // the resource's own mode: events are recorded in test mode whatever key reads them
    data: t ? transferJson(state, t, 'test', e.transfer) : e.data,
  }
}
