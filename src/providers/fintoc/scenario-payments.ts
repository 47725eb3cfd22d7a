import { z } from 'zod'
import type { ScenarioContext, UpdateTools } from '../types.js'
import { createPaymentIntents } from './payment-intents.js'
import type { FintocState } from './state.js'

// `organizations[].payment_intents` of a scenario: payments already made, to refund. Each is paid through the
// payment-intent domain itself, with the quickstart's test values, so it looks like one a payer completed.

export const seededPaymentSchema = z
  .object({
    id: z.string().regex(/^pi_[0-9A-Za-z]+$/, 'must look like pi_…').optional(),
    amount: z.number().int().min(1).max(1e12),
    currency: z.enum(['CLP', 'MXN']).default('CLP'),
    customer_email: z.email().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

export type SeededPayment = z.infer<typeof seededPaymentSchema>

/** seeding sends no webhooks and schedules nothing: the payment succeeds on the spot */
const quiet: UpdateTools = { schedule: () => undefined, deliver: () => undefined }
const PAYER = { CLP: { username: '41614850-3', password: 'jonsnow', account: '422159212' }, MXN: { account: '5555555555' } } as const

export function seedPaidIntent(s: FintocState, orgId: string, seed: SeededPayment, { ids, clock }: ScenarioContext) {
  if (seed.id && s.paymentIntents[seed.id]) return
  const intents = createPaymentIntents(ids, clock, () => undefined)
  const p = intents.create(s, quiet, orgId, { amount: seed.amount, currency: seed.currency, customer_email: seed.customer_email, metadata: seed.metadata })
  if (seed.id) {
    // the scenario's own id, so tests can name the payment they refund
    const list = s.orgs[orgId]!.paymentIntentIds
    list[list.indexOf(p.id)] = seed.id
    delete s.paymentIntents[p.id]
    p.widgetToken = p.widgetToken.replace(p.id, seed.id)
    p.id = seed.id
    s.paymentIntents[p.id] = p
  }
  intents.pay(s, quiet, p, PAYER[seed.currency])
  intents.resolve(s, quiet, p.id)
}
