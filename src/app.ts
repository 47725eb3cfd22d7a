import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express'
import type { ApiCall } from './core/http/listener.js'
import type { Logger } from './core/logger.js'
import type { DashboardSection } from './dashboard/types.js'

// The Express side of the server: /health, the control API, the providers' HTML pages, and JSON answers for
// everything else. Provider API calls never reach it (see core/http/listener.ts). Pure: it never listens.

export interface MountedProvider {
  name: string
  /** answers the provider's API calls, under `/<name>` */
  handle: (call: ApiCall) => void
  operationCount: number
  admin?: Router
  pages?: Array<{ path: string; router: Router }>
  dashboard?: DashboardSection
}

export interface AppDeps {
  providers: MountedProvider[]
  logger: Logger
  version: string
  admin?: Router
}

export function createApp({ providers, logger, version, admin }: AppDeps): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', false)
  app.set('query parser', 'simple')

  app.get('/health', (_req, res) => {
    res.json({
      status: 'ok',
      version,
      providers: Object.fromEntries(providers.map((p) => [p.name, { operations: p.operationCount }])),
    })
  })

  // a person opening the server's address lands on the dashboard
  app.get('/', (_req, res) => res.redirect(302, '/__admin/ui'))
  for (const p of providers) for (const page of p.pages ?? []) app.use(`/${p.name}${page.path}`, page.router)
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
