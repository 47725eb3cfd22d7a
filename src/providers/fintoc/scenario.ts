import { z } from 'zod'
import type { ScenarioContext } from '../types.js'
import { hashKey, provisionOrg } from './auth.js'
import { readPublicKey } from './jws.js'
import type { FintocState } from './state.js'

// The `fintoc` section of a scenario file.

const outcomeRule = z
  .object({
    direction: z.enum(['outbound', 'inbound', 'verification']),
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
    // a key named twice (or in two scenario files) keeps its first organization
    const existing = state.keyIndex[hashKey(org.api_key)]
    const record = existing ? state.orgs[existing]! : provisionOrg(state, org.api_key, ids, clock, { holderName: org.holder_name, holderId: org.holder_id, currency: org.currency })
    for (const pem of org.jws_public_keys ?? []) if (!record.jwsPublicKeys.includes(pem)) record.jwsPublicKeys.push(pem)
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
