import type { AccountRecord, InstrumentRecord, MonatoState } from './state.js'

// What an instrument id in a transaction body points at, within one client.

/** an account of this client, by the instrumentId that the accounts list shows */
export const ownAccountByInstrument = (s: MonatoState, clientId: string, instrumentId: string): AccountRecord | undefined =>
  s.clients[clientId]?.accountIds.map((id) => s.accounts[id]!).find((a) => a.instrumentId === instrumentId)

/**
 * where money to `instrumentId` goes: one of this client's registered RECEIVER instruments (`account` set when
 * its CLABE is an account of this sandbox), or one of its own accounts by that account's instrumentId; another
 * client's instruments and accounts are unknown here
 */
export function resolveDestination(s: MonatoState, clientId: string, instrumentId: string): { instrument?: InstrumentRecord; account?: AccountRecord } | undefined {
  const instrument = s.instruments[instrumentId]
  if (instrument?.clientId === clientId) {
    // a CLABE of this sandbox is booked book-to-book, without SPEI
    const account = instrument.kind === 'clabe' ? Object.values(s.accounts).find((a) => a.clabeNumber === instrument.number) : undefined
    return { instrument, ...(account ? { account } : {}) }
  }
  const account = ownAccountByInstrument(s, clientId, instrumentId)
  return account ? { account } : undefined
}
