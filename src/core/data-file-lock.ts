import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'

// One running sandbox per DATA_FILE: two would append to the same log and each compaction would erase the
// other's changes. `<DATA_FILE>.lock` names the holder; a lock whose holder is gone is taken over.

export class DataFileLockError extends Error {
  override name = 'DataFileLockError'
}

export interface DataFileLock {
  readonly path: string
  /** removes the lock if it is still this process's; safe to call twice and from an exit handler */
  release(): void
}

interface Holder {
  pid: number
  host: string
  startedAt: string
}

export interface LockOptions {
  pid?: number
  host?: string
  /** is `pid` (of this machine) running? */
  alive?: (pid: number) => boolean
  now?: () => number
  /** how often the holder touches the lock: the only sign of life a holder on another machine gives */
  heartbeatMs?: number
  /** a lock from another machine not touched for this long is stale */
  staleMs?: number
}

export const lockPathOf = (file: string) => `${file}.lock`

const HEARTBEAT_MS = 5_000
const STALE_MS = 30_000

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists, under another user
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const readText = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

const parse = (text: string): Holder | null => {
  try {
    const h = JSON.parse(text) as Holder
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : null
  } catch {
    return null
  }
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message

/** Takes `<file>.lock` or throws a DataFileLockError naming the holder; its folder must exist. */
export function acquireDataFileLock(file: string, options: LockOptions = {}): DataFileLock {
  const { pid = process.pid, host = hostname(), alive = running, now = Date.now, heartbeatMs = HEARTBEAT_MS, staleMs = STALE_MS } = options
  const path = lockPathOf(file)
  const mine = JSON.stringify({ pid, host, startedAt: new Date(now()).toISOString() } satisfies Holder)
  // written whole under a private name, then linked: the lock never exists half-written
  const draft = `${path}.${pid}.tmp`
  const holds = (holder: Holder | null, text: string): boolean => {
    if (holder && holder.host === host && holder.pid !== pid) return alive(holder.pid)
    // another machine's pid cannot be asked, nor can our own pid on this host name (a restarted container is pid 1
    // again, but so is a second container sharing the host's network and name): the heartbeat can (an unreadable
    // lock gets the same grace)
    const stat = statSync(path, { throwIfNoEntry: false })
    return stat !== undefined && text !== '' && now() - stat.mtimeMs < staleMs
  }
  try {
    const fd = openSync(draft, 'w')
    writeSync(fd, mine)
    closeSync(fd)
  } catch (err) {
    throw new DataFileLockError(`DATA_FILE ${file}: cannot create its lock ${path} (${code(err)}); make its folder writable, or point DATA_FILE at a folder that is`)
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path)
        break
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw new DataFileLockError(`DATA_FILE ${file}: cannot create its lock ${path} (${code(err)})`)
      }
      const seen = readText(path)
      if (seen === null) continue
      const holder = parse(seen)
      if (holds(holder, seen)) {
        const who = holder ? `pid ${holder.pid}${holder.host === host ? '' : ` on ${holder.host}`}, since ${holder.startedAt}` : 'unreadable lock'
        throw new DataFileLockError(`DATA_FILE ${file} is in use by another running sandbox (${who}; lock ${path}); stop it, or point DATA_FILE at another file`)
      }
      // stale: moved aside first, so that of two starters taking it over only one removes it
      const aside = `${path}.${pid}.stale`
      try {
        renameSync(path, aside)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      // what was moved may be a lock another starter made meanwhile: that one goes back
      if (readText(aside) !== seen) {
        try {
          linkSync(aside, path)
        } catch {
          // a third lock is already there; it stands
        }
      }
      unlinkSync(aside)
    }
  } finally {
    unlinkSync(draft)
  }
  const heartbeat = setInterval(() => {
    try {
      const t = new Date(now())
      utimesSync(path, t, t)
    } catch {
      // a full or read-only disk: the store reports it; the lock stays ours while the pid runs
    }
  }, heartbeatMs)
  heartbeat.unref()
  let released = false
  return {
    path,
    release() {
      if (released) return
      released = true
      clearInterval(heartbeat)
      try {
        if (readText(path) === mine) unlinkSync(path)
      } catch {
        // nothing to do at exit: a lock left behind names a pid that no longer runs
      }
    },
  }
}
