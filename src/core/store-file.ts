import { closeSync, createReadStream, existsSync, openSync, readSync, writeSync } from 'node:fs'
import { appendFile, mkdir, open, readFile, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve as resolvePath } from 'node:path'
import { crc32 } from 'node:zlib'
import type { Adapter } from 'lowdb'
import { applyChanges, type Change, type ChangeSet } from './store-track.js'

// DATA_FILE on disk: the file holds the whole state as of the last compaction, `<file>.log` the
// changes since, one line per batch of concurrent updates (`<seq> <crc32> <json>`). Appending keeps a
// write's cost proportional to what changed; compaction keeps the log bounded and boot fast. Both are
// read as streams of lines, so no string of a whole file is ever built.

export const logPathOf = (file: string) => `${file}.log`

/** the base file's first line names the format: a file without it is never read as state, nor overwritten */
const FORMAT = 'fintoc-monato-mock'
const VERSION = 2
const HEADER = /^\{"format":"fintoc-monato-mock","version":(\d+),"seq":(\d+),"state":\{$/

// compaction rewrites the base: it waits until the log is twice the base (its cost per logged byte stays
// constant), and never lets the log pass 256 MB (boot replays the log)
const MIN_COMPACT_BYTES = 32 * 1024 * 1024
const MAX_LOG_BYTES = 256 * 1024 * 1024
const COMPACT_RATIO = 2

/** a data file that cannot be used; the message is one line naming DATA_FILE and the path */
export class DataFileError extends Error {}

const fail = (path: string, what: string): never => {
  throw new DataFileError(`DATA_FILE ${path}: ${what}`)
}

export interface ReadOptions {
  /** the keys and kinds a legacy (version 1) file must have to be taken for this sandbox's state */
  shape?: Record<string, unknown>
  /** DATA_FILE_ACCEPT_LOSS: a corrupt log line drops it and every line after it, with a warning */
  acceptLoss?: boolean
}

export interface ReadResult<T> {
  state: T | null
  /** the last batch applied */
  seq: number
  /** the log ended in bytes that were dropped (a kill mid-append, a cut copy, or an accepted loss) */
  dropped: { bytes: number; line: number; reason: string } | null
  /** the file must be rewritten whole before the next append (a dropped tail, an old format) */
  rewrite: boolean
}

/** Reads the state a data file and its log hold, or null when there is none. */
export async function readDataFile<T>(file: string, options: ReadOptions = {}): Promise<T | null> {
  return (await readData<T>(file, options)).state
}

interface Line {
  text: string
  no: number
  offset: number
  terminated: boolean
}

/** the lines of a file as a stream: each with its number and byte offset, and whether a newline ended it */
async function* lines(path: string): AsyncGenerator<Line> {
  let parts: Buffer[] = []
  let no = 0
  let offset = 0
  let lineStart = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let from = 0
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      parts.push(chunk.subarray(from, nl))
      const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      yield { text: buf.toString('utf8'), no: ++no, offset: lineStart, terminated: true }
      offset += nl - from + 1
      lineStart = offset
      parts = []
      from = nl + 1
    }
    if (from < chunk.length) {
      parts.push(chunk.subarray(from))
      offset += chunk.length - from
    }
  }
  if (parts.length > 0) yield { text: Buffer.concat(parts).toString('utf8'), no: ++no, offset: lineStart, terminated: false }
}

function firstBytes(path: string, n: number): string {
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(n)
    return buf.subarray(0, readSync(fd, buf, 0, n, 0)).toString('utf8')
  } finally {
    closeSync(fd)
  }
}

const describeJson = (v: unknown) => (Array.isArray(v) ? 'a JSON array' : v === null ? 'null' : typeof v === 'object' ? `an object with keys ${Object.keys(v as object).slice(0, 5).join(', ') || '(none)'}` : `a JSON ${typeof v}`)

