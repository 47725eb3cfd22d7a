import { Low, Memory, type Adapter } from 'lowdb'
import { shareStrings } from './intern.js'
import { AppendLogAdapter } from './store-file.js'
import { asStorageError } from './storage-error.js'
import { ChangeSet, trackedView, UndoLog } from './store-track.js'

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

export interface StoreOptions {
  /** DATA_FILE_ACCEPT_LOSS (see store-file.ts) */
  acceptLoss?: boolean
  /** the data file refused a write after working (called once per outage), and works again */
  onWriteFailure?: (err: unknown) => void
  onWriteRecovered?: () => void
}

/** an update or replace not yet on disk: how to take it back, and how to tell its caller */
interface Unsaved {
  undo: () => void
  done: Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

function unsavedEntry(undo: () => void): Unsaved {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const done = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // a caller that does not wait (durable: false) must not leave an unhandled rejection behind
  done.catch(() => undefined)
  return { undo, done, resolve, reject }
}

export async function createStore<T extends object>(initial: () => T, file?: string, options: StoreOptions = {}): Promise<{ store: Store<T> } & Restored> {
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

  // changes applied in memory whose write has not succeeded yet, oldest first
  let unsaved: Unsaved[] = []
  let failing = false
  /**
   * The disk refused a write: every change not yet on disk is taken back, newest first (later ones may rest
   * on earlier ones), so memory again equals the file, and each caller gets the error instead of a success.
   */
  const rollbackAll = (err: unknown) => {
    const all = unsaved
    unsaved = []
    for (let i = all.length - 1; i >= 0; i--) all[i]!.undo()
    changes?.clear()
    const error = asStorageError(err)
    for (const entry of all) entry.reject(error)
    if (!failing) options.onWriteFailure?.(error)
    failing = true
  }

  let writing: Promise<void> | undefined
  let queued: Promise<void> | undefined
  const write = (): Promise<void> => {
    // the write takes every change made so far (synchronously, see AppendLogAdapter.write)
    const covered = unsaved.length
    writing = db
      .write()
      .then(
        () => {
          for (const entry of unsaved.splice(0, covered)) entry.resolve()
          if (failing) options.onWriteRecovered?.()
          failing = false
        },
        (err: unknown) => {
          rollbackAll(err)
          throw asStorageError(err)
        },
      )
      .finally(() => {
        writing = undefined
      })
    return writing
  }
  // one write in flight at a time; every change made meanwhile rides on the next single write
  const persist = (): Promise<void> => {
    if (!file) return Promise.resolve()
    if (queued) return queued
    if (!writing) return write()
    const next = () => {
      queued = undefined
      return write()
    }
    queued = writing.then(next, next)
    return queued
  }
  /** records a change made in memory and starts its write; resolves once it is on disk */
  const track = (undo: () => void): Promise<void> => {
    const entry = unsavedEntry(undo)
    unsaved.push(entry)
    persist().catch(() => undefined)
    return entry.done
  }

  const store: Store<T> = {
    get data() {
      return db.data
    },
    async update(fn, options) {
      if (!changes) return fn(db.data)
      const undo = new UndoLog()
      const { view, unwrap } = trackedView(db.data, changes, undo)
      let result: ReturnType<typeof fn>
      try {
        result = unwrap(fn(view))
      } catch (err) {
        // whatever the update wrote before it threw is taken back: no half-written state
        undo.rollback()
        throw err
      }
      if (undo.empty) {
        // nothing changed: the result may still rest on changes not yet on disk
        await unsaved.at(-1)?.done
        return result
      }
      const done = track(() => undo.rollback())
      // durable: false does not wait; should its write fail, the change is taken back all the same
      if (options?.durable !== false) await done
      return result
    },
    async replace(next) {
      // a restored snapshot was just parsed: one copy of each repeated string
      shareStrings(next)
      const previous = db.data
      db.data = next
      if (!fileAdapter) return
      fileAdapter.compactOnNextWrite()
      await track(() => {
        db.data = previous
      })
    },
    async flush() {
      await (queued ?? writing)?.catch(() => undefined)
    },
    async close() {
      await (queued ?? writing)?.catch(() => undefined)
      // leave one self-contained file behind after a clean stop (if the disk refuses, the log still holds everything written)
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
