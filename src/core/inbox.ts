import type { IncomingHttpHeaders } from 'node:http'
import { maskHeaders } from './logger.js'

// The built-in webhook inbox: named, in-memory lists of what was POSTed to /__admin/inbox/{name}, for tests that
// would otherwise run their own receiver. Not in the store (a snapshot or DATA_FILE never holds it); bounded per
// inbox, in number of inboxes and in bytes, the oldest going first.

export const INBOX_LIMITS = {
  /** messages kept per inbox */
  messages: 1000,
  /** inboxes kept; one more drops the one least recently posted to or configured */
  inboxes: 100,
  /** bytes of bodies kept across all inboxes */
  totalBytes: 64 * 1024 * 1024,
  /** bytes of one body (a larger one is answered 413 and not kept) */
  body: 1024 * 1024,
  /** longest long-poll */
  waitMs: 30_000,
}

/** the top-level string fields read as a message's event type, first one present wins */
const EVENT_TYPE_FIELDS = ['type', 'event_type', 'eventType', 'event', 'msg_name']

export interface InboxMessage {
  /** increasing across all inboxes: `after=<seq>` lists what came later */
  seq: number
  inbox: string
  /** sandbox clock */
  receivedAt: string
  method: string
  /** as received, lower-case names; Authorization, cookies and API keys masked unless secrets are asked for */
  headers: Record<string, unknown>
  /** the body as UTF-8 text */
  body: string
  /** the exact bytes, only when they are not valid UTF-8 */
  bodyBase64?: string
  size: number
  /** the body parsed as JSON, or null */
  json: unknown
  eventType: string | null
  /** what the inbox answered this request */
  status: number
}

export interface InboxFilter {
  eventType?: string
  /** a string anywhere in the JSON body equal to it */
  resourceId?: string
  after?: number
}

export interface InboxConfig {
  status: number
  /** deliveries still answered `status`; null: all of them until changed */
  remaining: number | null
}

interface Stored {
  seq: number
  at: number
  method: string
  headers: IncomingHttpHeaders
  raw: Buffer
  eventType: string | null
  status: number
  /** bytes held: the body and the headers (an unauthenticated sender controls both) */
  cost: number
}

const headerBytes = (headers: IncomingHttpHeaders) => {
  let n = 0
  for (const [k, v] of Object.entries(headers)) n += k.length + (Array.isArray(v) ? v.join('').length : (v?.length ?? 0))
  return n
}

/** a waiter's predicate that throws (e.g. reads `data.id` of a message without `data`) does not match */
const passes = (test: (m: InboxMessage) => boolean, m: InboxMessage) => {
  try {
    return test(m)
  } catch {
    return false
  }
}

interface Box {
  messages: Stored[]
  config: InboxConfig | null
  /** `?status=&times=` counters, by query */
  counted: Map<string, number>
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return null
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    return null
  }
}

function eventTypeOf(json: unknown): string | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null
  for (const f of EVENT_TYPE_FIELDS) {
    const v = (json as Record<string, unknown>)[f]
    if (typeof v === 'string') return v
  }
  return null
}

function holdsString(value: unknown, wanted: string, depth = 0): boolean {
  if (typeof value === 'string') return value === wanted
  if (depth > 20 || value === null || typeof value !== 'object') return false
  return Object.values(value).some((v) => holdsString(v, wanted, depth + 1))
}