/** the base file: the version 2 layout streamed line by line, a version 1 file (one JSON document) whole */
async function readBase(file: string, shape: Record<string, unknown> | undefined): Promise<{ state: Record<string, unknown> | null; seq: number; legacy: boolean }> {
  if (!existsSync(file) || (await stat(file)).size === 0) return { state: null, seq: 0, legacy: false }
  const head = firstBytes(file, 256)
  if (!head.startsWith(`{"format":"${FORMAT}"`)) return { state: readLegacy(file, await readFile(file, 'utf8'), shape), seq: 0, legacy: true }
  const state: Record<string, unknown> = {}
  const path: string[] = []
  let seq = 0
  let closed = false
  for await (const line of lines(file)) {
    const where = `line ${line.no} (byte ${line.offset})`
    if (line.no === 1) {
      const m = HEADER.exec(line.text)
      if (!m) fail(file, `${where}: not a valid header`)
      if (Number(m![1]) > VERSION) fail(file, `written by a newer version (format ${m![1]}; this one reads up to ${VERSION})`)
      seq = Number(m![2])
      continue
    }
    if (closed) {
      if (line.text === '') continue
      fail(file, `${where}: data after the end of the state`)
    }
    const text = line.text.endsWith(',') ? line.text.slice(0, -1) : line.text
    if (text === '}}' && path.length === 0) {
      closed = true
      continue
    }
    if (text === '}') {
      if (path.length === 0) fail(file, `${where}: unbalanced }`)
      path.pop()
      continue
    }
    const key = leadingKey(text)
    if (key === null) fail(file, `${where}: not a key and value`)
    const rest = text.slice(key!.length + 1)
    const name = JSON.parse(key!) as string
    if (rest === '{') {
      path.push(name)
      applyChanges(state, [[[...path], {}]])
      continue
    }
    let value: unknown
    try {
      value = JSON.parse(rest)
    } catch {
      fail(file, `${where}: not valid JSON`)
    }
    applyChanges(state, [[[...path, name], value]])
  }
  if (!closed) fail(file, 'the file ends before the state does (cut short?)')
  return { state, seq, legacy: false }
}

/** `"key":` at the start of a line: the JSON string up to its closing quote */
function leadingKey(text: string): string | null {
  if (text[0] !== '"') return null
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '"') return text[i + 1] === ':' ? text.slice(0, i + 1) : null
  }
  return null
}

function readLegacy(file: string, text: string, shape: Record<string, unknown> | undefined): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return fail(file, 'not a data file of this sandbox (not JSON, and no format header); refusing to read or overwrite it')
  }
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
  // a version 1 file has every top-level part of the state, each of the same kind
  const ours = isObject(value) && Object.keys(value as object).length > 0 && (!shape || Object.entries(shape).every(([k, v]) => k in (value as object) && isObject(v) === isObject((value as Record<string, unknown>)[k])))
  if (!ours) fail(file, `not a data file of this sandbox (it holds ${describeJson(value)}); refusing to read or overwrite it`)
  return value as Record<string, unknown>
}

async function readData<T>(file: string, options: ReadOptions): Promise<ReadResult<T>> {
  const base = await readBase(file, options.shape)
  const logPath = logPathOf(file)
  const state = base.state ?? {}
  let seq = base.seq
  let dropped: ReadResult<T>['dropped'] = null
  let bad: { line: Line; reason: string } | null = null
  if (existsSync(logPath)) {
    for await (const line of lines(logPath)) {
      if (bad) {
        // anything after a bad line: the bad line was not a torn tail
        if (line.text.trim() === '') continue
        if (!options.acceptLoss) {
          fail(logPath, `line ${bad.line.no} (byte ${bad.line.offset}) ${bad.reason}, and line ${line.no} follows it: the file was damaged, not cut by a crash. Start with DATA_FILE_ACCEPT_LOSS=true to drop it and everything after it`)
        }
        break
      }
      if (line.text === '' && line.terminated) continue
      const parsed = parseLogLine(line, seq, base.legacy)
      if ('reason' in parsed) {
        bad = { line, reason: parsed.reason }
        continue
      }
      if (parsed.seq !== null && parsed.seq <= seq) continue // already in the base (a crash between compaction's rename and truncate)
      applyChanges(state, parsed.changes)
      if (parsed.seq !== null) seq = parsed.seq
    }
  }
  if (bad) {
    const size = (await stat(logPath)).size
    dropped = { bytes: size - bad.line.offset, line: bad.line.no, reason: bad.reason }
  }
  const empty = base.state === null && Object.keys(state).length === 0
  return { state: empty ? null : (state as T), seq, dropped, rewrite: dropped !== null || base.legacy }
}

