import { z } from 'zod'
import { isValidClabe, makeClabe } from '../../core/clabe.js'
import { maskSecret } from '../../core/logger.js'
import type { ScenarioContext } from '../types.js'
import { hashApiKey } from './auth.js'
import { amountToCents } from './format.js'
import { FINCO_PAY, MONATO_CLABE_PREFIX, type MonatoState } from './state.js'

// The `monato` section of a scenario file.

const uuid = z.uuid('must be a UUID')
const amount = z.string().regex(/^[0-9]{1,13}\.[0-9]{2}$/, 'must be an amount with exactly two decimals, e.g. "1500.00"')

const bankSchema = z
  .object({
    id: uuid,
    name: z.string().min(1),
    code: z.string().regex(/^[0-9]{5}$/, 'must be a 5-digit Banxico institution code'),
    clabe_prefix: z.string().regex(/^[0-9]{3}$/, 'must be the 3-digit CLABE prefix').optional(),
  })
  .strict()

const accountSchema = z
  .object({
    id: uuid.optional(),
    instrument_id: uuid.optional(),
    type: z.enum(['CENTRALIZING_ACCOUNT', 'PRIVATE_ACCOUNT']).default('CENTRALIZING_ACCOUNT'),
    clabe: z.string().refine(isValidClabe, 'must be an 18-digit CLABE with a valid check digit').optional(),
    balance: amount.default('0.00'),
    status: z.enum(['ACTIVE', 'INACTIVE', 'BLOCKED', 'SUSPENDED']).default('ACTIVE'),
  })
  .strict()

const clientSchema = z
  .object({
    id: uuid,
    name: z.string().min(1).optional(),
    api_key: z.string().min(8, 'must be at least 8 characters'),
    client_secret: z.string().min(16, 'must be at least 16 characters'),
    credential_id: uuid.optional(),
    accounts: z.array(accountSchema).optional(),
    customers: z.array(z.object({ id: uuid, name: z.string().min(1).optional() }).strict()).optional(),
    instruments: z
      .array(
        z
          .object({
            id: uuid.optional(),
            customer_id: uuid.optional(),
            alias: z.string().min(1).default('Scenario instrument'),
            rfc: z.string().min(2).default('ND'),
            holder_name: z.string().min(1).max(40),
            clabe: z.string().regex(/^[0-9]{18}$/, 'must be an 18-digit CLABE').optional(),
            card_number: z.string().regex(/^[0-9]{16}$/, 'must be a 16-digit card number').optional(),
            bank_id: uuid.optional(),
          })
          .strict()
          .refine((i) => (i.clabe === undefined) !== (i.card_number === undefined), 'exactly one of clabe or card_number'),
      )
      .optional(),
    webhooks: z
      .array(
        z
          .object({
            id: uuid.optional(),
            type: z.enum(['MONEY_IN', 'STATUS_UPDATE', 'CEP', 'REPORT']),
            url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
            token: z.string().min(1),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()

const outcomeRuleSchema = z
  .object({
    amount: amount.optional(),
    clabe: z.string().regex(/^[0-9]{18}$/, 'must be an 18-digit CLABE').optional(),
    outcome: z.enum(['REJECTED', 'REFUNDED']),
    reason: z.string().min(1),
    reason_description: z.string().min(1),
  })
  .strict()
  .refine((r) => r.amount !== undefined || r.clabe !== undefined, 'a rule needs an amount, a clabe, or both')

export const monatoScenarioSchema = z
  .object({
    banks: z.array(bankSchema).optional(),
    clients: z.array(clientSchema).optional(),
    outcome_rules: z.array(outcomeRuleSchema).optional(),
  })
  .strict()

export type MonatoScenario = z.infer<typeof monatoScenarioSchema>

export function applyMonatoScenario(state: MonatoState, section: MonatoScenario, { ids, clock }: ScenarioContext) {
  const now = clock.now()
  for (const bank of section.banks ?? []) {
    const entry = { id: bank.id, name: bank.name, code: bank.code, clabePrefix: bank.clabe_prefix ?? bank.code.slice(-3) }
    const existing = state.banks.findIndex((b) => b.code === bank.code)
    if (existing >= 0) state.banks[existing] = entry
    else state.banks.push(entry)
  }
  for (const r of section.outcome_rules ?? []) {
    state.outcomeRules.push({ amount: r.amount, clabe: r.clabe, outcome: r.outcome, reason: r.reason, reasonDescription: r.reason_description })
  }
  const fincoPayId = state.banks.find((b) => b.code === FINCO_PAY.code)?.id ?? FINCO_PAY.defaultBankId
  for (const c of section.clients ?? []) {
    state.clients[c.id] ??= {
      id: c.id,
      name: c.name ?? 'Sandbox client',
      apiKeyHint: maskSecret(c.api_key),
      credentials: [],
      accountIds: [],
      instrumentIds: [],
      webhookIds: [],
      transactionIds: [],
      customers: {},
      createdAt: now,
    }
    const client = state.clients[c.id]!
    state.apiKeyIndex[hashApiKey(c.api_key)] = client.id
    if (!client.credentials.some((cr) => cr.secret === c.client_secret)) {
      client.credentials.push({ id: c.credential_id ?? ids.uuid(), secret: c.client_secret, status: 'ACTIVE', createdAt: now, updatedAt: now })
    }
    for (const cu of c.customers ?? []) client.customers[cu.id] = { id: cu.id, name: cu.name ?? 'Scenario customer' }
    for (const i of c.instruments ?? []) {
      const id = i.id ?? ids.uuid()
      if (state.instruments[id]) continue
      const number = i.clabe ?? i.card_number!
      // a CLABE names its bank; a card needs one from the catalog
      const bankId = i.bank_id ?? (i.clabe ? state.banks.find((b) => b.clabePrefix === number.slice(0, 3))?.id : undefined) ?? fincoPayId
      state.instruments[id] = {
        id,
        clientId: client.id,
        ownerId: i.customer_id ?? client.id,
        customerId: i.customer_id ?? null,
        alias: i.alias,
        rfc: i.rfc,
        kind: i.clabe ? 'clabe' : 'card',
        number,
        holderName: i.holder_name,
        bankId,
        createdAt: now,
      }
      client.instrumentIds.push(id)
    }
    for (const w of c.webhooks ?? []) {
      const id = w.id ?? ids.uuid()
      if (state.webhooks[id]) continue
      state.webhooks[id] = { id, clientId: client.id, url: w.url, token: w.token, type: w.type, status: 'ACTIVE', createdAt: now, updatedAt: now, deletedAt: null }
      client.webhookIds.push(id)
    }
    for (const a of c.accounts ?? []) {
      const id = a.id ?? ids.uuid()
      if (!state.accounts[id]) client.accountIds.push(id)
      state.accounts[id] = {
        id,
        clientId: client.id,
        bankId: fincoPayId,
        clientBankAdapterId: ids.uuid(),
        accountId: ids.uuid(),
        instrumentId: a.instrument_id ?? ids.uuid(),
        ownerId: client.id,
        ownerType: 'CLIENT',
        clabeNumber: a.clabe ?? makeClabe(MONATO_CLABE_PREFIX, state.clabeSeq++),
        balanceCents: amountToCents(a.balance),
        accountType: a.type,
        accountStatus: a.status,
        createdAt: now,
        updatedAt: now,
      }
    }
  }
}
