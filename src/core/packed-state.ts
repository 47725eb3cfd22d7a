import { deserialize, serialize } from 'node:v8'
import { createStringSharer } from './intern.js'

// A state kept as bytes, off the JS heap (the garbage collector never marks them), in parts: the record maps
// (state → slice → map) are split into chunks, so a copy can be read back a part at a time, between requests.

/** entries of a record map per part: reading one back takes a few milliseconds */
const ENTRIES_PER_PART = 1000
/** objects above this depth are split by key (the state, then each slice) */
const SPLIT_DEPTH = 2

type Path = string[]
export type PackedState = Array<{ path: Path; kind: 'object' } | { path: Path; kind: 'value' | 'entries'; bytes: Buffer }>

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

export function packState(state: object): PackedState {
  const parts: PackedState = []
  const visit = (value: unknown, path: Path) => {
    if (isPlainObject(value)) {
      const keys = Object.keys(value)
      if (path.length < SPLIT_DEPTH) {
        parts.push({ path, kind: 'object' })
        for (const k of keys) visit(value[k], [...path, k])
        return
      }
      if (keys.length > ENTRIES_PER_PART) {
        parts.push({ path, kind: 'object' })
        for (let i = 0; i < keys.length; i += ENTRIES_PER_PART) {
          parts.push({ path, kind: 'entries', bytes: serialize(keys.slice(i, i + ENTRIES_PER_PART).map((k) => [k, value[k]])) })
        }
        return
      }
    }
    parts.push({ path, kind: 'value', bytes: serialize(value) })
  }
  visit(state, [])
  return parts
}

/** `obj[key] = value`, as an own property even for `__proto__` */
function put(obj: Record<string, unknown>, key: string, value: unknown) {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  else obj[key] = value
}

export interface Unpacking<T> {
  /** reads parts for about `budgetMs` (Infinity: all that is left); true once the copy is whole */
  step(budgetMs: number): boolean
  /** the copy, once `step` answered true */
  result(): T
}

/** a fresh copy of a packed state, its repeated strings shared (as the store does with a parsed state) */
export function unpackState<T>(parts: PackedState): Unpacking<T> {
  let root: unknown
  let next = 0
  const share = createStringSharer()
  const at = (path: Path) => path.reduce((o, k) => o[k] as Record<string, unknown>, root as Record<string, unknown>)
  const place = (path: Path, value: unknown) => {
    if (path.length === 0) root = value
    else put(at(path.slice(0, -1)), path[path.length - 1]!, value)
  }
  return {
    step(budgetMs) {
      const start = performance.now()
      while (next < parts.length) {
        const part = parts[next++]!
        if (part.kind === 'object') place(part.path, {})
        else {
          const value: unknown = deserialize(part.bytes)
          share(value)
          if (part.kind === 'value') place(part.path, value)
          else {
            const target = at(part.path)
            for (const [k, v] of value as Array<[string, unknown]>) put(target, k, v)
          }
        }
        if (performance.now() - start > budgetMs) break
      }
      return next >= parts.length
    },
    result() {
      if (next < parts.length) throw new Error('the copy is not whole yet')
      return root as T
    },
  }
}
