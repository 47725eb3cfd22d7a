// Stored v2 payment methods and subscriptions. Sessions (or scenarios) make them; the API only reads and cancels.

export type PaymentMethodType = 'bank_transfer' | 'card' | 'pac'

export interface PaymentMethodRecord {
  id: string
  orgId: string
  /** `cus_…` of the customer it was saved for */
  customerId: string | null
  type: PaymentMethodType
  /** the details under the type's key (null once the backing resource is gone) */
  details: Record<string, unknown> | null
  createdAt: number
}

export type SubscriptionStatus = 'incomplete' | 'trialing' | 'active' | 'past_due' | 'canceled'

export interface SubscriptionItem {
  price: string
  quantity: number
}

export interface SubscriptionRecord {
  id: string
  orgId: string
  customerId: string
  status: SubscriptionStatus
  collectionMethod: 'charge_automatically' | 'send_invoice'
  items: SubscriptionItem[]
  metadata: Record<string, unknown>
  billingCycleAnchor: number
  canceledAt: number | null
  createdAt: number
}
