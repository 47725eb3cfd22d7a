import { z } from 'zod'
import { byId, referenceChecker } from '../../core/state-schema-kit.js'
import type { MonatoState } from './state.js'

// MonatoState (state.ts) as a zod schema, checked before a snapshot replaces the state.

const id = z.string().min(1)
const ids = z.array(z.string())
const time = z.number()
const cents = z.number().int()

const credential = z.object({ id, secret: z.string(), status: z.enum(['ACTIVE', 'INACTIVE']), createdAt: time, updatedAt: time })

const client = z.object({
  id,
  name: z.string(),
  apiKeyHint: z.string(),
  credentials: z.array(credential),
  accountIds: ids,
  instrumentIds: ids,
  webhookIds: ids,
  transactionIds: ids,
  customers: byId(z.object({ id, name: z.string() })),
  createdAt: time,
})

const bank = z.object({ id, name: z.string(), code: z.string().regex(/^[0-9]{5}$/), clabePrefix: z.string().regex(/^[0-9]{3}$/) })

const account = z.object({
  id,
  clientId: id,
  bankId: z.string(),
  clientBankAdapterId: z.string(),
  accountId: z.string(),
  instrumentId: id,
  ownerId: z.string(),
  ownerType: z.enum(['CLIENT', 'CUSTOMER']),
  clabeNumber: z.string().regex(/^[0-9]{18}$/, 'must be an 18-digit CLABE'),
  balanceCents: cents,
  accountType: z.enum(['CENTRALIZING_ACCOUNT', 'PRIVATE_ACCOUNT']),
  accountStatus: z.enum(['ACTIVE', 'INACTIVE', 'BLOCKED', 'SUSPENDED']),
  createdAt: time,
  updatedAt: time,
})

const instrument = z.object({
  id,
  clientId: id,
  ownerId: z.string(),
  customerId: z.string().nullable(),
  alias: z.string(),
  rfc: z.string(),
  kind: z.enum(['card', 'clabe']),
  number: z.string(),
  holderName: z.string(),
  bankId: z.string(),
  createdAt: time,
})

const webhook = z.object({
  id,
  clientId: id,
  url: z.string(),
  token: z.string(),
  type: z.enum(['MONEY_IN', 'STATUS_UPDATE', 'CEP', 'REPORT']),
  status: z.enum(['ACTIVE', 'INACTIVE']),
  createdAt: time,
  updatedAt: time,
  deletedAt: time.nullable(),
})

const outcomeRule = z.object({
  amount: z.string().optional(),
  clabe: z.string().optional(),
  outcome: z.enum(['REJECTED', 'REFUNDED']),
  reason: z.string(),
  reasonDescription: z.string(),
})

const cep = z.object({
  status: z.enum(['PENDING', 'DELAYED', 'COMPLETED', 'FAILED']),
  validationId: z.string(),
  beneficiaryAccount: z.string(),
  beneficiaryName: z.string(),
  beneficiaryRfc: z.string().nullable(),
  processedAt: time.nullable(),
  path: z.enum(['direct', 'delayed']),
  fails: z.boolean(),
})

const transaction = z.object({
  id,
  clientId: id,
  bankId: z.string(),
  externalReference: z.string(),
  trackingId: z.string(),
  description: z.string(),
  amountCents: cents,
  category: z.enum(['DEBIT_TRANS', 'CREDIT_TRANS']),
  subCategory: z.enum(['SPEI_DEBIT', 'INT_DEBIT', 'SPEI_CREDIT', 'INT_CREDIT']),
  status: z.enum(['INITIALIZED', 'LIQUIDATED', 'REJECTED', 'REFUNDED']),
  sourceAccountId: z.string().nullable(),
  destinationInstrumentId: z.string().nullable(),
  reason: z.string().nullable(),
  reasonDescription: z.string().nullable(),
  plan: outcomeRule.nullable(),
  refundedBy: z.string().nullable(),
  creditAccountId: z.string().nullable(),
  cep: cep.optional(),
  createdAt: time,
  updatedAt: time,
})

export const monatoStateSchema: z.ZodType<MonatoState> = z
  .object({
    outcomeRules: z.array(outcomeRule),
    clients: byId(client),
    transactions: byId(transaction),
    instruments: byId(instrument),
    webhooks: byId(webhook),
    apiKeyIndex: z.record(z.string(), z.string()),
    banks: z.array(bank),
    accounts: byId(account),
    clabeSeq: z.number().int().min(1),
  })
  .superRefine((s, ctx) => {
    // the links every call follows: a missing record would answer 500 instead of the resource
    const { refs, index } = referenceChecker(ctx)
    index('apiKeyIndex', s.apiKeyIndex, s.clients, 'client')
    refs('clients', s.clients, 'accountIds', s.accounts, 'account')
    refs('clients', s.clients, 'instrumentIds', s.instruments, 'instrument')
    refs('clients', s.clients, 'webhookIds', s.webhooks, 'webhook')
    refs('clients', s.clients, 'transactionIds', s.transactions, 'transaction')
    refs('accounts', s.accounts, 'clientId', s.clients, 'client')
    refs('instruments', s.instruments, 'clientId', s.clients, 'client')
    refs('webhooks', s.webhooks, 'clientId', s.clients, 'client')
    refs('transactions', s.transactions, 'clientId', s.clients, 'client')
    refs('transactions', s.transactions, 'sourceAccountId', s.accounts, 'account')
    refs('transactions', s.transactions, 'creditAccountId', s.accounts, 'account')
    refs('transactions', s.transactions, 'refundedBy', s.transactions, 'transaction')
  })
