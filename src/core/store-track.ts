// Change tracking for the state document: an update runs on a proxy view that records the path of
// every property it sets or deletes, so persistence can append just those paths instead of
// rewriting the whole document.

export type Path = string[]

/** A change as written to the log: `[path, value]` sets, `[path]` deletes. */
export type Change = [Path] | [Path, unknown]

// an array with more rewritten elements than this is logged whole (a splice at its front shifts them
// all); appends never count, so pushes onto a long id list stay one entry each
const ARRAY_PROMOTE = 16

const isTrackable = (v: unknown): v is object => typeof v === 'object' && v !== null && (Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

/** The paths changed since the last `take()`. */
export class ChangeSet {
  private paths = new Map<string, Path>()
  private arrayHits = new Map<object, { length: number; rewrites: number }>()

  get size(): number {
    return this.paths.size
  }

  mark(path: Path, parent: object): void {
    if (Array.isArray(parent) && path.length > 0) {
      let hits = this.arrayHits.get(parent)
      if (!hits) {
        hits = { length: parent.length, rewrites: 0 }
        this.arrayHits.set(parent, hits)
      }
      const index = Number(path[path.length - 1])
      if (Number.isInteger(index) && index < hits.length) hits.rewrites++
      if (hits.rewrites > ARRAY_PROMOTE) path = path.slice(0, -1)
    }
    this.paths.set(JSON.stringify(path), path)
  }

  /** every marked path (an ancestor covers its descendants) with its current value in `root` */
  /** forgets every marked path (the state was rolled back to what the disk holds) */
  clear(): void {
    this.paths = new Map()
    this.arrayHits = new Map()
  }

  take(root: unknown): Change[] {
    const changes: Change[] = []
    for (const [, path] of this.paths) {
      if (this.hasMarkedAncestor(path)) continue
      const { found, value } = resolve(root, path)
      changes.push(found ? [path, value] : [path])
    }
    this.paths = new Map()
    this.arrayHits = new Map()
    return changes
  }

  private hasMarkedAncestor(path: Path): boolean {
    for (let n = 0; n < path.length; n++) if (this.paths.has(JSON.stringify(path.slice(0, n)))) return true
    return false
  }
}

function resolve(root: unknown, path: Path): { found: boolean; value: unknown } {
  let node: unknown = root
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return { found: false, value: undefined }
    node = (node as Record<string, unknown>)[key]
  }
  return { found: true, value: node }
}

/** Applies logged changes to a document (the log replay at boot). */
export function applyChanges(root: Record<string, unknown>, changes: Iterable<Change>): void {
  // own properties only, defined rather than assigned: a stored `__proto__` key must stay plain data
  const own = (node: Record<string, unknown>, key: string) => (Object.hasOwn(node, key) ? node[key] : undefined)
  const define = (node: Record<string, unknown>, key: string, value: unknown) =>
    Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true })
  for (const change of changes) {
    const path = change[0]
    if (path.length === 0) continue
    let node: Record<string, unknown> | undefined = root
    for (const key of path.slice(0, -1)) {
      let next = own(node, key)
      if (typeof next !== 'object' || next === null) {
        if (change.length === 1) {
          node = undefined // deleting under a missing parent: nothing to do
          break
        }
        next = {}
        define(node, key, next)
      }
      node = next as Record<string, unknown>
    }
    if (!node) continue
    const key = path[path.length - 1]!
    if (change.length === 1) delete node[key]
    else if (Array.isArray(node) && key === 'length') node.length = change[1] as number
    else define(node, key, change[1])
  }
}

/** How to take back one update's writes: each write's previous value, undone newest first. */
export class UndoLog {
  private entries: Array<{ target: object; key: string; had: boolean; value: unknown }> = []

  get empty(): boolean {
    return this.entries.length === 0
  }

  record(target: object, key: string): void {
    // writing past an array's end grows its length without a write of its own: keep the old length too
    if (Array.isArray(target) && key !== 'length' && Number(key) >= target.length) this.record(target, 'length')
    const had = Object.hasOwn(target, key)
    this.entries.push({ target, key, had, value: had ? (target as Record<string, unknown>)[key] : undefined })
  }

  rollback(): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const { target, key, had, value } = this.entries[i]!
      // defined, not assigned, only where assigning would not make a plain key (`__proto__`); an array's length is assigned
      if (had && key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
      else if (had) (target as Record<string, unknown>)[key] = value
      else delete (target as Record<string, unknown>)[key]
    }
    this.entries = []
  }
}

/**
 * A view of `root` whose writes are recorded in `changes` (and in `undo`, so a write the disk refuses can
 * be taken back). One view per update: its proxies are cached by target so identity checks inside the
 * update still hold.
 */
export function trackedView<T extends object>(root: T, changes: ChangeSet, undo?: UndoLog): { view: T; unwrap: <V>(v: V) => V } {
  const proxies = new WeakMap<object, object>()
  const targets = new WeakMap<object, object>()

  // values stored into the state must be plain data, never this update's proxies
  const unwrap = <V>(value: V): V => {
    if (typeof value !== 'object' || value === null) return value
    const target = targets.get(value)
    if (target) return target as V
    if (!isTrackable(value)) return value
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const v = record[key]
      if (typeof v === 'object' && v !== null) {
        const u = unwrap(v)
        if (u !== v) record[key] = u
      }
    }
    return value
  }

  const wrap = (target: object, path: Path): object => {
    const cached = proxies.get(target)
    if (cached) return cached
    const proxy = new Proxy(target, {
      get(t, key, receiver) {
        const value = Reflect.get(t, key, receiver)
        if (typeof key !== 'string' || !isTrackable(value) || !Object.hasOwn(t, key)) return value
        return wrap(value, [...path, key])
      },
      set(t, key, value) {
        if (typeof key === 'string') {
          undo?.record(t, key)
          changes.mark([...path, key], t)
        }
        return Reflect.set(t, key, unwrap(value))
      },
      deleteProperty(t, key) {
        if (typeof key === 'string') {
          undo?.record(t, key)
          changes.mark([...path, key], t)
        }
        return Reflect.deleteProperty(t, key)
      },
      defineProperty(t, key, descriptor) {
        if (typeof key === 'string') {
          undo?.record(t, key)
          changes.mark([...path, key], t)
        }
        return Reflect.defineProperty(t, key, 'value' in descriptor ? { ...descriptor, value: unwrap(descriptor.value) } : descriptor)
      },
    })
    proxies.set(target, proxy)
    targets.set(proxy, target)
    return proxy
  }

  return { view: wrap(root, []) as T, unwrap }
}
