// Lists the (method, path) pairs an express 5 router answers, by walking its stack: routes, and routers
// mounted with router.use (their mount path is the layer's rawPath). Path params come out as `{name}`.

export interface RouteEntry {
  method: string
  path: string
}

interface Layer {
  rawPath?: unknown
  route?: { path: unknown; methods: Record<string, boolean> }
  handle?: { stack?: Layer[] }
}

const openApiPath = (express: string) => express.replace(/:(\w+)/g, '{$1}')

function paths(raw: unknown): string[] {
  if (typeof raw === 'string') return [raw]
  if (Array.isArray(raw)) return raw.flatMap(paths)
  // a RegExp or anything else: no path to document, and the caller would not know it
  throw new Error(`a route or mount path that is not a string: ${String(raw)}`)
}

const join = (base: string, sub: string) => (sub === '/' ? base || '/' : `${base}${sub}`)

/** every route below `router`, with `base` prefixed; middleware without a nested stack is skipped */
export function listRoutes(router: { stack: Layer[] }, base = ''): RouteEntry[] {
  const out: RouteEntry[] = []
  for (const layer of router.stack) {
    if (layer.route) {
      for (const p of paths(layer.route.path)) {
        for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: openApiPath(join(base, p)) })
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      for (const mount of paths(layer.rawPath ?? '/')) out.push(...listRoutes(layer.handle as { stack: Layer[] }, mount === '/' ? base : join(base, mount)))
    }
  }
  return out
}
