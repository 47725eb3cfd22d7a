import type { Clock } from '../../core/clock.js'
import type { IdGenerator } from '../../core/ids.js'
import type { PaymentMethodRecord, PaymentMethodType } from './payment-records.js'
import type { FintocState, Mode } from './state.js'
import { isoSeconds } from './wire.js'

// v2 payment methods: read-only through the API. A checkout session that saves the payer's method calls
// `savePaymentMethod` in its own store update.

export interface SavePaymentMethodInput {
  customerId: string | null
  type: PaymentMethodType
  /** what the type's key shows, e.g. for pac `{account_holder_id, account_number, account_type, institution, status}` */
  details: Record<string, unknown>
  /** scenario files may fix ids so tests can reference them */
  id?: string
}

export function savePaymentMethod(s: FintocState, deps: { ids: IdGenerator; clock: Clock }, orgId: string, input: SavePaymentMethodInput): PaymentMethodRecord {
  const m: PaymentMethodRecord = {
    id: input.id ?? deps.ids.prefixed('pm'),
    orgId,
    customerId: input.customerId,
    type: input.type,
    details: input.details,
    createdAt: deps.clock.now(),
  }
  s.paymentMethods[m.id] = m
  return m
}

export const paymentMethodJson = (m: PaymentMethodRecord, mode: Mode) => ({
  id: m.id,
  object: 'payment_method',
  created_at: isoSeconds(m.createdAt),
  customer: m.customerId,
  mode,
  type: m.type,
  [m.type]: m.details,
})
