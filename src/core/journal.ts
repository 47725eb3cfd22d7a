import type { IncomingHttpHeaders } from 'node:http'
import type { FinishedRequest } from './http/listener.js'
import { maskHeaders, maskSecret, maskUrlPassword } from './logger.js'

// The last N provider requests, for tests to see what their code sent. Bounded: the oldest entry
// goes when a new one comes. Secrets are masked in headers and in bodies.

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
}

const SECRET_FIELDS = new Set(['client_secret', 'token', 'secret', 'password', 'api_key', 'public_key', 'private_key'])

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
  if (!Buffer.isBuffer(raw) || raw.length === 0) return null
  const text = raw.subarray(0, BODY_SHOWN).toString('utf8')
  try {
    return maskBody(JSON.parse(text))
  } catch {
    return text
  }
}

// Recorded as cheaply as possible on every request; formatted and masked only when the journal is read. Under
// load each entry outlives a young-generation collection and so is promoted: the ring is a fixed array written in
// place, not a growing array trimmed by copying. (Keeping node's raw header list instead of the headers object
// promoted more: its header names are fresh strings, the object's are shared.)
type Recorded = Omit<JournalEntry, 'body' | 'at' | 'headers'> & { at: number; headers: IncomingHttpHeaders; raw: unknown }

export function createJournal(size: number, now: () => number = Date.now) {
  const ring: Array<Recorded | undefined> = new Array(size).fill(undefined)
  // where the next entry goes, and how many the ring holds
  let next = 0
  let count = 0
  return {
    /** called by the request listener once a response is sent */
    record({ requestId, provider, method, path, query, status, durationMs, req }: FinishedRequest) {
      if (!provider || size === 0) return
      const body = req.body
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
      }
      next = (next + 1) % size
      if (count < size) count++
    },
    list(filter: { provider?: string; path?: string } = {}): JournalEntry[] {
      const out: JournalEntry[] = []
      for (let k = 1; k <= count; k++) {
        const e = ring[(next - k + size) % size] as Recorded
        if ((filter.provider && e.provider !== filter.provider) || (filter.path && !e.path.includes(filter.path))) continue
        const { raw, at, headers, ...rest } = e
        out.push({ ...rest, at: new Date(at).toISOString(), headers: maskHeaders(headers as Record<string, unknown>), body: readBody(raw) })
      }
      return out
    },
    clear() {
      ring.fill(undefined)
      next = 0
      count = 0
    },
  }
}

export type Journal = ReturnType<typeof createJournal>
