import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { z } from 'zod'
import { isStorageError } from '../core/storage-error.js'
import type { Clock } from '../core/clock.js'
import type { Scheduler } from '../core/scheduler.js'
import type { Store } from '../core/store.js'
import { type Faults, FaultRuleSchema } from '../core/faults.js'
import type { Journal } from '../core/journal.js'
import type { DeliveriesState, Webhooks } from '../core/webhooks.js'
import { ScenarioError } from '../scenario/load.js'
import { adminAuth, type OpenPath } from './auth.js'
import { adminJsonBody } from './body.js'
import { AdminError, parseAdminBody as parse } from './errors.js'
import { maskedDelivery } from './mask-state.js'
import { stateHandler } from './state-route.js'
import { countRequests, listRequests } from './requests-route.js'
import { createSpecsRouter } from './specs-route.js'
import type { Inboxes } from '../core/inbox.js'
import { createInboxRouter, isInboxDelivery } from './inbox-route.js'
import { createDashboardRouter } from '../dashboard/router.js'
import type { DashboardSection } from '../dashboard/types.js'

// The sandbox's own control API; each provider may add routes under /__admin/<provider>.

export interface AdminDeps {
  clock: Clock
  scheduler: Scheduler
  webhooks: Webhooks
  store: Store<Record<string, unknown>>
  providers: Array<{ name: string; admin?: Router; dashboard?: DashboardSection }>
  /** when set, every control call needs `Authorization: Bearer <token>` */
  token?: string
  /** back to the loaded scenarios */
  reset(): Promise<void>
  /** validates and loads one more scenario (a no-op answering false when it is already loaded), or replaces them all */
  loadScenario(json: unknown, replace: boolean): Promise<{ loaded: boolean }>
  journal: Journal
  faults: Faults
  /** the problems of a snapshot's `state`, by JSON path below `$.state` (none: it may replace the state) */
  checkState(value: unknown): string[]
  /** bytes: larger bodies are refused with 413 before they are parsed (ADMIN_BODY_LIMIT) */
  bodyLimit: number
  /** after a snapshot restore: jobs for unfinished resources that have none */
  recoverJobs(): Promise<number>
  /** each provider's spec as parsed at boot, served at /__admin/specs/<name> */
  specs: ReadonlyArray<{ name: string; spec: unknown }>
  /** the built-in webhook inbox (/__admin/inbox/{name}), held in memory */
  inboxes?: Inboxes
  /** the dashboard's header and overview: product name, version, start (wall clock ms) */
  about?: { name: string; version: string; startedAt: number }
}

const clockJson = (clock: Clock) => ({ mode: clock.mode(), now: new Date(clock.now()).toISOString() })

export function createAdminRouter({ clock, scheduler, webhooks, store, providers, token, reset, checkState, journal, loadScenario, faults, recoverJobs, bodyLimit, specs, inboxes, about }: AdminDeps): Router {
  const router = express.Router()
  // paths that check for themselves or are open: see auth.ts
  const open: OpenPath[] = []
  open.push(isInboxDelivery)
  // the dashboard checks for itself: it answers its login form instead of a JSON 401
  open.push((_method, path) => path === '/ui' || path.startsWith('/ui/'))
  router.use(adminAuth(token, open))
  // before the JSON body parser: a delivery's bytes are kept as sent, whatever its content type
  if (inboxes) router.use('/inbox', createInboxRouter(inboxes, bodyLimit))
  // before the JSON body parser too: its login form posts urlencoded
  router.use('/ui', createDashboardRouter({ clock, journal, faults, providers, token, deliveries: () => (store.data.core as { webhooks: DeliveriesState }).webhooks, name: about?.name ?? 'sandbox', version: about?.version ?? '', startedAt: about?.startedAt ?? Date.now() }))
  // snapshot restores included: a body past ADMIN_BODY_LIMIT is refused before it is read whole
  router.use(adminJsonBody(bodyLimit))

  router.post('/reset', async (_req, res) => {
    await reset()
    scheduler.arm()
    res.json({ reset: true })
  })

  // what the client code sent and got: the last JOURNAL_SIZE provider requests, newest first, secrets masked
  router.get('/requests', listRequests(journal))
  router.get('/requests/count', countRequests(journal))

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
    let outcome: { loaded: boolean }
    try {
      outcome = await loadScenario(req.body, replace)
    } catch (err) {
      if (err instanceof ScenarioError) throw new AdminError(400, 'invalid scenario', err.problems)
      throw err
    }
    scheduler.arm()
    // loading a loaded scenario again changes nothing
    res.status(outcome.loaded ? 201 : 200).json({ loaded: true, replaced: replace, already_loaded: !outcome.loaded })
  })

  router.get('/state', stateHandler(() => store.data))

  router.get('/snapshot', (req, res) => {
    // the dashboard's download link: saved as a file, not shown
    if (req.query.download === '1') res.set('Content-Disposition', `attachment; filename="snapshot-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}.json"`)
    res.json({ version: 1, clock: clockJson(clock), state: store.data })
  })

  router.post('/snapshot', async (req, res) => {
    const body: unknown = req.body
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AdminError(400, 'not a snapshot of this sandbox', ['$: must be {"version": 1, "state": {…}}, as GET /__admin/snapshot answers'])
    const { version, state } = body as { version?: unknown; state?: unknown }
    // checked whole before anything is replaced: a hollow or malformed state would answer 500 on every call
    const problems = [...(version === 1 ? [] : ['$.version: must be 1']), ...checkState(state)]
    if (problems.length > 0) throw new AdminError(400, 'not a snapshot of this sandbox', problems)
    // the body was parsed for this request alone: no copy needed
    await store.replace(state as Record<string, unknown>)
    // a snapshot may hold unfinished resources without their jobs (hand-edited, or from an older version)
    await recoverJobs()
    scheduler.arm()
    res.json({ restored: true })
  })
  for (const p of providers) if (p.admin) router.use(`/${p.name}`, p.admin)
  // this API's OpenAPI document (specs/admin.yaml) and the providers' specs
  router.use(createSpecsRouter(specs))

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
    res.json({ data: out.map(({ body, ...d }) => ({ ...maskedDelivery(d), payload: JSON.parse(body) })) })
  })

  router.post('/webhooks/deliveries/:id/redeliver', async (req, res) => {
    const d = await webhooks.redeliver(req.params.id!)
    if (!d) throw new AdminError(404, `No such delivery: ${req.params.id}`)
    // in manual mode the attempt is due now: run it before answering
    if (clock.mode() === 'manual') await scheduler.advance(0)
    const { body, ...rest } = (store.data.core as { webhooks: DeliveriesState }).webhooks.deliveries[d.id]!
    res.json({ ...maskedDelivery(rest), payload: JSON.parse(body) })
  })

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: { message: `No admin route for ${req.method} ${req.path}`, issues: [] } })
  })
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AdminError) return void res.status(err.status).json({ error: { message: err.message, issues: err.issues } })
    // the disk refused the change, which was taken back: a retry may succeed
    if (isStorageError(err)) return void res.status(503).set('Retry-After', '1').json({ error: { message: err.message, issues: [] } })
    const status = (err as { status?: number }).status
    if (status && status < 500) return void res.status(status).json({ error: { message: (err as Error).message, issues: [] } })
    res.status(500).json({ error: { message: 'An unexpected error occurred', issues: [] } })
  })
  return router
}
