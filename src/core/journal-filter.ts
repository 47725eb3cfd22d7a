// Which journal entries a reader wants ("was this called?"): checked once, then tested against each recorded entry.

/** what `journal.list` and `journal.count` select by; every field optional, an empty string counts as absent */
export interface JournalFilter {
  /** the provider's name, exactly */
  provider?: string
  /** the HTTP method, any case */
  method?: string
  /** a substring of the path (the full path, prefix included: `/fintoc/v2/transfers`) */
  path?: string
  /** an exact code (`404` or `'404'`) or a class (`'4xx'`) */
  status?: number | string
  /** entries recorded at or after this instant: an ISO string with an offset, epoch ms, or a Date (the wall clock, as `at`) */
  since?: string | number | Date
  /** entries whose path, query, request body or response body names this id */
  resource_id?: string
  /** at most this many, newest first */
  limit?: number
}

/** a bad filter value; each issue starts with the parameter's name */
export class JournalFilterError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid journal filter: ${issues.join('; ')}`)
  }
}

/** what a recorded entry is tested on, read without formatting it */
export interface Matchable {
  at: number
  provider: string
  method: string
  path: string
  status: number
  query: Record<string, unknown>
}

export interface CompiledFilter<E extends Matchable> {
  test(e: E): boolean
  limit: number
}

const present = <T>(v: T | undefined | null | ''): v is T => v !== undefined && v !== null && v !== ''

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i

/**
 * Checks every value once; throws a JournalFilterError naming each bad parameter. `texts` reads an entry's request
 * and response bodies, only for resource_id.
 */
export function compileJournalFilter<E extends Matchable>(filter: JournalFilter = {}, texts: (e: E) => Array<string | undefined>): CompiledFilter<E> {
  const issues: string[] = []
  const tests: Array<(e: E) => boolean> = []
  const text = (name: keyof JournalFilter): string | undefined => {
    const v = filter[name]
    if (!present(v)) return undefined
    if (typeof v !== 'string') return void issues.push(`${name}: must be a string`)
    return v
  }
  const provider = text('provider')
  if (provider !== undefined) tests.push((e) => e.provider === provider)
  const method = text('method')?.toUpperCase()
  if (method !== undefined) {
    if (!/^[A-Z]+$/.test(method)) issues.push(`method: must be an HTTP method such as GET or POST, got ${JSON.stringify(filter.method)}`)
    tests.push((e) => e.method === method)
  }
  const path = text('path')
  if (path !== undefined) tests.push((e) => e.path.includes(path))
  if (present(filter.status)) {
    const s = String(filter.status).toLowerCase()
    if (/^[1-5]\d\d$/.test(s)) {
      const code = Number(s)
      tests.push((e) => e.status === code)
    } else if (/^[1-5]xx$/.test(s)) {
      const cls = Number(s[0])
      tests.push((e) => Math.floor(e.status / 100) === cls)
    } else issues.push(`status: must be a status code (404) or a class (4xx), got ${JSON.stringify(filter.status)}`)
  }
  if (present(filter.since)) {
    const v = filter.since
    const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : typeof v === 'string' && ISO_INSTANT.test(v) ? Date.parse(v) : Number.NaN
    if (Number.isFinite(ms)) tests.push((e) => e.at >= ms)
    else issues.push(`since: must be an ISO 8601 instant with an offset (2026-01-15T12:00:00Z), got ${JSON.stringify(v)}`)
  }
  const id = text('resource_id')
  if (id !== undefined) {
    // as a JSON string value: "tr_1" does not match "tr_12"
    const quoted = JSON.stringify(id)
    tests.push((e) => names(e, id) || texts(e).some((t) => t?.includes(quoted)))
  }
  let limit = Number.POSITIVE_INFINITY
  if (present(filter.limit)) {
    if (Number.isInteger(filter.limit) && filter.limit >= 1) limit = filter.limit
    else issues.push(`limit: must be a whole number of at least 1, got ${JSON.stringify(filter.limit)}`)
  }
  const unknown = Object.keys(filter).filter((k) => !KNOWN.has(k))
  for (const k of unknown) issues.push(`${k}: unknown filter (known: ${[...KNOWN].join(', ')})`)
  if (issues.length > 0) throw new JournalFilterError(issues)
  return { test: (e) => tests.every((t) => t(e)), limit }
}

const KNOWN = new Set(['provider', 'method', 'path', 'status', 'since', 'resource_id', 'limit'])

/** a path segment or a query value is the id */
function names(e: Matchable, id: string): boolean {
  if (e.path.split('/').some((seg) => seg === id || safeDecode(seg) === id)) return true
  return Object.values(e.query).some((v) => v === id || (Array.isArray(v) && v.includes(id)))
}

function safeDecode(seg: string): string {
  if (!seg.includes('%')) return seg
  try {
    return decodeURIComponent(seg)
  } catch {
    return seg
  }
}
