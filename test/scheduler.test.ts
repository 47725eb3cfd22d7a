import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import { seededRandom } from '../src/core/ids.js'
import { createLogger } from '../src/core/logger.js'
import { createScheduler, initialJobsState, JOB_BATCH, type Job, type JobsState } from '../src/core/scheduler.js'
import { StorageError } from '../src/core/storage-error.js'

describe('scheduler', () => {
  const setup = () => {
    const clock = createClock('manual', 0)
    let state: JobsState = initialJobsState()
    const scheduler = createScheduler({
      clock,
      logger: createLogger('silent'),
      jobs: () => state,
      remove: async (done) => {
        for (const job of done) if (state.jobs[job.id] === job) delete state.jobs[job.id]
      },
    })
    const ran: Array<{ ref: string; at: number }> = []
    scheduler.register('t', async (job) => {
      ran.push({ ref: job.ref, at: clock.now() })
    })
    return { clock, scheduler, ran, state: () => state, replace: (next: JobsState) => (state = next) }
  }

  it('runs thousands of jobs in due order (ties in scheduling order), each at its due time', async () => {
    const { scheduler, ran, state } = setup()
    const bytes = seededRandom(3)
    const delays = Array.from({ length: 3000 }, () => bytes(1)[0]! * 10)
    for (const [i, d] of delays.entries()) scheduler.schedule(state(), 't', String(i), d)
    expect(await scheduler.advance(1_000)).toBe(delays.filter((d) => d <= 1000).length)
    await scheduler.advance(10_000)
    expect(ran).toHaveLength(3000)
    const expected = delays.map((d, i) => ({ ref: String(i), at: d })).sort((a, b) => a.at - b.at || Number(a.ref) - Number(b.ref))
    expect(ran).toEqual(expected)
    expect(Object.keys(state().jobs)).toHaveLength(0)
  })

  it('follows a replaced state (reset, snapshot restore): jobs of the old state never run', async () => {
    const { scheduler, ran, state, replace } = setup()
    scheduler.schedule(state(), 't', 'old', 100)
    await scheduler.advance(10)
    const fresh = initialJobsState()
    replace(fresh)
    scheduler.schedule(fresh, 't', 'new', 50)
    await scheduler.advance(1_000)
    expect(ran.map((r) => r.ref)).toEqual(['new'])
  })
})

