import type { Logger } from './logger.js'

// Jobs that could not finish because the disk refused a write: they stay stored, leave the due index, and run
// again on a wall-clock timer with backoff (a disk recovers in real time, whatever the sandbox clock says).
// One warning line when an outage starts, one info line when work succeeds again.

export interface RetrySettings {
  firstMs: number
  maxMs: number
}

export const STORAGE_RETRY: RetrySettings = { firstMs: 1_000, maxMs: 30_000 }

export interface StorageRetry<T> {
  /** these items wait for the disk; the first of an outage logs one warning */
  wait(items: Iterable<T>, err: unknown): void
  /** work finished with its writes on disk: an outage, if any, is over and the waiting items go again now */
  succeeded(): void
  has(item: T): boolean
  /** for good: a closed sandbox retries nothing */
  stop(): void
}

export function createStorageRetry<T>(deps: { logger: Logger; settings?: RetrySettings; retry: (items: T[]) => void }): StorageRetry<T> {
  const { firstMs, maxMs } = deps.settings ?? STORAGE_RETRY
  const waiting = new Set<T>()
  let delayMs = firstMs
  let failing = false
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const release = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (stopped) return
    const items = [...waiting]
    waiting.clear()
    if (items.length) deps.retry(items)
  }

  return {
    wait(items, err) {
      for (const item of items) waiting.add(item)
      if (!failing) {
        failing = true
        deps.logger.warn({ err, retryInMs: delayMs }, 'the data file refused a write: scheduled jobs stay stored and are retried with backoff')
      }
      if (timer || stopped) return
      timer = setTimeout(release, delayMs)
      // the server's sockets keep the process alive; a stopped sandbox must not wait for a retry
      timer.unref()
      delayMs = Math.min(delayMs * 2, maxMs)
    },
    succeeded() {
      if (!failing) return
      failing = false
      delayMs = firstMs
      deps.logger.info({ retrying: waiting.size }, 'the data file takes writes again: scheduled jobs resumed')
      release()
    },
    has: (item) => waiting.has(item),
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      timer = undefined
    },
  }
}
