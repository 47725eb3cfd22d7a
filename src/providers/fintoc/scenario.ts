import { z } from 'zod'
import type { ScenarioContext } from '../types.js'
import { hashKey, provisionOrg } from './auth.js'
import type { FintocState } from './state.js'

// The `fintoc` section of a scenario file.

export const fintocScenarioSchema = z
  .object({
    organizations: z
      .array(
        z
          .object({
            api_key: z.string().regex(/^sk_test_[A-Za-z0-9_-]+$/, 'must be a test secret key (sk_test_...)'),
            holder_name: z.string().min(1).max(100).optional(),
            holder_id: z.string().min(1).max(40).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()

export type FintocScenario = z.infer<typeof fintocScenarioSchema>

export function applyFintocScenario(state: FintocState, section: FintocScenario, { ids, clock }: ScenarioContext) {
  for (const org of section.organizations ?? []) {
    // a key named twice (or in two scenario files) keeps its first organization
    if (state.keyIndex[hashKey(org.api_key)]) continue
    provisionOrg(state, org.api_key, ids, clock, org.holder_name, org.holder_id)
  }
}
