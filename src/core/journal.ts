import type { IncomingHttpHeaders } from 'node:http'
import type { FinishedRequest } from './http/listener.js'
import { maskHeaders, maskSecret } from './logger.js'

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
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === 'string' ? maskSecret(v) : maskBody(v, depth + 1)]),
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

// recorded as cheaply as possible on every request; formatted and masked only when the journal is read
type Recorded = Omit<JournalEntry, 'body' | 'at' | 'headers'> & { at: number; headers: IncomingHttpHeaders; raw: unknown }

export function createJournal(size: number, now: () => number = Date.now) {
  let entries: Recorded[] = []
  return {
    /** called by the request listener once a response is sent */
    record({ requestId, provider, method, path, query, status, durationMs, req }: FinishedRequest) {
      if (!provider || size === 0) return
      const body = req.body
      entries.push({
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
      })
      // trimmed in chunks: a full ring does not shift every entry on every request
      if (entries.length > size + Math.max(16, size >> 4)) entries = entries.slice(entries.length - size)
    },
    list(filter: { provider?: string; path?: string } = {}): JournalEntry[] {
      return entries
        .slice(-size || entries.length)
        .filter((e) => (!filter.provider || e.provider === filter.provider) && (!filter.path || e.path.includes(filter.path)))
        .reverse()
        .map(({ raw, at, headers, ...e }) => ({ ...e, at: new Date(at).toISOString(), headers: maskHeaders(headers as Record<string, unknown>), body: readBody(raw) }))
    },
    clear() {
      entries.length = 0
    },
  }
}

export type Journal = ReturnType<typeof createJournal>
