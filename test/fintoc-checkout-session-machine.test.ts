import { describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import { createIds } from '../src/core/ids.js'
import { CHECKOUT_SESSION_TRANSITIONS, type CheckoutSessionAction, nextSessionStatus } from '../src/providers/fintoc/checkout-session-machine.js'
import { createCheckoutSessions } from '../src/providers/fintoc/checkout-sessions.js'
import { createCustomers } from '../src/providers/fintoc/customers.js'
import { expireOrgs } from '../src/providers/fintoc/org-expiry.js'
import { createPaymentIntents } from '../src/providers/fintoc/payment-intents.js'
import { type CheckoutSessionStatus, initialFintocState } from '../src/providers/fintoc/state.js'
import type { UpdateTools } from '../src/providers/types.js'

// The checkout-session table, and org expiry of sessions and customers, without HTTP.

describe('checkout session transition table', () => {
  it.each<[CheckoutSessionStatus, CheckoutSessionAction, CheckoutSessionStatus | undefined]>([
    ['created', 'start', 'in_progress'],
    ['created', 'expire', 'expired'],
    ['created', 'finish', undefined],
    ['in_progress', 'finish', 'finished'],
    ['in_progress', 'expire', undefined],
    ['finished', 'expire', undefined],
    ['expired', 'start', undefined],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(nextSessionStatus(from, action)).toBe(to)
  })

  it('finished and expired are final', () => {
    expect(CHECKOUT_SESSION_TRANSITIONS.finished).toEqual({})
    expect(CHECKOUT_SESSION_TRANSITIONS.expired).toEqual({})
  })
})

describe('org expiry', () => {
  it('removes the sessions, their payment intents and the customers of the organization', () => {
    const s = initialFintocState()
    s.orgs.o = { id: 'o', mode: 'test', keyHint: 'sk_test_…', createdAt: 0, entityIds: [], accountIds: [], accountNumberIds: [], transferIds: [], verificationIds: [], webhookEndpointIds: [], paymentIntentIds: [], refundIds: [], jwsPublicKeys: [] } as never
    const ids = createIds(Date.now)
    const clock = createClock('real')
    const tools: UpdateTools = { schedule: () => undefined, deliver: () => undefined }
    const intents = createPaymentIntents(ids, clock, () => undefined)
    const sessions = createCheckoutSessions({ ids, clock, emit: () => undefined, intents, customers: createCustomers(ids, clock) })
    const cs = sessions.create(s, tools, 'o', 'v2', { amount: 1000, currency: 'CLP', success_url: 's', cancel_url: 'c', customer_data: { email: 'a@b.co' } }, 'http://x/fintoc')
    sessions.pay(s, tools, cs.id, { username: '41614850-3', password: 'jonsnow', account: '422159212' })
    expect(Object.keys(s.checkoutSessions)).toHaveLength(1)
    expect(Object.keys(s.customers)).toHaveLength(1)
    expireOrgs(s, tools, new Map([['o', 'hash']]))
    expect(s.checkoutSessions).toEqual({})
    expect(s.customers).toEqual({})
    expect(s.paymentIntents).toEqual({})
  })
})
