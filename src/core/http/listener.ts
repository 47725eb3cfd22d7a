import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { parse as parseQuery } from 'node:querystring'
import { accessLogger, type Logger } from '../logger.js'

// The server's one request listener. Provider API calls go straight to their provider's handler on node's own
// req/res; everything else (/health, /__admin, widget and checkout pages, unknown paths) goes to the Express app. Express
// re-prototypes req and res on every request, which keeps Node's HTTP objects alive into the old generation:
// under load that cost more CPU than the rest of a GET, and made major collections mark a 100k-transfer heap
// every two seconds. Request ids, request log lines and the journal are done here, once, for both routes.

/** a provider API request: node's req/res plus what Express would have derived from them */
export interface ApiCall {
  req: IncomingMessage & { body?: unknown }
  res: ServerResponse
  /** the path under the provider's prefix, e.g. `/v2/accounts` (not decoded) */
  path: string
  /** the path and query as received */
  url: string
  /** the provider's prefix, e.g. `/fintoc` */
  baseUrl: string
  /** query string parsed as Express's "simple" parser does */
  query: Record<string, unknown>
  requestId: string
  /** set by the handler as it answers: kept by reference for the journal, formatted only when read */
  sent: SentResponse | undefined
}

/** a provider answer as written: the body text and the headers the handler set */
export interface SentResponse {
  /** the JSON body; undefined for none (or, for a page served by the app, not kept) */
  text: string | undefined
  /** besides X-Request-Id, and Content-Type and Content-Length of a JSON body, which are implied */
  headers: Readonly<Record<string, string | number | readonly string[] | undefined>>
}

/** the type of every JSON body a provider handler writes */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export interface ApiRoute {
  name: string
  handle: (call: ApiCall) => void
  /** sub-paths served by the Express app (the provider's HTML pages) */
  pagesPaths?: string[]
}

export interface FinishedRequest {
  requestId: string
  /** the first path segment when it names a provider */
  provider: string | undefined
  method: string
  path: string
  query: Record<string, unknown>
  status: number
  durationMs: number
  req: IncomingMessage & { body?: unknown }
  /** what was answered, when the journal should keep it (provider requests) */
  response?: SentResponse
}

export interface ListenerDeps {
  app: RequestListener
  apis: ApiRoute[]
  logger: Logger
  requestId: () => string
  /** sees every finished request (the journal) */
  onFinish?: (r: FinishedRequest) => void
}

const EMPTY_QUERY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>

export function createListener({ app, apis, logger, requestId, onFinish }: ListenerDeps): RequestListener {
  const routes = new Map(apis.map((a) => [a.name, a]))
  const access = accessLogger(logger)
  return (req, res) => {
    const id = requestId()
    res.setHeader('X-Request-Id', id)
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    const query = q === -1 ? EMPTY_QUERY : (parseQuery(url.slice(q + 1)) as Record<string, unknown>)
    const slash = pathname.indexOf('/', 1)
    const name = pathname.slice(1, slash === -1 ? undefined : slash)
    const route = routes.get(name)
    const started = process.hrtime.bigint()
    // the provider API call, whose answer the journal keeps
    let call: ApiCall | undefined
    res.on('finish', () => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10
      // path only: query strings and bodies can carry customer data
      access.info({ reqId: id, method: req.method, path: pathname, status: res.statusCode, ms: durationMs }, 'request')
      // a provider's page is answered by the app: its headers, not its HTML
      const response = call ? call.sent : route ? { text: undefined, headers: res.getHeaders() } : undefined
      onFinish?.({ requestId: id, provider: route?.name, method: req.method ?? 'GET', path: pathname, query, status: res.statusCode, durationMs, req, response })
    })
    const sub = route ? pathname.slice(name.length + 1) || '/' : ''
    if (route && !route.pagesPaths?.some((p) => sub === p || sub.startsWith(`${p}/`))) {
      call = { req, res, path: sub, url, baseUrl: `/${name}`, query, requestId: id, sent: undefined }
      route.handle(call)
      return
    }
    ;(res as ServerResponse & { locals?: Record<string, unknown> }).locals = { requestId: id }
    app(req, res)
  }
}