/** a server answering with how many jobs had run when the request arrived */
async function probeServer(ran: () => number) {
  const server = createServer((_req, res) => res.end(String(ran())))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const get = () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, agent: false }, (res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => resolve(Number(body)))
      })
      req.on('error', reject)
      req.end()
    })
  return { get, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe('scheduler: large advances in bounded batches', () => {
  const setup = (clock = createClock('manual', 0)) => {
    const state: JobsState = initialJobsState()
    const scheduler = createScheduler({
      clock,
      logger: createLogger('silent'),
      jobs: () => state,
      remove: async (done) => {
        for (const job of done) if (state.jobs[job.id] === job) delete state.jobs[job.id]
      },
    })
    return { scheduler, state: () => state }
  }

  it('runs 20,000 jobs due at one instant at most JOB_BATCH at once, in scheduling order, and answers a request meanwhile', async () => {
    const { scheduler, state } = setup()
    const ran: string[] = []
    let inFlight = 0
    let most = 0
    scheduler.register('t', async (job) => {
      inFlight++
      most = Math.max(most, inFlight)
      ran.push(job.ref)
      // a runner that needs no I/O: only the scheduler's own yields let the event loop turn
      await Promise.resolve()
      inFlight--
    })
    const total = 20_000
    for (let i = 0; i < total; i++) scheduler.schedule(state(), 't', String(i), 100)
    const server = await probeServer(() => ran.length)
    try {
      const answered = server.get()
      const advanced = scheduler.advance(1_000)
      const seen = await answered
      expect(await advanced).toBe(total)
      // served between two batches, not after the advance
      expect(seen).toBeGreaterThan(0)
      expect(seen).toBeLessThan(total)
    } finally {
      await server.close()
    }
    // jobs due at one instant still run concurrently, a batch at a time
    expect(most).toBe(JOB_BATCH)
    expect(ran).toEqual(Array.from({ length: total }, (_, i) => String(i)))
    expect(Object.keys(state().jobs)).toHaveLength(0)
  })

  it('under a real clock waits for no batch: jobs that never finish do not hold up the run', async () => {
    const { scheduler, state } = setup(createClock('real'))
    let started = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    scheduler.register('hang', async () => {
      started++
      await gate
    })
    const total = JOB_BATCH * 3 + 5
    for (let i = 0; i < total; i++) scheduler.schedule(state(), 'hang', String(i), 0)
    try {
      expect(await scheduler.runDue()).toBe(total)
      expect(started).toBe(total)
    } finally {
      release()
      scheduler.stop()
    }
  })
})

describe('scheduler: a disk that refuses writes', () => {
  const RETRY = { firstMs: 25, maxMs: 50 }
  const setup = () => {
    const clock = createClock('manual', 0)
    const lines: Array<{ level: number; msg: string }> = []
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line))
        done()
      },
    })
    const state = { ...initialJobsState(), settled: {} as Record<string, number> }
    const disk = { full: false, refuseRemovals: 0 }
    const refused = () => new StorageError(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))
    // like the store: a write the disk refuses leaves the state as it was and rejects with a StorageError
    const update = async (fn: () => void) => {
      if (disk.full) throw refused()
      fn()
    }
    const scheduler = createScheduler({
      clock,
      logger: createLogger('info', sink),
      jobs: () => state,
      storageRetry: RETRY,
      remove: async (done) => {
        if (disk.refuseRemovals > 0) {
          disk.refuseRemovals--
          throw refused()
        }
        await update(() => {
          for (const job of done) if (state.jobs[job.id] === job) delete state.jobs[job.id]
        })
      },
    })
    const attempts: Record<string, number[]> = {}
    let effects = 0
    // idempotent, as every runner: a second run after a refused removal changes nothing
    scheduler.register('settle', async (job: Job) => {
      attempts[job.ref] = [...(attempts[job.ref] ?? []), performance.now()]
      await update(() => {
        if (job.ref in state.settled) return
        state.settled[job.ref] = clock.now()
        effects++
      })
    })
    const stored = () => Object.values(state.jobs).map((j) => j.ref)
    const byLevel = (level: number) => lines.filter((l) => l.level === level).map((l) => l.msg)
    return { clock, scheduler, state, disk, attempts, effects: () => effects, stored, byLevel }
  }

  const until = async (done: () => boolean, ms = 5_000) => {
    const deadline = Date.now() + ms
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out')
      await new Promise((r) => setTimeout(r, 5))
    }
  }

  it('keeps refused jobs stored, retries them with backoff (skipped by advances meanwhile), and applies each once', async () => {
    const { scheduler, state, disk, attempts, effects, stored, byLevel } = setup()
    const refs = ['a', 'b', 'c', 'd', 'e']
    for (const ref of refs) scheduler.schedule(state, 'settle', ref, 100)
    disk.full = true
    // the advance answers: it does not spin on jobs the disk refuses
    expect(await scheduler.advance(1_000)).toBe(5)
    expect(stored().sort()).toEqual(refs)
    expect(effects()).toBe(0)
    // waiting for their retry timer: a further advance leaves them alone
    expect(await scheduler.advance(1_000)).toBe(0)
    expect(attempts.a).toHaveLength(1)

    await until(() => (attempts.a?.length ?? 0) >= 6)
    expect(stored().sort()).toEqual(refs)
    disk.full = false
    await until(() => stored().length === 0)

    expect(effects()).toBe(5)
    expect(Object.keys(state.settled).sort()).toEqual(refs)
    const gaps = attempts.a!.slice(1).map((t, i) => t - attempts.a![i]!)
    // 25, 50, then capped at 50 ms (doubling on would make the fifth 400 ms; the margin is for a busy machine)
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY.firstMs - 2)
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * RETRY.firstMs - 2)
    expect(gaps[4]).toBeLessThan(300)
    expect(byLevel(40)).toEqual(['the data file refused a write: scheduled jobs stay stored and are retried with backoff'])
    expect(byLevel(30)).toEqual(['the data file takes writes again: scheduled jobs resumed'])
    expect(byLevel(50)).toEqual([])
  })

  it('runs a job again when only its removal was refused, and removes it then', async () => {
    const { scheduler, state, disk, attempts, effects, stored, byLevel } = setup()
    scheduler.schedule(state, 'settle', 'a', 100)
    disk.refuseRemovals = 1
    await scheduler.advance(1_000)
    expect(effects()).toBe(1)
    expect(stored()).toEqual(['a'])
    await until(() => stored().length === 0)
    expect(attempts.a).toHaveLength(2)
    expect(effects()).toBe(1)
    expect(byLevel(40)).toHaveLength(1)
    expect(byLevel(30)).toHaveLength(1)
  })

  it('still drops a job whose runner fails for any other reason, with one error line', async () => {
    const { scheduler, state, stored, byLevel } = setup()
    let runs = 0
    scheduler.register('broken', async () => {
      runs++
      throw new Error('a bug')
    })
    scheduler.schedule(state, 'broken', 'x', 100)
    await scheduler.advance(1_000)
    expect(stored()).toEqual([])
    await new Promise((r) => setTimeout(r, RETRY.firstMs * 3))
    expect(runs).toBe(1)
    expect(byLevel(50)).toEqual(['job failed'])
    expect(byLevel(40)).toEqual([])
  })
})
