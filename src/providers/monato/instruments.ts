import { isValidClabe, makeClabe } from '../../core/clabe.js'
import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { Handler, StateSlice } from '../types.js'
import type { MonatoPrincipal } from './auth.js'
import { ownAccountByInstrument } from './destinations.js'
import { monatoTimestamp } from './format.js'
import { FINCO_PAY, type InstrumentRecord, MONATO_CLABE_PREFIX, type MonatoState } from './state.js'
import { accountJson, slicePage } from './wire.js'

// Private accounts and instruments. A CLABE's bank comes from its prefix, looked up in the catalog.

const dataError = (message: string) => new ApiError('invalid_request', message)

/** `deletedAt`: the moment a DELETE removed it, shown once in that answer */
export const instrumentJson = (i: InstrumentRecord, deletedAt: number | null = null) => ({
  id: i.id,
  bankId: i.bankId,
  clientId: i.clientId,
  ownerId: i.ownerId,
  alias: i.alias,
  type: 'RECEIVER',
  audit: {
    createdAt: monatoTimestamp(i.createdAt),
    updatedAt: monatoTimestamp(deletedAt ?? i.createdAt),
    deletedAt: deletedAt === null ? null : monatoTimestamp(deletedAt),
    blockedAt: null,
  },
  rfc: i.rfc,
  ...(i.customerId ? { customerId: i.customerId } : {}),
  instrumentDetail:
    i.kind === 'card'
      ? { cardNumber: i.number, expirationDate: 'None', holderName: i.holderName }
      : { clabeNumber: i.number, holderName: i.holderName, accountNumber: i.number.slice(3, 15) },
})

interface RegisterBody {
  client_id: string
  customer_id?: string
  rfc: string
  alias: string
  debit_card?: { destination_bank_id: string; card_number: string; holder_name: string }
  virtual_clabe?: { destination_bank_id: string; clabe_number: string; holder_name: string }
}

export function createInstrumentHandlers(state: StateSlice<MonatoState>, ids: IdGenerator, clock: Clock, clabeCheck: boolean): Record<string, Handler<MonatoPrincipal>> {
  const sameClient = (principal: MonatoPrincipal, clientId: string) => {
    if (clientId !== principal.clientId) throw new ApiError('forbidden', 'client_id does not match the authenticated client.')
  }

  return {
    createPrivateAccount: async (ctx) => {
      const body = ctx.body as { bank_id: string; owner_id: string; client_bank_adapter_id: string; client_id: string; account_id: string }
      sameClient(ctx.principal, body.client_id)
      const account = await state.update((s) => {
        const now = clock.now()
        const clabe = makeClabe(MONATO_CLABE_PREFIX, s.clabeSeq++)
        const record = {
          id: ids.uuid(),
          clientId: body.client_id,
          bankId: s.banks.find((b) => b.code === FINCO_PAY.code)?.id ?? FINCO_PAY.defaultBankId,
          clientBankAdapterId: body.client_bank_adapter_id,
          accountId: body.account_id,
          instrumentId: ids.uuid(),
          ownerId: body.owner_id,
          ownerType: body.owner_id === body.client_id ? ('CLIENT' as const) : ('CUSTOMER' as const),
          clabeNumber: clabe,
          balanceCents: 0,
          accountType: 'PRIVATE_ACCOUNT' as const,
          accountStatus: 'ACTIVE' as const,
          createdAt: now,
          updatedAt: now,
        }
        s.accounts[record.id] = record
        s.clients[body.client_id]!.accountIds.push(record.id)
        return record
      })
      return { body: accountJson(account) }
    },

    registerInstrument: async (ctx) => {
      const body = ctx.body as RegisterBody
      sameClient(ctx.principal, body.client_id)
      const s0 = state.data
      let kind: InstrumentRecord['kind']
      let number: string
      let holderName: string
      let bankId: string
      if (body.debit_card) {
        kind = 'card'
        number = body.debit_card.card_number
        holderName = body.debit_card.holder_name
        if (!s0.banks.some((b) => b.id === body.debit_card!.destination_bank_id)) throw dataError('Destination bank not found.')
        bankId = body.debit_card.destination_bank_id
      } else {
        kind = 'clabe'
        number = body.virtual_clabe!.clabe_number
        holderName = body.virtual_clabe!.holder_name
        if (clabeCheck && !isValidClabe(number)) throw dataError('Invalid CLABE number: wrong check digit.')
        // the CLABE says which bank it belongs to, whatever destination_bank_id claims
        const bank = s0.banks.find((b) => b.clabePrefix === number.slice(0, 3))
        if (!bank) throw dataError(`Destination bank not found for CLABE prefix ${number.slice(0, 3)}.`)
        bankId = bank.id
      }
      const instrument = await state.update((s) => {
        const record: InstrumentRecord = {
          id: ids.uuid(),
          clientId: body.client_id,
          ownerId: body.customer_id ?? body.client_id,
          customerId: body.customer_id ?? null,
          alias: body.alias,
          rfc: body.rfc,
          kind,
          number,
          holderName,
          bankId,
          createdAt: clock.now(),
        }
        s.instruments[record.id] = record
        s.clients[body.client_id]!.instrumentIds.push(record.id)
        return record
      })
      return { body: instrumentJson(instrument) }
    },

    getInstrument: (ctx) => {
      const i = state.data.instruments[ctx.params.instrumentId!]
      if (i?.clientId !== ctx.principal.clientId) throw new ApiError('not_found', 'Instrument not found.')
      return { body: instrumentJson(i) }
    },

    deleteInstrument: async (ctx) => {
      const id = ctx.params.instrumentId!
      const clientId = ctx.principal.clientId
      const removed = await state.update((s) => {
        const i = s.instruments[id]
        if (i?.clientId !== clientId) {
          // an account's own instrument lives and dies with its account
          if (ownAccountByInstrument(s, clientId, id)) throw new ApiError('precondition', 'This is the instrument of an account: it cannot be deleted.')
          throw new ApiError('not_found', 'Instrument not found.')
        }
        // removed outright, so every lookup (GET, list, money out, penny validation) treats it as unknown
        delete s.instruments[id]
        const client = s.clients[clientId]!
        client.instrumentIds = client.instrumentIds.filter((x) => x !== id)
        return { instrument: i, at: clock.now() }
      })
      return { body: instrumentJson(removed.instrument, removed.at) }
    },

    listInstruments: (ctx) => {
      const s = state.data
      const customerId = ctx.query.customer_id
      const all = s.clients[ctx.principal.clientId]!.instrumentIds.map((id) => s.instruments[id]!).filter((i) => !customerId || i.customerId === customerId)
      const { page, size, items } = slicePage(all, ctx.query.page, ctx.query.per_page)
      return { body: { data: items.map(instrumentJson), currentPage: page, perPage: size, totalItems: all.length } }
    },
  }
}