function parseLogLine(line: Line, seq: number, legacyBase: boolean): { seq: number | null; changes: Change[] } | { reason: string } {
  if (!line.terminated) return { reason: 'ends without a newline' }
  // version 1 lines are a bare JSON array of changes, without a sequence number
  if (line.text.startsWith('[')) {
    try {
      return { seq: null, changes: JSON.parse(line.text) as Change[] }
    } catch {
      return { reason: 'is not valid JSON' }
    }
  }
  const m = /^(\d+) ([0-9a-f]{8}) /.exec(line.text)
  if (!m) return { reason: 'is not a log line' }
  const json = line.text.slice(m[0].length)
  if (crc32(json).toString(16).padStart(8, '0') !== m[2]) return { reason: 'fails its checksum' }
  const n = Number(m[1])
  // a line after the base's own sequence must follow the last one applied (a version 1 base starts anywhere)
  if (n > seq + 1 && !(legacyBase && seq === 0)) return { reason: `skips from batch ${seq} to ${n}` }
  try {
    return { seq: n, changes: JSON.parse(json) as Change[] }
  } catch {
    return { reason: 'is not valid JSON' }
  }
}

/**
 * Boot refuses a data file it could not write to, in one line, instead of answering 500s (or accepting
 * changes it cannot keep) once requests arrive. A missing folder is created.
 */
export async function checkWritable(file: string): Promise<void> {
  const dir = dirname(resolvePath(file))
  const fix = `make it writable by uid ${process.getuid?.() ?? '?'}, or point DATA_FILE at a folder that is`
  try {
    await mkdir(dir, { recursive: true })
  } catch (err) {
    fail(file, `the folder ${dir} does not exist and could not be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); create it, or point DATA_FILE at a folder that exists`)
  }
  try {
    const probe = join(dir, `.${basename(file)}.probe-${process.pid}`)
    await writeFile(probe, '')
    await unlink(probe)
  } catch (err) {
    fail(file, `the folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ${fix}`)
  }
  for (const path of [file, logPathOf(file)]) {
    if (!existsSync(path)) continue
    try {
      await (await open(path, 'r+')).close()
    } catch (err) {
      fail(path, `the file is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); ${fix}`)
    }
  }
}

/** A lowdb adapter over the data file and its log: each write appends what changed since the last one. */
export class AppendLogAdapter<T> implements Adapter<T> {
  private logBytes = 0
  private baseBytes = 0
  private compactNext = false
  private seq = 0
  /** what the last read dropped, for the boot to say */
  dropped: ReadResult<T>['dropped'] = null

  /** the last batch written or read */
  get lastSeq(): number {
    return this.seq
  }

  constructor(
    readonly file: string,
    private readonly changes: ChangeSet,
    private readonly options: ReadOptions = {},
  ) {}

  async read(): Promise<T | null> {
    await checkWritable(this.file)
    const result = await readData<T>(this.file, this.options)
    this.seq = result.seq
    this.dropped = result.dropped
    // appending after a torn line would glue the next batch to it; an old format is rewritten in the new one
    if (result.rewrite) this.compactNext = true
    this.baseBytes = existsSync(this.file) ? (await stat(this.file)).size : 0
    this.logBytes = existsSync(logPathOf(this.file)) ? (await stat(logPathOf(this.file))).size : 0
    return result.state
  }

