// GET /__admin/state in pages: a collection (records keyed by id, or an array) is read a page at a time, in key
// order, and the whole-state answer shows at most PAGE_THRESHOLD records of each collection, with where the rest is.

/** records of one collection the whole-state answer shows; more are paged (see `boundedSlice`) */
export const PAGE_THRESHOLD = 1000
export const DEFAULT_PAGE_LIMIT = 1000
export const MAX_PAGE_LIMIT = 10_000

export type Collection = Record<string, unknown> | unknown[]

export interface Page {
  data: Collection
  /** records in the whole collection (on a page after the first, as of a few seconds ago at most) */
  total: number
  /** where the next page starts, or null on the last one */
  nextCursor: string | null
}

/** where a page starts: after a key (objects, in key order) or at an index (arrays) */
type Position = { k: string } | { i: number }

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isCollection = (v: unknown): v is Collection => Array.isArray(v) || isPlainObject(v)

/**
 * A group of collections (core's `idempotency`, `webhooks`), not a collection of records: every value is an object
 * or array, and none is a record (records carry their `id`).
 */
function isContainer(v: unknown): v is Record<string, Collection> {
  if (!isPlainObject(v)) return false
  for (const key in v) {
    const inner = v[key]
    if (!isCollection(inner) || (isPlainObject(inner) && Object.hasOwn(inner, 'id'))) return false
  }
  return true
}

/** a collection a slice holds (`orgs`) or one of its containers holds (`idempotency.records`), own keys only */
export function findCollection(slice: unknown, path: readonly string[]): Collection | undefined {
  if (path.length === 0 || path.length > 2 || !isPlainObject(slice) || !Object.hasOwn(slice, path[0]!)) return undefined
  const first = slice[path[0]!]
  if (path.length === 1) return isCollection(first) ? first : undefined
  return isContainer(first) && Object.hasOwn(first, path[1]!) ? first[path[1]!] : undefined
}

/** every name `collection=` takes for a slice, for messages */
export function collectionNames(slice: unknown): string[] {
  if (!isPlainObject(slice)) return []
  const names: string[] = []
  for (const key of Object.keys(slice)) {
    const value = slice[key]
    if (isContainer(value) && Object.keys(value).length > 0) names.push(...Object.keys(value).map((inner) => `${key}.${inner}`))
    else if (isCollection(value)) names.push(key)
  }
  return names
}

const encode = (name: string, at: Position) => Buffer.from(JSON.stringify({ c: name, ...at })).toString('base64url')

/** the position a cursor of collection `name` holds, or undefined when it is not one */
export function decodeCursor(cursor: string, name: string): Position | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (!isPlainObject(parsed) || parsed.c !== name) return undefined
  if (typeof parsed.k === 'string') return { k: parsed.k }
  if (typeof parsed.i === 'number' && Number.isInteger(parsed.i) && parsed.i >= 0) return { i: parsed.i }
  return undefined
}

/** a collection's keys, sorted, reused by the pages after a first one for a few seconds (enumerating 200,000 keys costs V8 about 150 ms) */
const SNAPSHOT_MS = 5000
const snapshots = new WeakMap<object, { keys: string[]; at: number }>()

function sortedKeys(c: Record<string, unknown>, fresh: boolean, known?: string[]): string[] {
  const now = performance.now()
  const cached = snapshots.get(c)
  if (!fresh && cached && now - cached.at < SNAPSHOT_MS) return cached.keys
  // the default sort compares UTF-16 code units, as `<` does
  const keys = (known ?? Object.keys(c)).sort()
  snapshots.set(c, { keys, at: now })
  return keys
}

/** the index of the first key after `after` */
function firstAfter(keys: string[], after: string): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (keys[mid]! <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * One page of a collection. Objects page in key order (not insertion order): a first page reads the keys afresh, and
 * the pages after it reuse that sorted copy for a few seconds. A record that exists for the whole walk is answered
 * exactly once, one added meanwhile may or may not be, one removed is not. Arrays page by position. `known`: the
 * object's keys, when the caller has them already.
 */
export function pageOf(collection: Collection, name: string, limit: number, at?: Position, known?: string[]): Page {
  if (Array.isArray(collection)) {
    const start = at && 'i' in at ? at.i : 0
    const end = start + limit
    return { data: collection.slice(start, end), total: collection.length, nextCursor: end < collection.length ? encode(name, { i: end }) : null }
  }
  const keys = sortedKeys(collection, at === undefined, known)
  const data: Record<string, unknown> = {}
  let count = 0
  let last: string | undefined
  let i = at && 'k' in at ? firstAfter(keys, at.k) : 0
  for (; i < keys.length && count < limit; i++) {
    const key = keys[i]!
    if (!Object.hasOwn(collection, key)) continue
    data[key] = collection[key]
    last = key
    count++
  }
  let more = false
  for (; i < keys.length && !more; i++) more = Object.hasOwn(collection, keys[i]!)
  return { data, total: keys.length, nextCursor: more && last !== undefined ? encode(name, { k: last }) : null }
}

export interface Truncated {
  provider: string
  collection: string
  total: number
  shown: number
  cursor: string
}

/**
 * A slice as the whole-state answer shows it: a collection over PAGE_THRESHOLD records (of the slice, or of one of
 * its containers) is replaced by its first page and listed in `truncated`. Copies only what it replaces.
 */
export function boundedSlice(slice: unknown, provider: string, truncated: Truncated[]): unknown {
  if (!isPlainObject(slice)) return slice
  let out: Record<string, unknown> | undefined
  /** the first page of `c` when it is over the threshold */
  const shortened = (c: Collection, path: string[]): Collection | undefined => {
    const keys = Array.isArray(c) ? undefined : Object.keys(c)
    if ((keys ?? (c as unknown[])).length <= PAGE_THRESHOLD) return undefined
    const name = path.join('.')
    const page = pageOf(c, `${provider}.${name}`, PAGE_THRESHOLD, undefined, keys)
    const shown = Array.isArray(page.data) ? page.data.length : Object.keys(page.data).length
    truncated.push({ provider, collection: name, total: page.total, shown, cursor: page.nextCursor! })
    return page.data
  }
  for (const key of Object.keys(slice)) {
    const value = slice[key]
    if (!isCollection(value)) continue
    const page = shortened(value, [key])
    if (page) {
      out ??= { ...slice }
      out[key] = page
      continue
    }
    if (!isContainer(value)) continue
    let inner: Record<string, unknown> | undefined
    for (const innerKey of Object.keys(value)) {
      const innerPage = shortened(value[innerKey]!, [key, innerKey])
      if (!innerPage) continue
      inner ??= { ...value }
      inner[innerKey] = innerPage
    }
    if (inner) {
      out ??= { ...slice }
      out[key] = inner
    }
  }
  return out ?? slice
}
