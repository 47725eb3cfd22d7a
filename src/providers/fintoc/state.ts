// Stored Fintoc records. Wire fields are kept as they are sent; `orgId` scopes every record.

export type Mode = 'test' | 'live'

export interface OrgRecord {
  id: string
  mode: Mode
  /** masked key, for humans reading the state */
  keyHint: string
  createdAt: number
  entityIds: string[]
  accountIds: string[]
  accountNumberIds: string[]
}

export interface EntityRecord {
  id: string
  orgId: string
  holder_name: string
  holder_id: string
  is_root: boolean
}

export interface AccountRecord {
  id: string
  orgId: string
  entityId: string
  description: string
  currency: 'MXN' | 'CLP'
  /** minor units, integer */
  available_balance: number
  status: 'active' | 'blocked' | 'closed'
  is_root: boolean
  rootAccountNumberId: string
  createdAt: number
}

export interface AccountNumberRecord {
  id: string
  orgId: string
  account_id: string
  number: string
  description: string | null
  metadata: Record<string, unknown>
  status: 'enabled' | 'disabled'
  is_root: boolean
  createdAt: number
  updatedAt: number
}

export interface FintocState {
  orgs: Record<string, OrgRecord>
  /** sha256(api key) → org id */
  keyIndex: Record<string, string>
  entities: Record<string, EntityRecord>
  accounts: Record<string, AccountRecord>
  accountNumbers: Record<string, AccountNumberRecord>
  /** next sequence for CLABEs under Fintoc's prefix */
  clabeSeq: number
}

export const initialFintocState = (): FintocState => ({
  orgs: {},
  keyIndex: {},
  entities: {},
  accounts: {},
  accountNumbers: {},
  clabeSeq: 1,
})
