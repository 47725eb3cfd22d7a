import { randomUUID } from 'node:crypto'
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express'
import type { Logger } from './core/logger.js'

// The HTTP application: providers under their prefixes, /health, the control API, and JSON
// answers for everything else. Pure: it never listens.

export interface MountedProvider {
  name: string
  router: RequestHandler
  operationCount: number
  admin?: Router
  pages?: { path: string; router: Router }
}

export interface AppDeps {
  providers: MountedProvider[]
  logger: Logger
  version: string
  admin?: Router
  requestId?: () => string
  /** records provider requests; runs after the request id is set */
  journal?: (req: Request, res: Response, next: NextFunction) => void
}

export function createApp({ providers, logger, version, admin, requestId = randomUUID, journal }: AppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', 'simple')

  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = requestId()
    res.locals.requestId = id
    res.setHeader('X-Request-Id', id)
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      // path only: query strings and bodies can carry customer data
      logger.info({ reqId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request')
    })
    next()
  })

  if (journal) app.use(journal)

  app.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      version,
      providers: Object.fromEntries(providers.map((p) => [p.name, { operations: p.operationCount }])),
    })
  })

  for (const p of providers) {
    // pages sit under their own path, so API requests do not walk their routes
    if (p.pages) app.use(`/${p.name}${p.pages.path}`, p.pages.router)
    app.use(`/${p.name}`, p.router)
  }
  if (admin) app.use('/__admin', admin)

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: { type: 'not_found', message: `No route for ${req.method} ${req.path}` } })
  })
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: { type: 'invalid_request', message: (err as Error).message } })
      return
    }
    logger.error({ reqId: res.locals.requestId, err, path: req.path }, 'unexpected error')
    res.status(500).json({ error: { type: 'internal', message: 'An unexpected error occurred' } })
  })
  return app
}
