// Stored checkout sessions and v2 customers (state.ts re-exports them).

export type CheckoutSessionStatus = 'created' | 'in_progress' | 'finished' | 'expired'

export interface CustomerRecord {
  id: string
  orgId: string
  name: string | null
  email: string | null
  phone: string | null
  address: Record<string, unknown> | null
  taxId: { type: string; value: string } | null
  metadata: Record<string, unknown>
  createdAt: number
}

export type CheckoutFlow = 'payment' | 'subscription' | 'setup'

/** a line item as the session echoes it (the subfields are not documented: Stripe-like, inferred) */
export interface CheckoutLineItem {
  quantity: number
  price_data: { unit_amount: number; product_data?: Record<string, unknown>; recurring?: Record<string, unknown> }
}

export type SetupIntentStatus = 'created' | 'started' | 'waiting_for_retry' | 'succeeded' | 'failed'

/** the setup intent a setup- or subscription-flow session carries once the payer authorized (or failed to) */
export interface SetupIntentRecord {
  id: string
  status: SetupIntentStatus
  errorReason: string | null
}

export interface CheckoutSessionRecord {
  id: string
  orgId: string
  /** the namespace it was created through: it decides the shape its events carry */
  api: 'v1' | 'v2'
  amount: number
  currency: 'CLP' | 'MXN'
  status: CheckoutSessionStatus
  successUrl: string
  cancelUrl: string
  /** v2: a Customer record */
  customerId: string | null
  /** v1: the inline customer object, as sent */
  customerInline: Record<string, unknown> | null
  customerEmail: string | null
  metadata: Record<string, unknown>
  paymentMethodTypes: string[]
  /** set once the payer starts paying */
  paymentIntentId: string | null
  /** absent in snapshots from before the setup and subscription flows: payment */
  flow?: CheckoutFlow
  lineItems?: CheckoutLineItem[] | null
  setupIntent?: SetupIntentRecord | null
  /** the method the setup saved for the customer */
  paymentMethodId?: string | null
  /** the subscription a subscription-flow session created */
  subscriptionId?: string | null
  redirectUrl: string
  sessionToken: string
  expiresAt: number
  createdAt: number
}
