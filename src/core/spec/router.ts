import type { HttpMethod, Operation } from './operations.js'

// Matches a request path against the spec's templates: static segments win over templated ones,
// and a path that exists under another method is told apart from one that does not exist.

interface CompiledRoute {
  operation: Operation
  pattern: RegExp
  paramNames: string[]
  segments: number
  staticSegments: number
}

export type RouteMatch =
  | { kind: 'found'; operation: Operation; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' }

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function compile(operation: Operation): CompiledRoute {
  const paramNames: string[] = []
  const parts = operation.path.split('/').filter(Boolean)
  const source = parts
    .map((part) => {
      const m = /^\{(.+)\}$/.exec(part)
      if (!m) return escapeRegExp(part)
      paramNames.push(m[1]!)
      return '([^/]+)'
    })
    .join('/')
  return {
    operation,
    pattern: new RegExp(`^/${source}/?$`),
    paramNames,
    segments: parts.length,
    staticSegments: parts.length - paramNames.length,
  }
}

export function createRouteMatcher(operations: Operation[]) {
  const routes = operations.map(compile).sort((a, b) => b.staticSegments - a.staticSegments)

  return function match(method: string, path: string): RouteMatch {
    const lower = method.toLowerCase() as HttpMethod
    let allowed: string[] | undefined
    let bestTemplate: string | undefined
    for (const route of routes) {
      const m = route.pattern.exec(path)
      if (!m) continue
      // the most static template that matches the path owns it
      if (bestTemplate !== undefined && route.operation.path !== bestTemplate) continue
      bestTemplate = route.operation.path
      if (route.operation.method === lower) {
        const params: Record<string, string> = {}
        route.paramNames.forEach((name, i) => {
          params[name] = safeDecode(m[i + 1]!)
        })
        return { kind: 'found', operation: route.operation, params }
      }
      allowed ??= []
      allowed.push(route.operation.method.toUpperCase())
    }
    if (allowed) return { kind: 'method_not_allowed', allowed }
    return { kind: 'not_found' }
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
