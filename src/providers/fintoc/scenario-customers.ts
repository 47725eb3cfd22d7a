import { z } from 'zod'
import type { ScenarioContext } from '../types.js'
import { createCustomers } from './customers.js'
import type { FintocState } from './state.js'

// `organizations[].customers` of a scenario: v2 customers made through the customers domain itself.

export const seededCustomerSchema = z
  .object({
    id: z.string().regex(/^cus_[0-9A-Za-z]+$/, 'must look like cus_…').optional(),
    name: z.string().min(1).optional(),
    email: z.email().optional(),
    phone: z.string().optional(),
    tax_id: z.object({ type: z.enum(['cl_rut', 'mx_rfc']), value: z.string().min(1) }).strict().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((c) => c.email !== undefined || c.tax_id !== undefined, 'a customer needs an email or a tax_id')

export type SeededCustomer = z.infer<typeof seededCustomerSchema>

export function seedCustomer(s: FintocState, orgId: string, seed: SeededCustomer, { ids, clock }: ScenarioContext) {
  if (seed.id && s.customers[seed.id]) return
  const { id, ...input } = seed
  const c = createCustomers(ids, clock).create(s, orgId, input)
  if (!id) return
  // the scenario's own id, so tests can name the customer a session references
  const list = s.orgs[orgId]!.customerIds!
  list[list.indexOf(c.id)] = id
  delete s.customers[c.id]
  c.id = id
  s.customers[id] = c
}
