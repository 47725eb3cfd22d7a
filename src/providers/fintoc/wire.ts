import type { AccountNumberRecord, AccountRecord, EntityRecord, FintocState, Mode } from './state.js'

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
