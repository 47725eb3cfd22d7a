import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { ownedBy } from './errors.js'
import type { CustomerRecord, FintocState, Mode } from './state.js'
import { isoSeconds } from './wire.js'

// v2 customers: created directly, or inline by a checkout session's `customer_data`.

export interface CustomerInput {
  name?: string
  email?: string
  phone?: string
  address?: Record<string, unknown>
  tax_id?: { type?: string; value?: string }
  metadata?: Record<string, unknown>
}

/** Fintoc's normalization: email and country lowercased, RUT without dots or dashes, RFC uppercased */
function normalizeTaxId(t: { type: string; value: string }) {
  return { type: t.type, value: t.type === 'cl_rut' ? t.value.replace(/[.-]/g, '') : t.value.toUpperCase() }
}

export function customerJson(c: CustomerRecord, mode: Mode) {
  return {
    id: c.id,
    object: 'customer',
    address: c.address,
    created_at: isoSeconds(c.createdAt),
    email: c.email,
    metadata: c.metadata,
    mode,
    name: c.name,
    phone: c.phone,
    tax_id: c.taxId,
  }
}

export function createCustomers(ids: IdGenerator, clock: Clock) {
  return {
    owned: (s: FintocState, orgId: string, id: string, param = 'id') => ownedBy(s.customers[id], orgId, 'customer', id, param),
    create(s: FintocState, orgId: string, input: CustomerInput, param = 'email'): CustomerRecord {
      const taxId = input.tax_id?.type && input.tax_id.value ? normalizeTaxId({ type: input.tax_id.type, value: input.tax_id.value }) : null
      if (!input.email && !taxId) {
        throw new ApiError('invalid_request', 'A customer needs an email or a complete tax_id (type and value)', { param, code: 'invalid_params' })
      }
      const address = input.address ? { ...input.address, ...(typeof input.address.country === 'string' ? { country: input.address.country.toLowerCase() } : {}) } : null
      const c: CustomerRecord = {
        id: ids.prefixed('cus'),
        orgId,
        name: input.name ?? null,
        email: input.email?.toLowerCase() ?? null,
        phone: input.phone ?? null,
        address,
        taxId,
        metadata: input.metadata ?? {},
        createdAt: clock.now(),
      }
      s.customers[c.id] = c
      const org = s.orgs[orgId]!
      if (org.customerIds) org.customerIds.push(c.id)
      else org.customerIds = [c.id]
      return c
    },
  }
}

export type Customers = ReturnType<typeof createCustomers>
