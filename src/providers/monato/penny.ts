import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { localDate } from './credits.js'
import { monatoIsoTimestamp, monatoTimestamp } from './format.js'
import { notify } from './notify.js'
import type { CepRecord, MonatoState, TransactionRecord } from './state.js'
import { parseRef, phasedRef } from '../../core/scheduler.js'
import { ownAccountByInstrument } from './destinations.js'
import type { createTransactions } from './transactions.js'

// Penny validation: a 0.01 MXN money out to a CLABE whose CEP (the Banxico receipt) reveals the
// beneficiary's name and RFC. CEP statuses go PENDING → (DELAYED) → COMPLETED | FAILED, each a CEP webhook.

export const JOB_CEP = 'penny.cep'

export const CEP_TRANSITIONS: Record<CepRecord['status'], Partial<Record<CepRecord['status'], true>>> = {
  PENDING: { DELAYED: true, COMPLETED: true, FAILED: true },
  DELAYED: { COMPLETED: true, FAILED: true },
  COMPLETED: {},
  FAILED: {},
}

/** destination CLABEs that choose the CEP path (docs/monato.md: "Penny validation"); any other CLABE completes */
export const CEP_FAILS = '002180000000004047'
export const CEP_DELAYED = '002180000000004050'
export const CEP_DELAYED_THEN_FAILS = '002180000000004063'

export const dataCepJson = (t: TransactionRecord) => {
  const c = t.cep!
  const known = c.status === 'COMPLETED'
  return {
    status: c.status,
    cepUrl: known ? `https://www.banxico.org.mx/cep/go?i=90734&s=20090101&d=${t.trackingId}` : null,
    validationId: c.validationId,
    beneficiaryName: known ? c.beneficiaryName : null,
    beneficiaryRfc: known ? c.beneficiaryRfc : null,
    processedAt: c.processedAt === null ? null : monatoTimestamp(c.processedAt),
    createdAt: monatoTimestamp(t.createdAt),
  }
}

interface PennyBody {
  client_id: string
  source_instrument_id: string
  destination_instrument_id: string
  description?: string
  external_reference?: string
}

export function createPenny(deps: { ids: IdGenerator; clock: Clock; settleDelayMs: number; webhookUrl?: string; transactions: ReturnType<typeof createTransactions> }) {
  const { ids, clock } = deps

  function cepWebhook(s: MonatoState, tools: UpdateTools, t: TransactionRecord) {
    const c = t.cep!
    const now = clock.now()
    const done = c.status === 'COMPLETED' || c.status === 'FAILED'
    const body = JSON.stringify({
      id_msg: ids.uuid(),
      msg_name: 'CEP',
      msg_date: localDate(now),
      body: {
        id: t.id,
        tracking_key: t.trackingId,
        beneficiary_account: c.beneficiaryAccount,
        beneficiary_name: c.status === 'COMPLETED' ? c.beneficiaryName : '',
        beneficiary_rfc: c.status === 'COMPLETED' ? c.beneficiaryRfc : null,
        status: c.status,
        processed_at: done ? monatoIsoTimestamp(now) : null,
        payment_concept: t.description,
        external_reference: t.externalReference,
      },
    })
    notify(s, tools, { clientId: t.clientId, type: 'CEP', resourceId: t.id, body }, deps.webhookUrl)
  }

  function moveCep(s: MonatoState, tools: UpdateTools, t: TransactionRecord, to: CepRecord['status']) {
    const c = t.cep!
    if (!CEP_TRANSITIONS[c.status][to]) return
    c.status = to
    if (to === 'COMPLETED' || to === 'FAILED') c.processedAt = clock.now()
    cepWebhook(s, tools, t)
  }

  return {
    validate(s: MonatoState, tools: UpdateTools, clientId: string, body: PennyBody): TransactionRecord {
      if (body.client_id !== clientId) throw new ApiError('forbidden', 'client_id does not match the authenticated client.')
      const destination = s.instruments[body.destination_instrument_id]
      if (destination?.clientId === clientId && destination.kind !== 'clabe') {
        throw new ApiError('precondition', 'Penny validation supports CLABE instruments only.')
      }
      // an account's own instrument is booked book-to-book: no SPEI, so no CEP to validate it with
      if (destination?.clientId !== clientId && ownAccountByInstrument(s, clientId, body.destination_instrument_id)) {
        throw new ApiError('precondition', 'Penny validation supports registered CLABE instruments only, not an account instrument.')
      }
      const now = clock.now()
      const d = new Date(now - 6 * 3600_000)
      // documented defaults: a fixed description and the operation date as ddmmaa
      const ddmmaa = `${String(d.getUTCDate()).padStart(2, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCFullYear()).slice(2)}`
      const number = destination?.number ?? ''
      const fails = number === CEP_FAILS || number === CEP_DELAYED_THEN_FAILS
      const t = deps.transactions.moneyOut(s, tools, clientId, {
        client_id: body.client_id,
        source_instrument_id: body.source_instrument_id,
        destination_instrument_id: body.destination_instrument_id,
        transaction_request: { amount: '0.01', currency: 'MXN', description: body.description ?? 'Validacion de cuenta', external_reference: body.external_reference ?? ddmmaa },
      })
      if (fails) t.plan = { outcome: 'REJECTED', reason: 'NON_EXISTENT_ACCOUNT', reasonDescription: 'Cuenta inexistente' }
      t.cep = {
        status: 'PENDING',
        validationId: ids.uuid(),
        beneficiaryAccount: number,
        beneficiaryName: destination!.holderName,
        beneficiaryRfc: destination!.rfc === 'ND' ? null : destination!.rfc,
        processedAt: null,
        path: number === CEP_DELAYED || number === CEP_DELAYED_THEN_FAILS ? 'delayed' : 'direct',
        fails,
      }
      cepWebhook(s, tools, t)
      tools.schedule(JOB_CEP, phasedRef(t.id, 'PENDING'), deps.settleDelayMs)
      return t
    },

    /** one CEP step: a delayed CEP first reports DELAYED, then its final status one delay later */
    step(s: MonatoState, tools: UpdateTools, ref: string) {
      // the ref names the CEP status this step was scheduled from: a second run of it does nothing
      const { id, phase } = parseRef(ref)
      const t = s.transactions[id]
      const c = t?.cep
      if (!t || !c || (phase !== undefined && c.status !== phase)) return
      if (c.status === 'PENDING' && c.path === 'delayed') {
        moveCep(s, tools, t, 'DELAYED')
        tools.schedule(JOB_CEP, phasedRef(t.id, 'DELAYED'), deps.settleDelayMs)
        return
      }
      moveCep(s, tools, t, c.fails ? 'FAILED' : 'COMPLETED')
    },
  }
}
