import type { IncomingHttpHeaders } from 'node:http'
import { type FinishedRequest, JSON_CONTENT_TYPE, type SentResponse } from './http/listener.js'
import { compileJournalFilter, type JournalFilter } from './journal-filter.js'
import { maskHeaders, maskSecret, maskUrlPassword } from './logger.js'

export { type JournalFilter, JournalFilterError } from './journal-filter.js'

// The last N provider requests and their answers, for tests to see what their code sent and got ("was this
// called?"). Bounded: the oldest entry goes when a new one comes. Secrets are masked in headers and in bodies.

export interface JournalEntry {
  at: string
  requestId: string
  provider: string
  method: string
  path: string
  query: Record<string, unknown>
  status: number
  durationMs: number
  headers: Record<string, unknown>
  body: unknown
  /** what the sandbox answered (the status is `status` above): headers and body masked like the request's */
  response: { headers: Record<string, unknown>; body: unknown }
}

// request and response fields alike: Monato's JWT (`token`), Fintoc's webhook secret, widget and session tokens
const SECRET_FIELDS = new Set([
  'client_secret',
  'token',
  'secret',
  'password',
  'api_key',
  'public_key',
  'private_key',
  'widget_token',
  'session_token',
  'access_token',
  'refresh_token',
])

function maskBody(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => maskBody(v, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      // a webhook receiver's URL may carry a password
      typeof v === 'string' ? (SECRET_FIELDS.has(k) ? maskSecret(v) : k === 'url' ? maskUrlPassword(v) : v) : maskBody(v, depth + 1),
    ]),
  )
}

const BODY_SHOWN = 64 * 1024

function readBody(raw: unknown): unknown {
  // a response body is kept as the text sent, and cut (into bytes) only when read
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) return null
  const text = bytes.subarray(0, BODY_SHOWN).toString('utf8')
  try {
    return maskBody(JSON.parse(text))
  } catch {
    return maskText(text)
  }
}

// a body cut at BODY_SHOWN (or not JSON) is shown as text: secret fields are masked in it all the same, a value cut
// short by the end included
const SECRET_IN_TEXT = new RegExp(`("(?:${[...SECRET_FIELDS].join('|')})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)("|$)`, 'g')
const maskText = (text: string) => text.replace(SECRET_IN_TEXT, (_m, head: string, value: string, end: string) => `${head}${maskSecret(value)}${end}`)

// Recorded as cheaply as possible on every request; formatted and masked only when the journal is read. Under
// load each entry outlives a young-generation collection and so is promoted: the ring is a fixed array written in
// place, not a growing array trimmed by copying. (Keeping node's raw header list instead of the headers object
// promoted more: its header names are fresh strings, the object's are shared.) The response is kept as the text
// the handler wrote (made anyway) and its headers object (one shared object for most replies from state), in
// fields of the entry rather than an object of its own: one object less to promote per request.
type Recorded = Omit<JournalEntry, 'body' | 'at' | 'headers' | 'response'> & {
  at: number
  headers: IncomingHttpHeaders
  raw: unknown
  /** the body sent, or its first BODY_SHOWN bytes when larger */
  resText: string | Buffer | undefined
  resHeaders: SentResponse['headers'] | undefined
  /** the body's length in bytes when it was cut, else -1 */
  resBytes: number
}

/** a copy of the first BODY_SHOWN bytes, so the ring never pins a big string */
const cut = (text: string): Buffer => Buffer.from(Buffer.from(text.slice(0, BODY_SHOWN)).subarray(0, BODY_SHOWN))

function responseHeaders(e: Recorded): Record<string, unknown> {
  const out: Record<string, unknown> = { 'x-request-id': e.requestId }
  // lower-case names, as res.getHeaders() and the request's headers have them
  for (const [name, value] of Object.entries(e.resHeaders ?? {})) if (value !== undefined) out[name.toLowerCase()] = value
  // what send() in http/mount.ts adds to every JSON body
  if (e.resText !== undefined) {
    out['content-type'] = JSON_CONTENT_TYPE
    out['content-length'] = e.resBytes >= 0 ? e.resBytes : Buffer.byteLength(e.resText)
  }
  return maskHeaders(out)
}

const asText = (v: unknown): string | undefined => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : undefined)
const bodies = (e: Recorded) => [asText(e.raw), asText(e.resText)]

function format(e: Recorded): JournalEntry {
  const { raw, at, headers, resText, resHeaders: _h, resBytes: _b, ...rest } = e
  return {
    ...rest,
    at: new Date(at).toISOString(),
    headers: maskHeaders(headers as Record<string, unknown>),
    body: readBody(raw),
    response: { headers: responseHeaders(e), body: readBody(resText) },
  }
}

export function createJournal(size: number, now: () => number = Date.now) {
  const ring: Array<Recorded | undefined> = new Array(size).fill(undefined)
  // where the next entry goes, and how many the ring holds
  let next = 0
  let count = 0

  /** the matching entries, newest first, unformatted */
  function* select(filter: JournalFilter | undefined): Generator<Recorded> {
    const compiled = compileJournalFilter(filter, bodies)
    let found = 0
    for (let k = 1; k <= count && found < compiled.limit; k++) {
      const e = ring[(next - k + size) % size] as Recorded
      if (!compiled.test(e)) continue
      found++
      yield e
    }
  }

  return {
    /** called by the request listener once a response is sent */
    record({ requestId, provider, method, path, query, status, durationMs, req, response }: FinishedRequest) {
      if (!provider || size === 0) return
      const body = req.body
      const text = response?.text
      ring[next] = {
        at: now(),
        requestId,
        provider,
        method,
        path,
        query,
        status,
        durationMs,
        headers: req.headers,
        // a large body is cut to what readBody shows, so the ring never pins big buffers
        raw: Buffer.isBuffer(body) && body.length > BODY_SHOWN ? Buffer.from(body.subarray(0, BODY_SHOWN)) : body,
        resText: text !== undefined && text.length > BODY_SHOWN ? cut(text) : text,
        resHeaders: response?.headers,
        resBytes: text !== undefined && text.length > BODY_SHOWN ? Buffer.byteLength(text) : -1,
      }
      next = (next + 1) % size
      if (count < size) count++
    },
    /** the entries matching `filter`, newest first, masked; throws a JournalFilterError on a bad filter value */
    list(filter?: JournalFilter): JournalEntry[] {
      return Array.from(select(filter), format)
    },
    /** `limit` matching entries after skipping `offset`, newest first: only those are formatted (a deep page costs a scan, not formatting) */
    page(filter: JournalFilter | undefined, offset: number, limit: number): JournalEntry[] {
      const out: JournalEntry[] = []
      let skipped = 0
      for (const e of select({ ...filter, limit: undefined })) {
        if (skipped < offset) {
          skipped++
          continue
        }
        out.push(format(e))
        if (out.length >= limit) break
      }
      return out
    },
    /** the entry answered with this X-Request-Id, formatted alone, if the ring still holds it */
    get(requestId: string): JournalEntry | undefined {
      for (let k = 1; k <= count; k++) {
        const e = ring[(next - k + size) % size] as Recorded
        if (e.requestId === requestId) return format(e)
      }
      return undefined
    },
    /** how many entries match `filter` (its `limit` caps the count); throws a JournalFilterError on a bad filter value */
    count(filter?: JournalFilter): number {
      let n = 0
      for (const _ of select(filter)) n++
      return n
    },
    clear() {
      ring.fill(undefined)
      next = 0
      count = 0
    },
  }
}

export type Journal = ReturnType<typeof createJournal>
