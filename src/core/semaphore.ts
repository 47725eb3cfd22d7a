// At most `limit` holders at a time; the others wait their turn in arrival order.

export interface Semaphore {
  /** runs `fn` once a slot is free, and frees it when `fn` settles */
  run<T>(fn: () => Promise<T>): Promise<T>
}

export function createSemaphore(limit: number): Semaphore {
  let active = 0
  const waiting: Array<() => void> = []
  const release = () => {
    const next = waiting.shift()
    // the slot passes straight to the next waiter
    if (next) next()
    else active--
  }
  return {
    async run(fn) {
      if (active < limit) active++
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await fn()
      } finally {
        release()
      }
    },
  }
}
