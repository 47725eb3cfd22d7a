import { Low, Memory, type Adapter } from 'lowdb'
import { shareStrings } from './intern.js'
import { AppendLogAdapter } from './store-file.js'
import { ChangeSet, trackedView } from './store-track.js'

// The whole sandbox state in one lowdb document. Mutations are synchronous functions, so one
// update is atomic with respect to every other request; writes of concurrent updates are batched,
// and with a data file each write appends only the paths the batch changed (see store-file.ts).

export interface UpdateOptions {
  /**
   * false: resolve without waiting for the disk. For changes whose loss in a crash is harmless
   * because a later durable update of the same request carries them (writes are ordered).
   */
  durable?: boolean
}

export interface Store<T> {
  readonly data: T
  /**
   * Runs `fn` on the state and resolves once the change is persisted.
   * `fn` must check everything before it mutates anything: a throw must leave no half-written state.
   */
  update<R>(fn: (data: T) => R, options?: UpdateOptions): Promise<R>
  /** replaces the whole state (reset, snapshot restore) */
  replace(next: T): Promise<void>
  flush(): Promise<void>
  /** flushes, compacts a data file into one self-contained file and releases it */
  close(): Promise<void>
  readonly persistent: boolean
}

export interface Restored {
  /** the data file held a state */
  restored: boolean
  /** the end of the log that could not be applied and was dropped (see store-file.ts) */
  dropped: { bytes: number; line: number; reason: string; afterSeq: number } | null
}

export async function createStore<T extends object>(initial: () => T, file?: string, options: { acceptLoss?: boolean } = {}): Promise<{ store: Store<T> } & Restored> {
  // only a data file needs to know what changed; the memory store runs updates on the plain state
  const changes = file ? new ChangeSet() : undefined
  const fileAdapter = file && changes ? new AppendLogAdapter<T>(file, changes, { shape: initial() as Record<string, unknown>, acceptLoss: options.acceptLoss }) : undefined
  const adapter: Adapter<T> = fileAdapter ?? new Memory<T>()
  const db = new Low<T>(adapter, initial())
  // lowdb keeps its default data when the file is missing: ask the adapter what is really on disk
  const onDisk = await adapter.read()
  const restored = onDisk !== null && typeof onDisk === 'object' && Object.keys(onDisk).length > 0
  if (restored) shareStrings(onDisk)
  db.data = restored ? onDisk : initial()

  let writing: Promise<void> | undefined
  let queued: Promise<void> | undefined
  const write = (): Promise<void> => {
    writing = db.write().finally(() => {
      writing = undefined
    })
    return writing
  }
  // one write in flight at a time; every change made meanwhile rides on the next single write
  const persist = (): Promise<void> => {
    if (!file) return Promise.resolve()
    if (queued) return queued
    if (!writing) return write()
    queued = writing.then(
      () => {
        queued = undefined
        return write()
      },
      () => {
        queued = undefined
        return write()
      },
    )
    return queued
  }

  const store: Store<T> = {
    get data() {
      return db.data
    },
    async update(fn, options) {
      if (!changes) return fn(db.data)
      const { view, unwrap } = trackedView(db.data, changes)
      const result = unwrap(fn(view))
      if (options?.durable === false) {
        // a failed write is reported to the next durable update, whose write retries it whole
        if (changes.size > 0) persist().catch(() => undefined)
        return result
      }
      // nothing changed: still wait for pending writes, the result may rest on them
      if (changes.size > 0) await persist()
      else await (queued ?? writing)
      return result
    },
    async replace(next) {
      // a restored snapshot was just parsed: one copy of each repeated string
      shareStrings(next)
      db.data = next
      fileAdapter?.compactOnNextWrite()
      await persist()
    },
    async flush() {
      await (queued ?? writing)
    },
    async close() {
      await (queued ?? writing)
      // leave one self-contained file behind after a clean stop
      if (fileAdapter) {
        fileAdapter.compactOnNextWrite()
        await write()
      }
    },
    persistent: Boolean(file),
  }
  const dropped = fileAdapter?.dropped ? { ...fileAdapter.dropped, afterSeq: fileAdapter.lastSeq } : null
  return { store, restored, dropped }
}