export function createInboxes(now: () => number) {
  const boxes = new Map<string, Box>()
  const waiters = new Set<{ name: string; test: (m: InboxMessage) => boolean; done: (m: InboxMessage | undefined) => void }>()
  let seq = 0
  let bytes = 0

  /** the inbox, created if need be, as the most recently used */
  function touch(name: string): Box {
    const box = boxes.get(name) ?? { messages: [], config: null, counted: new Map() }
    boxes.delete(name)
    boxes.set(name, box)
    for (const [old, b] of boxes) {
      if (boxes.size <= INBOX_LIMITS.inboxes) break
      for (const m of b.messages) bytes -= m.cost
      boxes.delete(old)
    }
    return box
  }

  function dropOldest() {
    let oldest: Box | undefined
    for (const b of boxes.values()) if (b.messages[0] && (!oldest || b.messages[0].seq < oldest.messages[0]!.seq)) oldest = b
    const gone = oldest?.messages.shift()
    if (gone) bytes -= gone.cost
  }

  function view(name: string, s: Stored, secrets: boolean): InboxMessage {
    let body: string
    let bodyBase64: string | undefined
    try {
      body = utf8.decode(s.raw)
    } catch {
      body = s.raw.toString('utf8')
      bodyBase64 = s.raw.toString('base64')
    }
    const headers = secrets ? { ...s.headers } : maskHeaders(s.headers as Record<string, unknown>)
    return {
      seq: s.seq,
      inbox: name,
      receivedAt: new Date(s.at).toISOString(),
      method: s.method,
      headers,
      body,
      ...(bodyBase64 === undefined ? {} : { bodyBase64 }),
      size: s.raw.length,
      json: parseJson(s.raw),
      eventType: s.eventType,
      status: s.status,
    }
  }

  const matches = (m: InboxMessage, f: InboxFilter) =>
    (f.after === undefined || m.seq > f.after) && (f.eventType === undefined || m.eventType === f.eventType) && (f.resourceId === undefined || holdsString(m.json, f.resourceId))

  /** the status to answer a delivery: the inbox's config first, then the URL's `?status=` (and `times`), else 200 */
  function answer(box: Box, query: { status?: number; times?: number; key: string }): number {
    const c = box.config
    if (c) {
      if (c.remaining !== null && --c.remaining <= 0) box.config = null
      return c.status
    }
    if (query.status === undefined) return 200
    if (query.times === undefined) return query.status
    const n = box.counted.get(query.key) ?? 0
    if (n >= query.times) return 200
    box.counted.delete(query.key)
    box.counted.set(query.key, n + 1)
    // bounded like the rest: the counter of the query least recently used goes first
    if (box.counted.size > 100) box.counted.delete(box.counted.keys().next().value!)
    return query.status
  }

  return {
    /** keeps one delivery and answers the status to send back */
    receive(name: string, input: { method: string; headers: IncomingHttpHeaders; raw: Buffer; query: { status?: number; times?: number; key: string } }): { seq: number; status: number } {
      const box = touch(name)
      const status = answer(box, input.query)
      const stored: Stored = { seq: ++seq, at: now(), method: input.method, headers: input.headers, raw: input.raw, eventType: eventTypeOf(parseJson(input.raw)), status, cost: input.raw.length + headerBytes(input.headers) }
      box.messages.push(stored)
      bytes += stored.cost
      if (box.messages.length > INBOX_LIMITS.messages) bytes -= box.messages.shift()!.cost
      while (bytes > INBOX_LIMITS.totalBytes) dropOldest()
      if (waiters.size > 0) {
        const v = view(name, stored, false)
        for (const w of waiters) if (w.name === name && passes(w.test, v)) w.done(v)
      }
      return { seq: stored.seq, status }
    },

    /** what the inbox holds, oldest first */
    list(name: string, filter: InboxFilter = {}, secrets = false): InboxMessage[] {
      return (boxes.get(name)?.messages ?? []).map((s) => view(name, s, secrets)).filter((m) => matches(m, filter))
    },

    /** the first message already held that passes `test`, else the next to arrive; undefined after `timeoutMs` */
    waitFor(name: string, test: (m: InboxMessage) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<InboxMessage | undefined> {
      const held = (boxes.get(name)?.messages ?? []).map((s) => view(name, s, false)).find((m) => passes(test, m))
      if (held || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(held)
      return new Promise((resolve) => {
        const w = {
          name,
          test,
          done: (m: InboxMessage | undefined) => {
            waiters.delete(w)
            clearTimeout(timer)
            signal?.removeEventListener('abort', abort)
            resolve(m)
          },
        }
        const abort = () => w.done(undefined)
        const timer = setTimeout(abort, timeoutMs)
        timer.unref()
        signal?.addEventListener('abort', abort)
        waiters.add(w)
      })
    },

    matches,

    configure(name: string, config: InboxConfig | null) {
      touch(name).config = config
    },

    /** the inboxes held, most recently used last */
    summary(): Array<{ name: string; count: number; config: InboxConfig | null }> {
      return [...boxes].map(([name, b]) => ({ name, count: b.messages.length, config: b.config && { ...b.config } }))
    },

    /** empties one inbox (its config and counters too), or all of them */
    clear(name?: string) {
      for (const [n, b] of boxes) {
        if (name !== undefined && n !== name) continue
        for (const m of b.messages) bytes -= m.cost
        boxes.delete(n)
      }
    },

    /** the sandbox stops: pending long-polls end now */
    close() {
      for (const w of waiters) w.done(undefined)
    },
  }
}

export type Inboxes = ReturnType<typeof createInboxes>

/** "it holds 3 messages (event types: a ×2, b)": what a wait got instead of what it wanted */
export function describeArrivals(messages: InboxMessage[]): string {
  if (messages.length === 0) return 'it holds no message'
  const counts = new Map<string, number>()
  for (const m of messages) counts.set(m.eventType ?? '(none)', (counts.get(m.eventType ?? '(none)') ?? 0) + 1)
  const types = [...counts].map(([t, n]) => (n > 1 ? `${t} ×${n}` : t)).join(', ')
  return `it holds ${messages.length} message${messages.length === 1 ? '' : 's'} (event types: ${types})`
}
