import type { SdkCall } from './sdk-walk.js'

// How to call each SDK method the sandbox serves so that it succeeds: its arguments, from resources made beforehand.
// A method without a recipe is called with placeholder arguments, which is enough to learn that its route does not
// exist (404 invalid_url); a served method without a recipe fails the coverage test, which asks for one here.

export interface Made {
  account: string
  /** a second account, renamed by update */
  otherAccount: string
  accountNumber: string
  movement: string
  entity: string
  /** a settled inbound transfer: get reads it, return sends it back */
  inbound: string
  verification: string
  paymentIntent: string
  /** created for expire */
  openPaymentIntent: string
  /** a succeeded payment intent, refunded by create */
  paidPaymentIntent: string
  /** a pending refund: get reads it, cancel cancels it */
  refund: string
  endpoint: string
  /** deleted by delete */
  spareEndpoint: string
  /** saved with the domain's own function (no API saves one): get reads it, v2 payment intent create names it */
  paymentMethod: string
  /** made the same way: get reads it, cancel cancels it */
  subscription: string
  /** v1 and v2 checkout sessions in `created`: get reads them, expire expires them */
  checkoutSession: string
  checkoutSessionV2: string
  customer: string
}

type Recipe = (call: SdkCall, made: Made) => Promise<unknown>

const CLABE = '012180015530983477'
const all = { lazy: false }
export const SESSION = { amount: 1000, currency: 'MXN', success_url: 'https://example.com/ok', cancel_url: 'https://example.com/cancel' }

export const RECIPES: Record<string, Recipe> = {
  'v2.accounts.list': (c) => c(all),
  'v2.accounts.get': (c, m) => c(m.account),
  'v2.accounts.create': (c) => c({ description: 'SDK coverage' }),
  'v2.accounts.update': (c, m) => c(m.otherAccount, { description: 'Renamed' }),
  'v2.accounts.movements.list': (c, m) => c({ account_id: m.account, ...all }),
  'v2.accounts.movements.get': (c, m) => c(m.movement, { account_id: m.account }),
  'v2.transfers.list': (c) => c(all),
  'v2.transfers.get': (c, m) => c(m.inbound),
  'v2.transfers.create': (c, m) => c({ account_id: m.account, amount: 1000, currency: 'MXN', counterparty: { account_number: CLABE } }),
  'v2.transfers.return': (c, m) => c({ transfer_id: m.inbound }),
  'v2.accountNumbers.list': (c) => c(all),
  'v2.accountNumbers.get': (c, m) => c(m.accountNumber),
  'v2.accountNumbers.create': (c, m) => c({ account_id: m.account, description: 'SDK coverage' }),
  'v2.accountNumbers.update': (c, m) => c(m.accountNumber, { description: 'Renamed' }),
  'v2.simulate.receiveTransfer': (c, m) => c({ account_number_id: m.accountNumber, amount: 2500, currency: 'MXN' }),
  'v2.entities.list': (c) => c(all),
  'v2.entities.get': (c, m) => c(m.entity),
  'v2.accountVerifications.list': (c) => c(all),
  'v2.accountVerifications.get': (c, m) => c(m.verification),
  'v2.accountVerifications.create': (c) => c({ account_number: CLABE }),
  'paymentIntents.list': (c) => c(all),
  'paymentIntents.get': (c, m) => c(m.paymentIntent),
  'paymentIntents.create': (c) => c({ amount: 1000, currency: 'MXN' }),
  'paymentIntents.expire': (c, m) => c(m.openPaymentIntent),
  'refunds.list': (c) => c(all),
  'refunds.get': (c, m) => c(m.refund),
  'refunds.create': (c, m) => c({ resource_type: 'payment_intent', resource_id: m.paidPaymentIntent, amount: 100 }),
  'refunds.cancel': (c, m) => c(m.refund),
  'paymentIntents.checkEligibility': (c) => c({ amount: 1000, currency: 'CLP', sender_account: { institution_id: 'cl_banco_de_chile' } }),
  'v2.paymentIntents.list': (c) => c(all),
  'v2.paymentIntents.get': (c, m) => c(m.paymentIntent),
  'v2.paymentIntents.create': (c, m) => c({ amount: 1000, currency: 'CLP', payment_method: m.paymentMethod }),
  'v2.paymentMethods.list': (c) => c(all),
  'v2.paymentMethods.get': (c, m) => c(m.paymentMethod),
  'v2.subscriptions.list': (c) => c(all),
  'v2.subscriptions.get': (c, m) => c(m.subscription),
  'v2.subscriptions.cancel': (c, m) => c(m.subscription),
  'checkoutSessions.create': (c) => c(SESSION),
  'checkoutSessions.get': (c, m) => c(m.checkoutSession),
  'checkoutSessions.expire': (c, m) => c(m.checkoutSession),
  'v2.checkoutSessions.create': (c) => c(SESSION),
  'v2.checkoutSessions.list': (c) => c(all),
  'v2.checkoutSessions.get': (c, m) => c(m.checkoutSessionV2),
  'v2.checkoutSessions.expire': (c, m) => c(m.checkoutSessionV2),
  'v2.customers.create': (c) => c({ email: 'sdk@example.com', name: 'SDK Coverage' }),
  'v2.customers.list': (c) => c(all),
  'v2.customers.get': (c, m) => c(m.customer),
  'webhookEndpoints.list': (c) => c(all),
  'webhookEndpoints.get': (c, m) => c(m.endpoint),
  'webhookEndpoints.create': (c) => c({ url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] }),
  'webhookEndpoints.update': (c, m) => c(m.endpoint, { description: 'Renamed' }),
  'webhookEndpoints.delete': (c, m) => c(m.spareEndpoint),
}

/** served methods whose documented (or inferred) answer is an error: the table shows it instead of asking for success */
export const REFUSED_BY_DESIGN: Record<string, string> = {
  // the sandbox never charges a saved method (docs/fintoc.md)
  'v2.paymentIntents.create': '422 not_supported_product',
}

/** placeholders that stand for a path parameter; the table shows them as `{id}` and `{account_id}` */
export const PLACEHOLDERS: Record<string, string> = { ph_id: '{id}', ph_account_id: '{account_id}' }

const BY_ID = new Set(['get', 'update', 'delete', 'expire', 'cancel'])

/** a call that reaches the method's route with made-up ids: enough to learn that the route is not served */
export const placeholderCall: (method: string) => Recipe = (method) => (c) =>
  BY_ID.has(method) ? c('ph_id', { account_id: 'ph_account_id' }) : c({ account_id: 'ph_account_id', ...(method === 'list' ? all : {}) })
