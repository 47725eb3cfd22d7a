import type { CheckoutSessionStatus } from './state.js'

// The one transition table of checkout sessions. `finished` means the payer is done, not that they paid:
// the outcome is the embedded payment intent's status.

export type CheckoutSessionAction = 'start' | 'finish' | 'expire'

export const CHECKOUT_SESSION_TRANSITIONS: Record<CheckoutSessionStatus, Partial<Record<CheckoutSessionAction, CheckoutSessionStatus>>> = {
  created: { start: 'in_progress', expire: 'expired' },
  in_progress: { finish: 'finished' },
  finished: {},
  expired: {},
}

export const CHECKOUT_SESSION_EVENT: Partial<Record<CheckoutSessionStatus, string>> = {
  finished: 'checkout_session.finished',
  expired: 'checkout_session.expired',
}

/** the next status, or undefined when the table does not allow the action */
export const nextSessionStatus = (from: CheckoutSessionStatus, action: CheckoutSessionAction) => CHECKOUT_SESSION_TRANSITIONS[from][action]
