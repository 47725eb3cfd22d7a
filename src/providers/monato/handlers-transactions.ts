import { ApiError } from '../../core/errors.js'
import type { Handler } from '../types.js'
import type { MonatoPrincipal } from './auth.js'
import type { MonatoState, TransactionRecord } from './state.js'
import { transactionJson } from './transactions.js'
import { slicePage } from './wire.js'

// Reading transactions: one by id, or the client's list (not in the docs; public clients call it), newest first.

const MX_OFFSET = '-06:00'
const WHEN = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/

const badWhen = (field: 'from' | 'to') => {
  const message = `${field} must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS, optional offset).`
  return new ApiError('invalid_request', message, { issues: [{ location: 'query', field, problem: 'invalid', message }] })
}

/** `from`/`to` as epoch ms: a bare date is that whole day, and a time without offset is Mexico City's (UTC-06:00) */
export function parseWhen(field: 'from' | 'to', value: string): number {
  const m = WHEN.exec(value)
  if (!m) throw badWhen(field)
  const [, y, mo, d, h, mi, sec, frac, zone] = m
  const endOfDay = field === 'to' && h === undefined
  const parts = { h: Number(h ?? (endOfDay ? 23 : 0)), mi: Number(mi ?? (endOfDay ? 59 : 0)), s: Number(sec ?? (endOfDay ? 59 : 0)) }
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : endOfDay ? 999 : 0
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), parts.h, parts.mi, parts.s, ms)
  const back = new Date(local)
  // Date.UTC rolls 2026-02-30 over into March: a calendar date that does not exist is refused
  if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || parts.h > 23 || parts.mi > 59 || parts.s > 59) throw badWhen(field)
  const offset = zone === 'Z' ? '+00:00' : (zone ?? MX_OFFSET)
  const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number]
  if (oh > 23 || om > 59) throw badWhen(field)
  return local - (offset[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
}

function filterOf(query: Record<string, unknown>): (t: TransactionRecord) => boolean {
  const from = typeof query.from === 'string' ? parseWhen('from', query.from) : Number.NEGATIVE_INFINITY
  const to = typeof query.to === 'string' ? parseWhen('to', query.to) : Number.POSITIVE_INFINITY
  if (from > to) throw new ApiError('invalid_request', 'from must not be after to.', { issues: [{ location: 'query', field: 'from', problem: 'invalid', message: 'from must not be after to.' }] })
  const { status, category, sub_category: sub } = query
  return (t) => (status === undefined || t.status === status) && (category === undefined || t.category === category) && (sub === undefined || t.subCategory === sub) && t.createdAt >= from && t.createdAt <= to
}

export function createTransactionReadHandlers(state: { readonly data: MonatoState }): Record<string, Handler<MonatoPrincipal>> {
  const list: Handler<MonatoPrincipal> = (ctx) => {
    const s = state.data
    const keep = filterOf(ctx.query)
    // newest first; transactions created at the same instant, latest recorded first
    const all = s.clients[ctx.principal.clientId]!.transactionIds.map((id) => s.transactions[id]!).filter(keep).reverse()
    all.sort((a, b) => b.createdAt - a.createdAt)
    const { page, size, items } = slicePage(all, ctx.query.page, ctx.query.page_size ?? ctx.query.per_page)
    return { body: { data: items.map(transactionJson), currentPage: page, perPage: size, totalItems: all.length } }
  }

  return {
    getTransaction: (ctx) => {
      const t = state.data.transactions[ctx.params.transactionId!]
      if (t?.clientId !== ctx.principal.clientId) throw new ApiError('not_found', 'Transaction not found.')
      return { body: transactionJson(t) }
    },
    // the token's client: the unscoped path has no clientId, the scoped one was checked against the token
    listTransactions: list,
    listClientTransactions: list,
  }
}
