import express, { type NextFunction, type Request, type Response, type Router } from 'express'
import { ADMIN_COOKIE, adminCookieValue, isAdminAuthorized } from '../admin/auth.js'
import { actions } from './actions.js'
import type { DashboardDeps } from './context.js'
import { deliveriesList, deliveryDetail } from './deliveries.js'
import { type Html, html } from './html.js'
import { BASE, type Chrome, type NavGroup, page, partial, type View } from './layout.js'
import { loginView, safeNext } from './login.js'
import { overview } from './overview.js'
import { requestDetail, requestsList } from './requests.js'
import { SCRIPT } from './script.js'
import { STYLESHEET } from './style.js'
import type { DashboardPage, DashboardRequest } from './types.js'

// /__admin/ui: the dashboard shell. Login (with ADMIN_TOKEN), layout and navigation, the overview, webhook
// deliveries, the journal and the sandbox-wide actions; each provider's pages under /__admin/ui/<provider>.
// Mounted before the control API's JSON body parser: the login form posts urlencoded.

export type { DashboardDeps } from './context.js'

// no inline script may run, whatever a stored value holds; styles and images from here only
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/** the query as strings: a repeated key keeps its first value */
function queryOf(req: Request): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.query as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v
    if (typeof first === 'string') out[k] = first
  }
  return out
}

const pathOf = (req: Request) => req.originalUrl.split('?')[0] ?? BASE

export function createDashboardRouter(deps: DashboardDeps): Router {
  const router = express.Router()
  const sections = deps.providers.filter((p) => p.dashboard)

  const nav = (): NavGroup[] => [
    { heading: null, links: [{ href: BASE, label: 'Overview' }] },
    ...sections.map((p) => ({ heading: p.name, links: p.dashboard!.pages.filter((pg) => pg.nav).map((pg) => ({ href: `${BASE}/${p.name}${pg.path}`, label: pg.nav! })) })),
    {
      heading: 'Sandbox',
      links: [
        { href: `${BASE}/deliveries`, label: 'Deliveries' },
        { href: `${BASE}/requests`, label: 'Requests' },
        { href: `${BASE}/actions`, label: 'Actions' },
      ],
    },
  ]

  const chrome = (req: Request, authorized: boolean): Chrome => ({
    name: deps.name,
    version: deps.version,
    clock: { iso: new Date(deps.clock.now()).toISOString(), mode: deps.clock.mode() },
    nav: authorized ? nav() : [],
    current: pathOf(req),
    loggedIn: authorized && deps.token !== undefined,
  })

  const send = (req: Request, res: Response, view: View, authorized = true) => {
    const status = view.status ?? 200
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'same-origin', Vary: 'X-Dashboard-Partial' })
    // the live refresh gets the clock and <main> only, always 200 so a page that went away logs no browser error
    if (req.get('x-dashboard-partial') === '1') return void res.status(200).set('X-Dashboard-Status', String(status)).type('html').send(partial(chrome(req, authorized), view))
    res.status(status).type('html').send(page(chrome(req, authorized), view))
  }

  const dashboardRequest = (req: Request): DashboardRequest => ({ params: { ...(req.params as Record<string, string>) }, query: queryOf(req), now: deps.clock.now(), base: BASE })

  const notFound = (req: Request): View => ({
    title: 'Not found',
    status: 404,
    body: html`<section class="card"><p>There is no dashboard page at <code>${pathOf(req)}</code>, or what it names does not exist (any more).</p><p><a href="${BASE}">Back to the overview</a></p></section>`,
  })

  /** a page of the dashboard: its view, or a 404 in the layout when it renders null */
  const show = (render: (r: DashboardRequest) => { title: string; body: Html } | null) => (req: Request, res: Response) => {
    const view = render(dashboardRequest(req))
    send(req, res, view ?? notFound(req))
  }

  router.get('/assets/dashboard.css', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('css').send(STYLESHEET)
  })
  router.get('/assets/dashboard.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('js').send(SCRIPT)
  })

  router.post('/login', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 10 }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    const next = safeNext(body.next)
    if (!deps.token) return void res.redirect(303, next)
    const given = typeof body.token === 'string' ? body.token : ''
    // checked exactly as a bearer header would be
    if (!isAdminAuthorized({ headers: { authorization: `Bearer ${given}` } } as Parameters<typeof isAdminAuthorized>[0], deps.token) || given === '') {
      return void send(req, res, loginView(next, given === '' ? 'Enter the admin token.' : 'That token is not this sandbox’s ADMIN_TOKEN.'), false)
    }
    res.cookie(ADMIN_COOKIE, adminCookieValue(deps.token), { httpOnly: true, sameSite: 'strict', path: '/__admin' })
    res.redirect(303, next)
  })

  router.get('/logout', (_req, res) => {
    res.clearCookie(ADMIN_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/__admin' })
    res.redirect(303, BASE)
  })

  // every other page needs the token when one is set: the login form otherwise, in the layout
  router.use((req, res, next) => {
    if (isAdminAuthorized(req, deps.token)) return next()
    send(req, res, loginView(req.originalUrl), false)
  })

  router.get('/', show((r) => ({ title: 'Overview', body: overview(deps, r) })))
  router.get('/deliveries', show((r) => ({ title: 'Webhook deliveries', body: deliveriesList(deps, r) })))
  router.get('/deliveries/:id', show((r) => deliveryDetail(deps, r)))
  router.get('/requests', show((r) => ({ title: 'Requests', body: requestsList(deps, r) })))
  router.get('/requests/:id', show((r) => requestDetail(deps, r)))
  router.get('/actions', show((r) => ({ title: 'Actions', body: actions(deps, r) })))

  for (const p of sections) {
    const sub = express.Router()
    for (const pg of p.dashboard!.pages) {
      sub.get(
        pg.path,
        show((r) => providerPage(pg, r)),
      )
    }
    router.use(`/${p.name}`, sub)
  }

  router.use((req, res) => send(req, res, notFound(req)))
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status
    // a client's mistake (a body too large for the login form…) is said as such; anything else without a stack
    const client = typeof status === 'number' && status >= 400 && status < 500
    const authorized = isAdminAuthorized(req, deps.token)
    send(req, res, {
      title: client ? 'Bad request' : 'Error',
      status: client ? status : 500,
      body: html`<section class="card" role="alert"><p>${client ? (err as Error).message : 'This page could not be shown: an unexpected error occurred.'}</p><p><a href="${BASE}">Back to the overview</a></p></section>`,
    }, authorized)
  })
  return router
}

function providerPage(pg: DashboardPage, r: DashboardRequest): { title: string; body: Html } | null {
  const body = pg.render(r)
  if (!body) return null
  return { title: typeof pg.title === 'function' ? pg.title(r) : pg.title, body }
}
