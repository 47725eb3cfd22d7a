import { z } from 'zod'
import { freeObject } from '../../core/state-schema-kit.js'
import type { PaymentMethodRecord, SubscriptionRecord } from './payment-records.js'

// Stored payment methods and subscriptions as zod schemas, for state-schema.ts.

export const paymentMethodRecord: z.ZodType<PaymentMethodRecord> = z.object({
  id: z.string().min(1),
  orgId: z.string().min(1),
  customerId: z.string().nullable(),
  type: z.enum(['bank_transfer', 'card', 'pac']),
  details: freeObject.nullable(),
  createdAt: z.number(),
})

export const subscriptionRecord: z.ZodType<SubscriptionRecord> = z.object({
  id: z.string().min(1),
  orgId: z.string().min(1),
  customerId: z.string(),
  status: z.enum(['incomplete', 'trialing', 'active', 'past_due', 'canceled']),
  collectionMethod: z.enum(['charge_automatically', 'send_invoice']),
  items: z.array(z.object({ price: z.string(), quantity: z.number().int().min(1) })),
  metadata: freeObject,
  billingCycleAnchor: z.number(),
  canceledAt: z.number().nullable(),
  createdAt: z.number(),
})
