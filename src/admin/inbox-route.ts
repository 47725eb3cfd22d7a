import express, { type Request, type Response, type Router } from 'express'
import { z } from 'zod'
import { describeArrivals, INBOX_LIMITS, type InboxFilter, type Inboxes } from '../core/inbox.js'
import { INBOX_NAME, INBOX_NAME_PROBLEM } from '../core/inbox-url.js'
import { AdminError, parseAdminBody as parse } from './errors.js'

// /__admin/inbox: the sandbox as a webhook receiver. POST /inbox/{name} is open (see auth.ts): it takes a
// delivery as a real receiver would, bytes kept as sent. Reading, configuring and clearing need the admin token.

/** POST /inbox/{name} is open: the sandbox's own sender and other services post there without the token */
export const isInboxDelivery = (method: string, path: string): boolean => method === 'POST' && /^\/inbox\/[^/]+\/?$/i.test(path)

function inboxName(req: Request): string {
  const name = String(req.params.name)
  if (!INBOX_NAME.test(name)) throw new AdminError(400, `invalid inbox name: ${JSON.stringify(name.slice(0, 80))}`, [`name: ${INBOX_NAME_PROBLEM}`])
  return name
}

/** the body's bytes, refused with 413 past `limit` (by Content-Length first, else as they arrive) */
function readRaw(req: Request, res: Response, limit: number): Promise<Buffer> {
  const tooLarge = () => new AdminError(413, `The request body is larger than the inbox's limit (${limit} bytes)`)
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    res.setHeader('Connection', 'close')
    return Promise.reject(tooLarge())
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        req.pause()
        res.setHeader('Connection', 'close')
        return reject(tooLarge())
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks, size)))
    req.on('error', reject)
  })
}

const whole = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number (${what})`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min} (${what})`).max(max, `must be at most ${max} (${what})`))

const STATUS_RANGE = 'an HTTP status from 200 to 599'
const DeliveryQuery = z.object({ status: whole(200, 599, STATUS_RANGE).optional(), times: whole(1, 1_000_000, 'answers with that status').optional() })
const ListQuery = z.object({
  event_type: z.string().optional(),
  resource_id: z.string().optional(),
  after: whole(0, Number.MAX_SAFE_INTEGER, 'a seq').optional(),
  wait: whole(0, INBOX_LIMITS.waitMs, 'milliseconds').optional(),
  secrets: z.enum(['true', 'false']).optional(),
})
const ConfigBody = z.strictObject({ status: z.number().int().min(200).max(599), times: z.number().int().min(1).max(1_000_000).nullable().optional() })

const describeFilter = (f: InboxFilter) =>
  [f.eventType !== undefined && `event_type=${f.eventType}`, f.resourceId !== undefined && `resource_id=${f.resourceId}`, f.after !== undefined && `after=${f.after}`].filter(Boolean).join(' ') || 'any message'

export function createInboxRouter(inboxes: Inboxes, bodyLimit: number): Router {
  const router = express.Router()
  const limit = Math.min(bodyLimit, INBOX_LIMITS.body)

  router.get('/', (_req, res) => {
    res.json({ data: inboxes.summary() })
  })

  router.post('/:name', async (req, res) => {
    const name = inboxName(req)
    const q = parse(DeliveryQuery, req.query)
    const raw = await readRaw(req, res, limit)
    const key = `${q.status ?? ''}:${q.times ?? ''}`
    const { seq, status } = inboxes.receive(name, { method: req.method, headers: req.headers, raw, query: { ...q, key } })
    if (status === 204 || status === 304) return void res.status(status).end()
    res.status(status).json({ received: true, inbox: name, seq, status })
  })

  router.get('/:name', async (req, res) => {
    const name = inboxName(req)
    const q = parse(ListQuery, req.query)
    const filter: InboxFilter = { eventType: q.event_type, resourceId: q.resource_id, after: q.after }
    const secrets = q.secrets === 'true'
    let found = inboxes.list(name, filter, secrets)
    if (found.length === 0 && q.wait) {
      // the client may hang up first: the wait ends with it
      const gone = new AbortController()
      res.on('close', () => gone.abort())
      const next = await inboxes.waitFor(name, (m) => inboxes.matches(m, filter), q.wait, gone.signal)
      if (gone.signal.aborted && !next) return
      if (!next) {
        const message = `no message matching ${describeFilter(filter)} arrived in inbox ${name} within ${q.wait} ms; ${describeArrivals(inboxes.list(name))}`
        return void res.status(408).json({ error: { message, issues: [] } })
      }
      found = inboxes.list(name, filter, secrets)
    }
    res.json({ data: found })
  })

  router.delete('/:name', (req, res) => {
    inboxes.clear(inboxName(req))
    res.json({ cleared: true })
  })

  router.put('/:name/config', async (req, res) => {
    const name = inboxName(req)
    const raw = await readRaw(req, res, 64 * 1024)
    let body: unknown
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))
    } catch (err) {
      throw new AdminError(400, `The request body is not valid JSON: ${(err as Error).message}`)
    }
    const c = parse(ConfigBody, body)
    // 2xx without a count is what an inbox does anyway: the config is dropped
    inboxes.configure(name, c.status < 300 && c.times == null ? null : { status: c.status, remaining: c.times ?? null })
    res.json({ inbox: name, config: inboxes.summary().find((s) => s.name === name)?.config ?? null })
  })

  return router
}
