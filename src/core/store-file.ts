import { existsSync } from 'node:fs'
import { appendFile, readFile, rename, stat, writeFile } from 'node:fs/promises'
import type { Adapter } from 'lowdb'
import { applyChanges, type Change, type ChangeSet } from './store-track.js'

// DATA_FILE on disk: the file holds the whole state as of the last compaction, `<file>.log` the
// changes since, one JSON line per batch of concurrent updates. Appending keeps a write's cost
// proportional to what changed; compaction (when the log outgrows the base) keeps boot fast.

export const logPathOf = (file: string) => `${file}.log`

// compaction rewrites the base, so it waits until the log is twice the base: its cost per logged byte stays constant
const MIN_COMPACT_BYTES = 32 * 1024 * 1024
const COMPACT_RATIO = 2

/** Reads the state a data file and its log hold, or null when there is none. */
export async function readDataFile<T>(file: string): Promise<T | null> {
  const base = existsSync(file) ? await readFile(file, 'utf8') : ''
  const log = existsSync(logPathOf(file)) ? await readFile(logPathOf(file), 'utf8') : ''
  if (!base.trim() && !log.trim()) return null
  const state = (base.trim() ? JSON.parse(base) : {}) as Record<string, unknown>
  const lines = log.split('\n')
  lines.forEach((line, i) => {
    if (!line.trim()) return
    let batch: Change[]
    try {
      batch = JSON.parse(line) as Change[]
    } catch (err) {
      // a kill during an append can leave the last line torn; that batch was never acknowledged
      if (lines.slice(i + 1).every((l) => !l.trim())) return
      throw new Error(`${logPathOf(file)}: line ${i + 1} is not valid JSON (${(err as Error).message})`)
    }
    applyChanges(state, batch)
  })
  return Object.keys(state).length > 0 ? (state as T) : null
}

/** A lowdb adapter over the data file and its log: each write appends what changed since the last one. */
export class AppendLogAdapter<T> implements Adapter<T> {
  private logBytes = 0
  private baseBytes = 0
  private compactNext = false

  constructor(
    readonly file: string,
    private readonly changes: ChangeSet,
  ) {}

  async read(): Promise<T | null> {
    const state = await readDataFile<T>(this.file)
    this.baseBytes = existsSync(this.file) ? (await stat(this.file)).size : 0
    this.logBytes = existsSync(logPathOf(this.file)) ? (await stat(logPathOf(this.file))).size : 0
    return state
  }

  /** the next write rewrites the whole file (a replaced state has no meaningful diff) */
  compactOnNextWrite(): void {
    this.compactNext = true
  }

  async write(data: T): Promise<void> {
    // serialise synchronously: updates made while this write is in flight belong to the next one
    const changes = this.changes.take(data)
    if (this.compactNext || this.logBytes > Math.max(MIN_COMPACT_BYTES, COMPACT_RATIO * this.baseBytes)) {
      this.compactNext = false
      return this.compact(JSON.stringify(data))
    }
    if (changes.length === 0) return
    const line = `${JSON.stringify(changes)}\n`
    try {
      // opened per write: a store that is never closed leaves no file handle behind
      await appendFile(logPathOf(this.file), line)
    } catch (err) {
      // these changes are gone from the change set: only a whole rewrite can bring the file back in line
      this.compactNext = true
      throw err
    }
    this.logBytes += Buffer.byteLength(line)
  }

  private async compact(text: string): Promise<void> {
    const tmp = `${this.file}.tmp`
    await writeFile(tmp, text)
    await rename(tmp, this.file)
    // the base now holds everything the log did; a crash before this truncate only replays it again
    await writeFile(logPathOf(this.file), '')
    this.baseBytes = Buffer.byteLength(text)
    this.logBytes = 0
  }
}