  /** the next write rewrites the whole file (a replaced state has no meaningful diff) */
  compactOnNextWrite(): void {
    this.compactNext = true
  }

  async write(data: T): Promise<void> {
    // serialise synchronously: updates made while this write is in flight belong to the next one
    const changes = this.changes.take(data)
    const limit = Math.min(MAX_LOG_BYTES, Math.max(MIN_COMPACT_BYTES, COMPACT_RATIO * this.baseBytes))
    if (this.compactNext || this.logBytes > limit) {
      // a failed compaction leaves the old base and log as they were; the store takes the changes back
      await this.compact(data)
      this.compactNext = false
      return
    }
    if (changes.length === 0) return
    const json = JSON.stringify(changes)
    const line = `${this.seq + 1} ${crc32(json).toString(16).padStart(8, '0')} ${json}\n`
    try {
      // opened per write: a store that is never closed leaves no file handle behind
      await appendFile(logPathOf(this.file), line)
    } catch (err) {
      // a full disk may have taken part of the line: cut it off, or the next line would be glued to it
      await truncate(logPathOf(this.file), this.logBytes).catch((cut: NodeJS.ErrnoException) => {
        if (cut.code !== 'ENOENT') this.compactNext = true
      })
      throw err
    }
    this.seq++
    this.logBytes += Buffer.byteLength(line)
  }

  private async compact(data: T): Promise<void> {
    const tmp = `${this.file}.tmp`
    let bytes: number
    try {
      // written now, synchronously and in pieces: the file is one consistent moment of the state, and
      // no single string of the whole state is ever built (100k transfers are ~250 MB of JSON)
      bytes = writeBaseSync(tmp, data, this.seq)
      await rename(tmp, this.file)
    } catch (err) {
      // a half-written copy must not keep the space a full disk needs to recover
      await unlink(tmp).catch(() => undefined)
      throw err
    }
    this.baseBytes = bytes
    // the base now holds everything up to `seq`; lines up to it are skipped at boot, so a failed truncate costs only bytes
    try {
      await writeFile(logPathOf(this.file), '')
      this.logBytes = 0
    } catch {
      this.logBytes = existsSync(logPathOf(this.file)) ? (await stat(logPathOf(this.file)).catch(() => ({ size: this.logBytes }))).size : 0
    }
  }
}

const CHUNK = 1 << 20
const DEPTH = 3

/**
 * The base file: one JSON document, `{"format","version","seq","state"}`, laid out one entry per line down
 * to the records (state → provider → collection → record), so boot can read it line by line. It is
 * written key by key in 1 MB pieces, so memory stays small.
 */
export function writeBaseSync(file: string, state: unknown, seq: number): number {
  return writeLines(file, (emit) => {
    emit(`{"format":"${FORMAT}","version":${VERSION},"seq":${seq},"state":{\n`)
    const walk = (v: Record<string, unknown>, level: number) => {
      const entries = Object.entries(v).filter(([, item]) => item !== undefined && typeof item !== 'function' && typeof item !== 'symbol')
      entries.forEach(([k, item], i) => {
        const comma = i < entries.length - 1 ? ',' : ''
        const nested = level + 1 < DEPTH && isPlainObject(item)
        if (nested) {
          emit(`${JSON.stringify(k)}:{\n`)
          walk(item as Record<string, unknown>, level + 1)
          emit(`}${comma}\n`)
        } else emit(`${JSON.stringify(k)}:${JSON.stringify(item) ?? 'null'}${comma}\n`)
      })
    }
    walk(state as Record<string, unknown>, 0)
    emit('}}\n')
  })
}

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function'

function writeLines(file: string, body: (emit: (text: string) => void) => void): number {
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
  try {
    body((text) => {
      pending.push(text)
      pendingLength += text.length
      if (pendingLength >= CHUNK) flush()
    })
    flush()
  } finally {
    closeSync(fd)
  }
  return written
}
