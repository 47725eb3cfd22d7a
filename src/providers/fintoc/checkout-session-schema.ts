import { z } from 'zod'
import { freeObject } from '../../core/state-schema-kit.js'
import type { CheckoutSessionRecord, CustomerRecord } from './checkout-session-records.js'

// Stored checkout sessions and customers as zod schemas, for state-schema.ts.

export const customerRecord: z.ZodType<CustomerRecord> = z.object({
  id: z.string().min(1),
  orgId: z.string().min(1),
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  address: freeObject.nullable(),
  taxId: z.object({ type: z.string(), value: z.string() }).nullable(),
  metadata: freeObject,
  createdAt: z.number(),
})

export const checkoutSessionRecord: z.ZodType<CheckoutSessionRecord> = z.object({
  id: z.string().min(1),
  orgId: z.string().min(1),
  api: z.enum(['v1', 'v2']),
  amount: z.number().int(),
  currency: z.enum(['CLP', 'MXN']),
  status: z.enum(['created', 'in_progress', 'finished', 'expired']),
  successUrl: z.string(),
  cancelUrl: z.string(),
  customerId: z.string().nullable(),
  customerInline: freeObject.nullable(),
  customerEmail: z.string().nullable(),
  metadata: freeObject,
  paymentMethodTypes: z.array(z.string()),
  paymentIntentId: z.string().nullable(),
  flow: z.enum(['payment', 'subscription', 'setup']).optional(),
  lineItems: z
    .array(
      z.object({
        quantity: z.number().int().min(1),
        price_data: z.object({ unit_amount: z.number().int(), product_data: freeObject.optional(), recurring: freeObject.optional() }),
      }),
    )
    .nullable()
    .optional(),
  setupIntent: z
    .object({ id: z.string().min(1), status: z.enum(['created', 'started', 'waiting_for_retry', 'succeeded', 'failed']), errorReason: z.string().nullable() })
    .nullable()
    .optional(),
  paymentMethodId: z.string().nullable().optional(),
  subscriptionId: z.string().nullable().optional(),
  redirectUrl: z.string(),
  sessionToken: z.string(),
  expiresAt: z.number(),
  createdAt: z.number(),
})
