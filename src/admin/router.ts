import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { z } from 'zod'
import type { Clock } from '../core/clock.js'
import type { Scheduler } from '../core/scheduler.js'
import type { Store } from '../core/store.js'
import { type Faults, FaultRuleSchema } from '../core/faults.js'
import type { Journal } from '../core/journal.js'
import type { DeliveriesState, Webhooks } from '../core/webhooks.js'
import { ScenarioError } from '../scenario/load.js'
import { AdminError, parseAdminBody as parse } from './errors.js'

// The sandbox's own control API; each provider may add routes under /__admin/<provider>.

export interface AdminDeps {
  clock: Clock
  scheduler: Scheduler
  webhooks: Webhooks
  store: Store<Record<string, unknown>>
  providers: Array<{ name: string; admin?: Router }>
  /** when set, every control call needs `Authorization: Bearer <token>` */
  token?: string
  /** back to the loaded scenarios */
  reset(): Promise<void>
  /** validates and loads one more scenario, or replaces them all */
  loadScenario(json: unknown, replace: boolean): Promise<void>
  journal: Journal
  faults: Faults
  isState(value: unknown): boolean
  /** after a snapshot restore: jobs for unfinished resources that have none */
  recoverJobs(): Promise<number>
}

const clockJson = (clock: Clock) => ({ mode: clock.mode(), now: new Date(clock.now()).toISOString() })

export function createAdminRouter({ clock, scheduler, webhooks, store, providers, token, reset, isState, journal, loadScenario, faults, recoverJobs }: AdminDeps): Router {
  const router = express.Router()
  if (token) {
    router.use((req, res, next) => {
      const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]
      if (given !== token) return void res.status(401).json({ error: { message: 'The control API needs Authorization: Bearer <ADMIN_TOKEN>', issues: [] } })
      next()
    })
  }
  // large enough for a snapshot of 100k transfers with their idempotency records (~350 MB)
  router.use(express.json({ limit: '1gb' }))

  router.post('/reset', async (_req, res) => {
    await reset()
    scheduler.arm()
    res.json({ reset: true })
  })

  // what the client code sent: the last JOURNAL_SIZE provider requests, newest first, secrets masked
  router.get('/requests', (req, res) => {
    const q = parse(z.object({ provider: z.string().optional(), path: z.string().optional() }), req.query)
    res.json({ data: journal.list(q) })
  })

  router.delete('/requests', (_req, res) => {
    journal.clear()
    res.json({ cleared: true })
  })

  router.post('/faults', (req, res) => {
    res.status(201).json(faults.add(parse(FaultRuleSchema, req.body)))
  })
  router.get('/faults', (_req, res) => {
    res.json({ data: faults.list() })
  })
  router.delete('/faults', (_req, res) => {
    faults.clear()
    res.json({ cleared: true })
  })

  router.post('/scenarios', async (req, res) => {
    const replace = req.query.replace === 'true'
    try {
      await loadScenario(req.body, replace)
    } catch (err) {
      if (err instanceof ScenarioError) throw new AdminError(400, 'invalid scenario', err.problems)
      throw err
    }
    scheduler.arm()
    res.status(201).json({ loaded: true, replaced: replace })
  })

  router.get('/state', (req, res) => {
    const provider = typeof req.query.provider === 'string' ? req.query.provider : undefined
    if (provider && !(provider in store.data)) throw new AdminError(404, `No provider ${provider}`)
    res.json(provider ? store.data[provider] : store.data)
  })

  router.get('/snapshot', (_req, res) => {
    res.json({ version: 1, clock: clockJson(clock), state: store.data })
  })

  router.post('/snapshot', async (req, res) => {
    const body = req.body as { version?: unknown; state?: unknown }
    if (body?.version !== 1 || !isState(body.state)) throw new AdminError(400, 'not a snapshot of this sandbox', ['$.version must be 1 and $.state must hold every slice (core, fintoc, monato)'])
    // the body was parsed for this request alone: no copy needed
    await store.replace(body.state as Record<string, unknown>)
    // a snapshot may hold unfinished resources without their jobs (hand-edited, or from an older version)
    await recoverJobs()
    scheduler.arm()
    res.json({ restored: true })
  })
  for (const p of providers) if (p.admin) router.use(`/${p.name}`, p.admin)

  router.get('/clock', (_req, res) => {
    res.json(clockJson(clock))
  })

  // moves time to an instant (forward runs what falls due, like advance) and/or switches the clock's mode
  router.post('/clock/set', async (req, res) => {
    const body = parse(z.object({ time: z.iso.datetime({ offset: true }).optional(), mode: z.enum(['real', 'manual']).optional() }), req.body)
    if (body.mode) clock.setMode(body.mode)
    if (body.time) {
      const target = Date.parse(body.time)
      if (target > clock.now()) await scheduler.advance(target - clock.now())
      else clock.set(target)
    }
    scheduler.arm()
    res.json(clockJson(clock))
  })

  router.post('/clock/advance', async (req, res) => {
    const { ms } = parse(z.object({ ms: z.number().int().min(0).max(10 * 365 * 24 * 3600 * 1000) }), req.body)
    // everything that falls due runs, in order, before the answer
    const ran = await scheduler.advance(ms)
    res.json({ ...clockJson(clock), ran })
  })

  // every delivery with every attempt, newest first
  router.get('/webhooks/deliveries', (req, res) => {
    const q = parse(
      z.object({ provider: z.string().optional(), event_type: z.string().optional(), resource_id: z.string().optional(), outcome: z.enum(['pending', 'succeeded', 'failed', 'refused']).optional() }),
      req.query,
    )
    const log = (store.data.core as { webhooks: DeliveriesState }).webhooks
    const out = [...log.order]
      .reverse()
      .map((id) => log.deliveries[id]!)
      .filter((d) => (!q.provider || d.provider === q.provider) && (!q.event_type || d.eventType === q.event_type) && (!q.resource_id || d.resourceId === q.resource_id) && (!q.outcome || d.status === q.outcome))
    res.json({ data: out.map(({ body, ...d }) => ({ ...d, payload: JSON.parse(body) })) })
  })

  router.post('/webhooks/deliveries/:id/redeliver', async (req, res) => {
    const d = await webhooks.redeliver(req.params.id!)
    if (!d) throw new AdminError(404, `No such delivery: ${req.params.id}`)
    // in manual mode the attempt is due now: run it before answering
    if (clock.mode() === 'manual') await scheduler.advance(0)
    const { body, ...rest } = (store.data.core as { webhooks: DeliveriesState }).webhooks.deliveries[d.id]!
    res.json({ ...rest, payload: JSON.parse(body) })
  })

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: { message: `No admin route for ${req.method} ${req.path}`, issues: [] } })
  })
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AdminError) return void res.status(err.status).json({ error: { message: err.message, issues: err.issues } })
    const status = (err as { status?: number }).status
    if (status && status < 500) return void res.status(status).json({ error: { message: (err as Error).message, issues: [] } })
    res.status(500).json({ error: { message: 'An unexpected error occurred', issues: [] } })
  })
  return router
}
