import { closeSync, existsSync, openSync, writeSync } from 'node:fs'
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
  return (await readWithTail<T>(file)).state
}

/** the state, and whether the log ends in a torn line (a kill mid-append) */
async function readWithTail<T>(file: string): Promise<{ state: T | null; torn: boolean }> {
  const base = existsSync(file) ? await readFile(file, 'utf8') : ''
  const log = existsSync(logPathOf(file)) ? await readFile(logPathOf(file), 'utf8') : ''
  if (!base.trim() && !log.trim()) return { state: null, torn: false }
  const state = (base.trim() ? JSON.parse(base) : {}) as Record<string, unknown>
  const lines = log.split('\n')
  let torn = false
  lines.forEach((line, i) => {
    if (!line.trim()) return
    let batch: Change[]
    try {
      batch = JSON.parse(line) as Change[]
    } catch (err) {
      // a kill during an append can leave the last line torn; that batch was never acknowledged
      if (lines.slice(i + 1).every((l) => !l.trim())) {
        torn = true
        return
      }
      throw new Error(`${logPathOf(file)}: line ${i + 1} is not valid JSON (${(err as Error).message})`)
    }
    applyChanges(state, batch)
  })
  return { state: Object.keys(state).length > 0 ? (state as T) : null, torn }
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
    const { state, torn } = await readWithTail<T>(this.file)
    // appending after a torn line would glue the next batch to it: start from a clean file instead
    if (torn) this.compactNext = true
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
      try {
        await this.compact(data)
      } catch (err) {
        // the changes just taken are only in the state now: the next write must rewrite it whole
        this.compactNext = true
        throw err
      }
      return
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

  private async compact(data: T): Promise<void> {
    const tmp = `${this.file}.tmp`
    // written now, synchronously and in pieces: the file is one consistent moment of the state, and
    // no single string of the whole state is ever built (100k transfers are ~250 MB of JSON)
    const bytes = writeJsonSync(tmp, data)
    await rename(tmp, this.file)
    // the base now holds everything the log did; a crash before this truncate only replays it again
    await writeFile(logPathOf(this.file), '')
    this.baseBytes = bytes
    this.logBytes = 0
  }
}

const CHUNK = 1 << 20

/** JSON.stringify(value) into a file, serialising the top levels key by key so memory stays small */
export function writeJsonSync(file: string, value: unknown, depth = 3): number {
  const fd = openSync(file, 'w')
  let pending: string[] = []
  let pendingLength = 0
  let written = 0
  const flush = () => {
    const buf = Buffer.from(pending.join(''))
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off)
    written += buf.length
    pending = []
    pendingLength = 0
  }
  const emit = (text: string) => {
    pending.push(text)
    pendingLength += text.length
    if (pendingLength >= CHUNK) flush()
  }
  const walk = (v: unknown, level: number) => {
    if (level >= depth || v === null || typeof v !== 'object' || Array.isArray(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      emit(JSON.stringify(v) ?? 'null')
      return
    }
    emit('{')
    let first = true
    for (const [k, item] of Object.entries(v)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
      emit(`${first ? '' : ','}${JSON.stringify(k)}:`)
      first = false
      walk(item, level + 1)
    }
    emit('}')
  }
  try {
    walk(value, 0)
    flush()
  } finally {
    closeSync(fd)
  }
  return written
}
