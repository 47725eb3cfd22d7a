import type { Clock } from './clock.js'
import type { Logger } from './logger.js'

// Work that falls due later on the sandbox clock (settlements, retries, expiries). Jobs live in the
// state, so a job is written in the same update as the change that schedules it and survives restarts.

export interface Job {
  id: number
  dueAt: number
  /** namespaced by the provider that registered it, e.g. `fintoc.transfer.settle` */
  type: string
  ref: string
}

export interface JobsState {
  jobs: Job[]
  nextJobId: number
}

export const initialJobsState = (): JobsState => ({ jobs: [], nextJobId: 1 })

export type JobRunner = (job: Job) => Promise<void>

export interface Scheduler {
  /** call inside a store update: the job is persisted with that update */
  schedule(jobs: JobsState, type: string, ref: string, delayMs: number): void
  register(type: string, run: JobRunner): void
  /** runs every job due by `now`, in due order, moving a manual clock to each due time */
  runDue(): Promise<number>
  /** manual clock: move time forward by `ms`, running what falls due on the way */
  advance(ms: number): Promise<number>
  /** real clock: keeps a timer armed for the next due job */
  arm(): void
  stop(): void
}

export function createScheduler(deps: { clock: Clock; logger: Logger; jobs: () => JobsState; remove: (id: number) => Promise<void> }): Scheduler {
  const runners = new Map<string, JobRunner>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined

  const next = (limit: number) =>
    deps
      .jobs()
      .jobs.filter((j) => j.dueAt <= limit)
      .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id)[0]

  async function runJob(job: Job) {
    const run = runners.get(job.type)
    if (!run) {
      deps.logger.warn({ job }, 'no runner for job type; dropped')
      return
    }
    try {
      await run(job)
    } catch (err) {
      deps.logger.error({ err, job }, 'job failed')
    }
  }

  /**
   * Runs jobs due by `limit`. Jobs due at the same instant run concurrently, so a slow webhook
   * receiver does not hold up the others; with `wait` false (real clock) nothing is awaited at all.
   */
  async function runUntil(limit: number, moveClock: boolean, wait = true): Promise<number> {
    let count = 0
    for (let job = next(limit); job; job = next(limit)) {
      if (moveClock && job.dueAt > deps.clock.now()) deps.clock.set(job.dueAt)
      const dueAt = job.dueAt
      const batch = deps.jobs().jobs.filter((j) => j.dueAt === dueAt)
      for (const j of batch) await deps.remove(j.id)
      count += batch.length
      const running = Promise.all(batch.map(runJob))
      if (wait) await running
    }
    return count
  }

  // one run at a time: jobs must run in due order even when a timer and an advance overlap
  const serial = (fn: () => Promise<number>): Promise<number> => {
    const p = (running ?? Promise.resolve(0)).then(fn, fn)
    running = p
    return p.finally(() => {
      if (running === p) running = undefined
    })
  }

  const scheduler: Scheduler = {
    schedule(jobs, type, ref, delayMs) {
      jobs.jobs.push({ id: jobs.nextJobId++, dueAt: deps.clock.now() + Math.max(0, delayMs), type, ref })
      queueMicrotask(() => scheduler.arm())
    },
    register(type, run) {
      runners.set(type, run)
    },
    runDue: () => serial(() => runUntil(deps.clock.now(), false, false)),
    advance: (ms) =>
      serial(async () => {
        if (deps.clock.mode() === 'real') {
          deps.clock.advance(ms)
          const count = await runUntil(deps.clock.now(), false)
          scheduler.arm()
          return count
        }
        const target = deps.clock.now() + ms
        const count = await runUntil(target, true)
        if (deps.clock.now() < target) deps.clock.set(target)
        return count
      }),
    arm() {
      if (timer) clearTimeout(timer)
      timer = undefined
      if (deps.clock.mode() !== 'real') return
      const first = deps.jobs().jobs.reduce<number | undefined>((min, j) => (min === undefined || j.dueAt < min ? j.dueAt : min), undefined)
      if (first === undefined) return
      timer = setTimeout(
        () => {
          void scheduler.runDue().then(() => scheduler.arm())
        },
        Math.max(0, first - deps.clock.now()),
      )
      timer.unref()
    },
    stop() {
      if (timer) clearTimeout(timer)
      timer = undefined
    },
  }
  return scheduler
}
