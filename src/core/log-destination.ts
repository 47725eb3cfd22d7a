import { write, writeSync } from 'node:fs'

// Log lines to a file descriptor, batched: the lines that arrive while a write is in flight go out together in
// the next one, so a busy sandbox makes one write per batch rather than one per request. Appending a line costs
// the line and nothing more: pino's own async destination (sonic-boom) measures its growing batch string at every
// line, which flattens it each time; under load that made ~12 KB of garbage per 190-byte request line.

export interface BatchedDestination {
  /** pino's destination contract: one serialized line, newline included */
  write(line: string): void
  /** resolves once every line written so far is out (or dropped on a write error) */
  drained(): Promise<void>
  /** writes what is queued, synchronously: for process exit (a batch already in flight is left to finish) */
  flushSync(): void
}

export interface BatchedDestinationOptions {
  /** lines past this much queued text (string length: bytes for ASCII lines) are dropped and counted, so a stalled stdout cannot exhaust the heap */
  maxQueuedBytes?: number
  /** how a retry after EAGAIN is delayed (a non-blocking pipe that is full) */
  retryMs?: number
  now?: () => number
}

const DEFAULT_MAX_QUEUED = 32 * 1024 * 1024

export function batchedDestination(fd: number, options: BatchedDestinationOptions = {}): BatchedDestination {
  const { maxQueuedBytes = DEFAULT_MAX_QUEUED, retryMs = 10, now = Date.now } = options
  let queue: string[] = []
  let queuedBytes = 0
  let dropped = 0
  let inFlight: Buffer | undefined
  let waiters: Array<() => void> = []

  // a line in pino's shape, so that the log stays one JSON object per line
  const droppedNotice = () => `${JSON.stringify({ level: 40, time: new Date(now()).toISOString(), dropped, msg: 'log lines dropped: the log output could not keep up' })}\n`

  const takeQueue = (): string => {
    if (dropped > 0) {
      queue.push(droppedNotice())
      dropped = 0
    }
    const data = queue.length === 1 ? (queue[0] as string) : queue.join('')
    queue = []
    queuedBytes = 0
    return data
  }

  const settle = () => {
    if (inFlight || queue.length > 0 || dropped > 0) return
    const done = waiters
    waiters = []
    for (const w of done) w()
  }

  const send = (buf: Buffer) => {
    inFlight = buf
    write(fd, buf, 0, buf.length, null, (err, written) => {
      if (err?.code === 'EAGAIN') return void setTimeout(() => send(buf), retryMs)
      if (!err && written < buf.length) return send(buf.subarray(written))
      // on any other error there is nowhere left to report it: the batch is lost, later lines still try
      inFlight = undefined
      next()
    })
  }

  const next = () => {
    if (queue.length === 0 && dropped === 0) return settle()
    send(Buffer.from(takeQueue()))
  }

  return {
    write(line) {
      if (queuedBytes + line.length > maxQueuedBytes) dropped++
      else {
        queue.push(line)
        queuedBytes += line.length
      }
      if (!inFlight) next()
    },
    drained() {
      return new Promise((resolve) => {
        waiters.push(resolve)
        settle()
      })
    },
    flushSync() {
      if (queue.length === 0 && dropped === 0) return
      const buf = Buffer.from(takeQueue())
      let offset = 0
      // a full non-blocking pipe answers EAGAIN: retry a while, then give up rather than hang the exit
      for (let tries = 0; offset < buf.length && tries < 10_000; tries++) {
        try {
          offset += writeSync(fd, buf, offset)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return
        }
      }
    },
  }
}
