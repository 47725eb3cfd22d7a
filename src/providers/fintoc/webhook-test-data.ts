import { paymentIntentJson } from './payment-intents.js'
import type { AccountNumberRecord, FintocState, PaymentIntentStatus, TransferRecord, TransferStatus, VerificationRecord } from './state.js'
import { verificationJson } from './verifications.js'
import { transferJson } from './wire.js'

// Fake resources for test events (Fintoc's are like `acc_00000000`): shaped as real ones, so receivers parse them
// as they would a real event. A resource the sandbox does not know gets only id, object, mode and status.

const FAKE = '00000000'
const PI_STATUSES = new Set<string>(['created', 'in_progress', 'succeeded', 'failed', 'rejected', 'pending', 'expired'])
const TRANSFER_STATUSES = new Set<string>(['pending', 'succeeded', 'failed', 'rejected', 'returned', 'return_pending'])
const PREFIX: Record<string, string> = { checkout_session: 'cs', refund: 're', subscription: 'sub', account: 'acc', account_number: 'acno' }

function fakeTransfer(direction: 'inbound' | 'outbound', last: string, at: number) {
  const status = (TRANSFER_STATUSES.has(last) ? last : 'succeeded') as TransferStatus
  const number: AccountNumberRecord = { id: `acno_${FAKE}`, orgId: '', account_id: `acc_${FAKE}`, number: '735969000000000009', description: null, metadata: {}, status: 'enabled', is_root: true, createdAt: at, updatedAt: at }
  const t: TransferRecord = {
    id: `tr_${FAKE}`, orgId: '', accountId: number.account_id, accountNumberId: number.id, direction, status, amount: 1000, currency: 'MXN', comment: null, reference_id: null, metadata: null,
    counterparty: { holder_id: null, holder_name: 'Jon Snow', account_number: '012180015530983477', account_type: 'clabe', institution: { id: 'mx_bbva', name: 'BBVA Mexico', country: 'mx' } },
    tracking_key: `FINTOC${FAKE}`, transactionDate: at, postDate: status === 'pending' ? null : at, returnReason: status === 'returned' ? 'account_closed' : null, plannedOutcome: 'succeeded', returnFails: false,
  }
  return transferJson({ accountNumbers: { [number.id]: number } } as unknown as FintocState, t, 'test')
}

export function fakeEventData(type: string, at: number): { id: string } & Record<string, unknown> {
  const [resource = '', second = ''] = type.split('.')
  const last = type.slice(type.lastIndexOf('.') + 1)
  if (resource === 'payment_intent') {
    const status = (PI_STATUSES.has(last) ? last : 'succeeded') as PaymentIntentStatus
    const p = { id: `pi_${FAKE}`, orgId: '', amount: 1000, currency: 'CLP' as const, status, widgetToken: '', referenceId: null, transactionDate: status === 'succeeded' ? at : null, metadata: {}, errorReason: null, customerEmail: null, recipientAccount: null, senderAccount: null, createdAt: at, plan: null }
    return paymentIntentJson(p, 'test')
  }
  if (resource === 'transfer') return fakeTransfer(second === 'inbound' ? 'inbound' : 'outbound', last, at)
  if (resource === 'account_verification') {
    const v: VerificationRecord = { id: `accv_${FAKE}`, orgId: '', status: last === 'failed' ? 'failed' : 'succeeded', reason: last === 'failed' ? 'account_not_found' : null, transferId: `tr_${FAKE}`, accountNumber: '012180015530983477', holderName: 'Jon Snow', holderId: 'SNJO800101XXX', createdAt: at }
    return verificationJson(v, 'test')
  }
  return { id: `${PREFIX[resource] ?? resource}_${FAKE}`, object: resource, mode: 'test', status: last }
}
