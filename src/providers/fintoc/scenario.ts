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
  }
}
