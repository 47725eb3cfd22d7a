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
  redirectUrl: string
  sessionToken: string
  expiresAt: number
  createdAt: number
}
