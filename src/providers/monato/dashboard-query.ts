import { type TransactionType, transactionType } from './dashboard-view.js'
import { own } from '../../dashboard/kit.js'
import type { MonatoState, TransactionRecord } from './state.js'

// Transactions newest first without sorting or copying the whole store: each client's transactionIds is already in
// the order they were recorded, so the lists are walked from their ends (merged by creation time when there are
// several clients) and only the asked page is kept.

export interface TransactionFilter {
  clientId?: string
  /** an account id or its CLABE: money that left it or arrived in it */
  account?: string
  status?: string
  type?: TransactionType
  /** part of the id or the tracking key */
  search?: string
}

/** visits the transactions of the given clients newest first (ties: latest recorded first) until `visit` answers false */
export function walkNewestFirst(s: MonatoState, clientIds: string[], visit: (t: TransactionRecord) => boolean): void {
  const lists = clientIds.map((id) => own(s.clients, id)?.transactionIds ?? [])
  if (lists.length === 1) {
    const list = lists[0]!
    for (let i = list.length - 1; i >= 0; i--) {
      const t = s.transactions[list[i]!]
      if (t && !visit(t)) return
    }
    return
  }
  const at = lists.map((l) => l.length - 1)
  // an id without its record (a hand-edited state) is passed over
  const next = (i: number): TransactionRecord | undefined => {
    while (at[i]! >= 0) {
      const t = s.transactions[lists[i]![at[i]!--]!]
      if (t) return t
    }
    return undefined
  }
  const heads = lists.map((_, i) => next(i))
  for (;;) {
    let best = -1
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i]
      if (h && (best < 0 || h.createdAt > heads[best]!.createdAt)) best = i
    }
    if (best < 0) return
    const t = heads[best]!
    heads[best] = next(best)
    if (!visit(t)) return
  }
}

function predicate(s: MonatoState, f: TransactionFilter): ((t: TransactionRecord) => boolean) | undefined {
  if (!f.account && !f.status && !f.type && !f.search) return undefined
  const accountId = f.account ? (Object.values(s.accounts).find((a) => a.clabeNumber === f.account)?.id ?? f.account) : undefined
  const { status, type } = f
  const raw = f.search
  // ids are UUIDs (hex, mostly lowercase), tracking keys mostly uppercase: each record's strings are searched as
  // they are, for the few spellings of the needle that can match them, without copying them
  const idNeedles = raw && /^[0-9a-f-]+$/i.test(raw) ? [...new Set([raw.toLowerCase(), raw])] : []
  const keyNeedles = raw ? [...new Set([raw.toUpperCase(), raw])] : []
  const found = (t: TransactionRecord) => idNeedles.some((n) => t.id.includes(n)) || keyNeedles.some((n) => t.trackingId.includes(n))
  return (t) =>
    (accountId === undefined || t.sourceAccountId === accountId || t.creditAccountId === accountId) &&
    (status === undefined || t.status === status) &&
    (type === undefined || transactionType(t) === type) &&
    (raw === undefined || found(t))
}

export interface TransactionPage {
  rows: TransactionRecord[]
  offset: number
  limit: number
  /** known without a walk only when nothing but the client is filtered on */
  total: number | undefined
  /** whether a next page has rows */
  more: boolean
}

/**
 * One page of the matching transactions, newest first; `page` is 1-based. The walk stops at the first match past
 * the page, so a filtered page costs what it skips and shows, not the whole store (a rare match still walks far).
 */
export function transactionPage(s: MonatoState, f: TransactionFilter, page: number, limit: number): TransactionPage {
  // an account's money is its client's: only that client's list is walked
  const account = f.account ? (s.accounts[f.account] ?? Object.values(s.accounts).find((a) => a.clabeNumber === f.account)) : undefined
  const clientIds = f.clientId ? [f.clientId] : account ? [account.clientId] : Object.keys(s.clients)
  const offset = (page - 1) * limit
  const keep = predicate(s, f)
  // a whole id names one record (no other id or tracking key can contain it): no walk
  const exact = f.search ? s.transactions[f.search] : undefined
  if (exact && keep) {
    const rows = offset === 0 && clientIds.includes(exact.clientId) && keep(exact) ? [exact] : []
    return { rows, offset, limit, total: undefined, more: false }
  }
  if (!keep) {
    const total = clientIds.reduce((n, id) => n + (own(s.clients, id)?.transactionIds.length ?? 0), 0)
    const list = clientIds.length === 1 ? own(s.clients, clientIds[0])?.transactionIds : undefined
    if (list) {
      // one list: the page is found by position, without reading what it skips
      const rows: TransactionRecord[] = []
      for (let i = list.length - 1 - offset; i >= 0 && rows.length < limit; i--) {
        const t = s.transactions[list[i]!]
        if (t) rows.push(t)
      }
      return { rows, offset, limit, total, more: offset + limit < total }
    }
    const rows: TransactionRecord[] = []
    let seen = 0
    walkNewestFirst(s, clientIds, (t) => {
      if (seen++ >= offset) rows.push(t)
      return rows.length < limit
    })
    return { rows, offset, limit, total, more: offset + limit < total }
  }
  const rows: TransactionRecord[] = []
  let seen = 0
  let more = false
  walkNewestFirst(s, clientIds, (t) => {
    if (!keep(t)) return true
    if (rows.length === limit) {
      more = true
      return false
    }
    if (seen++ >= offset) rows.push(t)
    return true
  })
  return { rows, offset, limit, total: undefined, more }
}
