// A state read back from JSON (a snapshot restore, a data file at boot) holds a fresh copy of every string:
// each organization id, account id, currency and status once per record that names it. Built by the
// handlers, records share those strings. Sharing them again after a parse brings 100k restored transfers
// from ~285 MB of heap to ~180 MB, for about a second of work.

/** strings longer than this are mostly unique (bodies, texts): not worth a map entry */
const MAX_INTERNED_LENGTH = 64
const MAX_DEPTH = 64

const alreadyShared = new WeakSet<object>()

/** `root` holds only strings shared already (a prepared copy): shareStrings(root) has nothing to do */
export function markShared(root: object): void {
  alreadyShared.add(root)
}

/** replaces, in place, every short string value of `root` by the first equal one met */
export function shareStrings(root: unknown): void {
  if (root !== null && typeof root === 'object' && alreadyShared.has(root)) return
  createStringSharer()(root)
}

/** shareStrings for a state read a part at a time: one map across the calls, so the parts share with each other */
export function createStringSharer(): (root: unknown) => void {
  const seen = new Map<string, string>()
  // the first equal string met, or undefined when `v` is that first one (or too long to share)
  const earlier = (v: string): string | undefined => {
    if (v.length > MAX_INTERNED_LENGTH) return undefined
    const first = seen.get(v)
    if (first === undefined) seen.set(v, v)
    return first
  }
  const walk = (node: object, depth: number): void => {
    if (depth > MAX_DEPTH) return
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i]
        if (typeof v === 'string') {
          const first = earlier(v)
          if (first !== undefined) node[i] = first
        } else if (v !== null && typeof v === 'object') walk(v, depth + 1)
      }
      return
    }
    const record = node as Record<string, unknown>
    for (const k in record) {
      const v = record[k]
      if (typeof v === 'string') {
        // equal strings compare equal: only the map knows whether this one is a copy
        const first = earlier(v)
        if (first !== undefined) record[k] = first
      } else if (v !== null && typeof v === 'object') walk(v, depth + 1)
    }
  }
  return (root) => {
    if (root !== null && typeof root === 'object') walk(root, 0)
  }
}
