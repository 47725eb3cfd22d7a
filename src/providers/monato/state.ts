import type { MonatoOutcomeRule } from './transactions.js'

// Stored Monato records. Money is kept as integer centavos and only formatted at the edge.

export interface CredentialRecord {
  id: string
  secret: string
  status: 'ACTIVE' | 'INACTIVE'
  createdAt: number
  updatedAt: number
}

export interface ClientRecord {
  id: string
  name: string
  apiKeyHint: string
  credentials: CredentialRecord[]
  accountIds: string[]
  instrumentIds: string[]
  webhookIds: string[]
  transactionIds: string[]
  /** customers declared in scenarios (the API has no customer endpoints) */
  customers: Record<string, { id: string; name: string }>
  createdAt: number
}

export interface BankRecord {
  id: string
  name: string
  /** 5-digit Banxico institution code */
  code: string
  /** first 3 digits of the institution's CLABEs */
  clabePrefix: string
}

export type AccountType = 'CENTRALIZING_ACCOUNT' | 'PRIVATE_ACCOUNT'
export type AccountStatus = 'ACTIVE' | 'INACTIVE' | 'BLOCKED' | 'SUSPENDED'

export interface AccountRecord {
  id: string
  clientId: string
  bankId: string
  clientBankAdapterId: string
  accountId: string
  instrumentId: string
  ownerId: string
  ownerType: 'CLIENT' | 'CUSTOMER'
  clabeNumber: string
  balanceCents: number
  accountType: AccountType
  accountStatus: AccountStatus
  createdAt: number
  updatedAt: number
}

export interface InstrumentRecord {
  id: string
  clientId: string
  /** the client itself, or the customer that owns the instrument */
  ownerId: string
  customerId: string | null
  alias: string
  rfc: string
  kind: 'card' | 'clabe'
  /** card number or CLABE */
  number: string
  holderName: string
  /** destination bank (catalog id) */
  bankId: string
  createdAt: number
}

export interface WebhookRecord {
  id: string
  clientId: string
  url: string
  /** presented back as `Authorization: Bearer <token>` on deliveries */
  token: string
  type: 'MONEY_IN' | 'STATUS_UPDATE' | 'CEP' | 'REPORT'
  status: 'ACTIVE' | 'INACTIVE'
  createdAt: number
  updatedAt: number
  deletedAt: number | null
}

export type TransactionStatus = 'INITIALIZED' | 'LIQUIDATED' | 'REJECTED' | 'REFUNDED'

export interface TransactionRecord {
  id: string
  clientId: string
  bankId: string
  externalReference: string
  trackingId: string
  description: string
  amountCents: number
  category: 'DEBIT_TRANS' | 'CREDIT_TRANS'
  subCategory: 'SPEI_DEBIT' | 'INT_DEBIT' | 'SPEI_CREDIT' | 'INT_CREDIT'
  status: TransactionStatus
  sourceAccountId: string | null
  destinationInstrumentId: string | null
  reason: string | null
  reasonDescription: string | null
  /** the outcome rule chosen at creation, applied when the transfer settles */
  plan: MonatoOutcomeRule | null
  /** received money: the refund that sent it back */
  refundedBy: string | null
  /** received money: the account it was credited to */
  creditAccountId: string | null
  /** penny validations: the CEP that reveals the beneficiary */
  cep?: CepRecord
  createdAt: number
  updatedAt: number
}

export interface CepRecord {
  status: 'PENDING' | 'DELAYED' | 'COMPLETED' | 'FAILED'
  validationId: string
  beneficiaryAccount: string
  beneficiaryName: string
  beneficiaryRfc: string | null
  processedAt: number | null
  path: 'direct' | 'delayed'
  fails: boolean
}

export interface MonatoState {
  /** outcome rules from scenario files, matched before the built-in ones */
  outcomeRules: MonatoOutcomeRule[]
  clients: Record<string, ClientRecord>
  transactions: Record<string, TransactionRecord>
  instruments: Record<string, InstrumentRecord>
  webhooks: Record<string, WebhookRecord>
  /** sha256(api key) → client id */
  apiKeyIndex: Record<string, string>
  banks: BankRecord[]
  accounts: Record<string, AccountRecord>
  clabeSeq: number
}

export const initialMonatoState = (): MonatoState => ({ outcomeRules: [], clients: {}, transactions: {}, instruments: {}, webhooks: {}, apiKeyIndex: {}, banks: [], accounts: {}, clabeSeq: 1 })

/** Finco Pay, Monato's own SPEI participant: the bank of every account it holds */
export const FINCO_PAY = { code: '90734', clabePrefix: '734', defaultBankId: '9d84b03a-28d1-4898-a69c-38824239e2b1' }
export const MONATO_CLABE_PREFIX = '734180'
