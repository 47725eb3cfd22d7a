import { z } from 'zod'
import type { ScenarioContext, UpdateTools } from '../types.js'
import { hashKey, provisionOrg } from './auth.js'
import { createAccounts, transitionAccount } from './accounts.js'
import { readPublicKey } from './jws.js'
import { createMoney } from './money.js'
import type { FintocState } from './state.js'
import { seededPaymentSchema, seedPaidIntent } from './scenario-payments.js'
import { seedCustomer, seededCustomerSchema } from './scenario-customers.js'

// The `fintoc` section of a scenario file.

const outcomeRule = z
  .object({
    direction: z.enum(['outbound', 'inbound', 'verification', 'refund']),
    account_number: z.string().regex(/^[0-9]{6,20}$/, 'must be an account number (digits)').optional(),
    amount: z.number().int().min(1).optional(),
    outcome: z.enum(['succeeded', 'failed', 'rejected', 'returned', 'return_fails']),
    reason: z.string().min(1).optional(),
  })
  .strict()
  .refine((r) => r.account_number !== undefined || r.amount !== undefined, 'a rule needs an account_number, an amount, or both')

export const fintocScenarioSchema = z
  .object({
    outcome_rules: z.array(outcomeRule).optional(),
    organizations: z
      .array(
        z
          .object({
            api_key: z.string().regex(/^sk_test_[A-Za-z0-9_-]+$/, 'must be a test secret key (sk_test_...)'),
            holder_name: z.string().min(1).max(100).optional(),
            holder_id: z.string().min(1).max(40).optional(),
            currency: z.enum(['MXN', 'CLP']).optional(),
            /** the root account's opening balance, in minor units */
            balance: z.number().int().min(0).max(1e15).optional(),
            accounts: z
              .array(
                z
                  .object({
                    id: z.string().regex(/^acc_[0-9A-Za-z]+$/, 'must look like acc_…').optional(),
                    description: z.string().min(1).max(40).default('Scenario account'),
                    balance: z.number().int().min(0).max(1e15).optional(),
                    status: z.enum(['active', 'blocked', 'closed']).optional(),
                    account_numbers: z
                      .array(
                        z
                          .object({
                            id: z.string().regex(/^acno_[0-9A-Za-z]+$/, 'must look like acno_…').optional(),
                            description: z.string().max(40).optional(),
                            metadata: z.record(z.string(), z.unknown()).optional(),
                          })
                          .strict(),
                      )
                      .optional(),
                  })
                  .strict(),
              )
              .optional(),
            webhook_endpoints: z
              .array(
                z
                  .object({
                    id: z.string().regex(/^we_[0-9A-Za-z]+$/, 'must look like we_…').optional(),
                    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
                    enabled_events: z.array(z.string().min(1)).min(1).default(['*']),
                    secret: z.string().regex(/^whsec_[0-9A-Za-z_]+$/, 'must look like whsec_…').optional(),
                    description: z.string().optional(),
                  })
                  .strict(),
              )
              .optional(),
            /** succeeded payment intents, to refund */
            payment_intents: z.array(seededPaymentSchema).optional(),
            /** v2 customers, for checkout sessions to reference */
            customers: z.array(seededCustomerSchema).optional(),
            jws_public_keys: z
              .array(
                z.string().refine((pem) => {
                  try {
                    readPublicKey(pem)
                    return true
                  } catch {
                    return false
                  }
                }, 'must be an RSA public key in PEM format'),
              )
              .optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()

export type FintocScenario = z.infer<typeof fintocScenarioSchema>

export function applyFintocScenario(state: FintocState, section: FintocScenario, { ids, clock }: ScenarioContext) {
  state.outcomeRules.push(...(section.outcome_rules ?? []))
  for (const org of section.organizations ?? []) {
    // a key scenarios name once (see scenario-ids.ts), but a request may have made its organization already
    const existing = state.keyIndex[hashKey(org.api_key)]
    const record = existing ? state.orgs[existing]! : provisionOrg(state, org.api_key, ids, clock, { holderName: org.holder_name, holderId: org.holder_id, currency: org.currency })
    // declared now: a scenario's organization is never freed, even one a request made first
    if (record.auto) delete record.auto
    for (const pem of org.jws_public_keys ?? []) if (!record.jwsPublicKeys.includes(pem)) record.jwsPublicKeys.push(pem)
    const accounts = createAccounts(ids, clock)
    const rootId = record.accountIds[0]!
    if (org.balance) openingBalance(state, ids, clock, rootId, org.balance)
    for (const a of org.accounts ?? []) {
      if (a.id && state.accounts[a.id]) continue
      const account = accounts.createAccount(state, record.id, { description: a.description }, a.id)
      if (a.balance) openingBalance(state, ids, clock, account.id, a.balance)
      for (const n of a.account_numbers ?? []) accounts.createAccountNumber(state, record.id, { account_id: account.id, description: n.description, metadata: n.metadata }, n.id)
      if (a.status) transitionAccount(account, a.status)
    }
    for (const p of org.payment_intents ?? []) seedPaidIntent(state, record.id, p, { ids, clock })
    for (const c of org.customers ?? []) seedCustomer(state, record.id, c, { ids, clock })
    for (const e of org.webhook_endpoints ?? []) {
      const id = e.id ?? ids.prefixed('we')
      if (state.webhookEndpoints[id]) continue
      state.webhookEndpoints[id] = {
        id,
        orgId: record.id,
        url: e.url,
        description: e.description ?? null,
        enabledEvents: e.enabled_events,
        status: 'enabled',
        // a fixed secret lets a test verify signatures without reading the state
        secret: e.secret ?? `whsec_${ids.chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 32)}`,
        createdAt: clock.now(),
      }
      record.webhookEndpointIds.push(id)
    }
  }
}

/** seeding sends no webhooks and schedules nothing: the transfer is settled on the spot */
const quiet: UpdateTools = { schedule: () => undefined, deliver: () => undefined }

/**
 * A scenario balance arrives the way money does, through the money domain itself: a succeeded inbound
 * transfer with its movement, so every account's balance still equals the sum of its movements.
 */
function openingBalance(s: FintocState, ids: ScenarioContext['ids'], clock: ScenarioContext['clock'], accountId: string, amount: number) {
  const money = createMoney({ ids, clock, settleDelayMs: 0, rules: () => [], emit: () => undefined })
  const account = s.accounts[accountId]!
  const t = money.simulateInbound(s, quiet, account.orgId, {
    account_number_id: account.rootAccountNumberId,
    amount,
    currency: account.currency,
    comment: 'Opening balance (scenario)',
    counterparty_holder_name: 'Scenario',
  })
  money.settle(s, quiet, t.id)
}
