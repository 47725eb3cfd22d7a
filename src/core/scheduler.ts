import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Clock } from './clock.js'
import type { Logger } from './logger.js'
import { MinHeap } from './min-heap.js'
import { isStorageError } from './storage-error.js'
import { createStorageRetry, type RetrySettings } from './storage-retry.js'

// Work that falls due later on the sandbox clock (settlements, retries, expiries). Jobs live in the
// state, so a job is written in the same update as the change that schedules it and survives restarts.
// A job leaves the state only after its effect is applied: a crash in between runs it again on the next
// boot, so every runner must be idempotent (at-least-once execution).

export interface Job {
  id: number
  dueAt: number
  /** namespaced by the provider that registered it, e.g. `fintoc.transfer.settle` */
  type: string
  ref: string
}

export interface JobsState {
  /** by id: adding or removing one job changes one entry, whatever the number pending */
  jobs: Record<string, Job>
  nextJobId: number
}

export const initialJobsState = (): JobsState => ({ jobs: {}, nextJobId: 1 })

export type JobRunner = (job: Job) => Promise<void>

/** most jobs run at once, and between two yields to the event loop: a long advance leaves room for requests */
export const JOB_BATCH = 256

/**
 * A job ref may carry the phase its resource was in when the job was scheduled, `<id>@<phase>`: a runner
 * run twice (a crash after its effect, before its removal) sees the phase moved on and does nothing.
 */
export const phasedRef = (id: string, phase: string | number) => `${id}@${phase}`
export function parseRef(ref: string): { id: string; phase: string | undefined } {
  const at = ref.lastIndexOf('@')
  // refs written without a phase name the resource alone
  return at < 0 ? { id: ref, phase: undefined } : { id: ref.slice(0, at), phase: ref.slice(at + 1) }
}

export interface Scheduler {
  /** call inside a store update: the job is persisted with that update */
  schedule(jobs: JobsState, type: string, ref: string, delayMs: number): void
  register(type: string, run: JobRunner): void
  /** runs every job due by `now`, in due order, moving a manual clock to each due time */
  runDue(): Promise<number>
  /** manual clock: move time forward by `ms`, running what falls due on the way */
  advance(ms: number): Promise<number>
  /** keeps a timer armed for the next due job (manual clock: only for jobs due at the current instant) */
  arm(): void
  stop(): void
}

export function createScheduler(deps: {
  clock: Clock
  logger: Logger
  jobs: () => JobsState
  /** removes these jobs, each only while it is still the stored object (a reset may have replaced them) */
  remove: (jobs: Job[]) => Promise<void>
  /** backoff of jobs the disk refused (default 1 s doubling to 30 s, wall clock) */
  storageRetry?: RetrySettings
}): Scheduler {
  const runners = new Map<string, JobRunner>()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined
  // jobs whose runner is under way: still stored (a crash must not lose them), no longer due
  const underWay = new Set<Job>()
  // jobs the disk refused: still stored, out of the index until their retry timer puts them back
  const retry = createStorageRetry<Job>({
    logger: deps.logger,
    ...(deps.storageRetry ? { settings: deps.storageRetry } : {}),
    retry: (jobs) => {
      const h = index()
      for (const job of jobs) h.push(job)
      scheduler.arm()
    },
  })

  // an in-memory index over the stored job objects; rebuilt whenever the state object is replaced
  // (boot, reset, snapshot restore), and entries whose job is no longer stored are skipped when met
  const earlier = (a: Job, b: Job) => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id)
  let heap = new MinHeap<Job>(earlier)
  let indexed: Record<string, Job> | undefined
  const index = (): MinHeap<Job> => {
    const stored = deps.jobs().jobs
    if (stored !== indexed) {
      heap = new MinHeap<Job>(earlier)
      for (const job of Object.values(stored)) heap.push(job)
      indexed = stored
    }
    return heap
  }
  /** the earliest pending job, dropping index entries of jobs no longer stored */
  const first = (): Job | undefined => {
    const h = index()
    const stored = deps.jobs().jobs
    for (let top = h.peek(); top; top = h.peek()) {
      if (stored[top.id] === top && !underWay.has(top) && !retry.has(top)) return top
      h.pop()
    }
    return undefined
  }
  const next = (limit: number) => {
    const job = first()
    return job && job.dueAt <= limit ? job : undefined
  }

  /** `refused`: the disk refused a write of its runner; any other failure is logged and the job is done */
  async function runJob(job: Job): Promise<{ refused?: unknown }> {
    const run = runners.get(job.type)
    if (!run) {
      deps.logger.warn({ job }, 'no runner for job type; dropped')
      return {}
    }
    try {
      await run(job)
    } catch (err) {
      if (isStorageError(err)) return { refused: err }
      deps.logger.error({ err, job }, 'job failed')
    }
    return {}
  }

  /** runs a batch, then removes its finished jobs from the state in one update; jobs the disk refused wait for a retry */
  async function runBatch(batch: Job[]) {
    try {
      const outcomes = await Promise.all(batch.map(runJob))
      const refused = batch.filter((_, i) => outcomes[i]!.refused !== undefined)
      let cause = outcomes.find((o) => o.refused !== undefined)?.refused
      const finished = batch.filter((_, i) => outcomes[i]!.refused === undefined)
      let saved = false
      if (finished.length) {
        try {
          await deps.remove(finished)
          saved = true
        } catch (err) {
          if (isStorageError(err)) {
            // still stored: they run again (runners are idempotent) and leave once the disk takes their removal
            refused.push(...finished)
            cause ??= err
          } else {
            // the jobs stay stored and run again on the next boot; their runners are idempotent
            deps.logger.error({ err }, 'could not remove finished jobs')
          }
        }
      }
      if (refused.length) retry.wait(refused, cause)
      else if (saved) retry.succeeded()
    } finally {
      for (const job of batch) underWay.delete(job)
    }
  }

  /**
   * Runs jobs due by `limit`, at most JOB_BATCH at once, yielding to the event loop between batches so that
   * requests are served during a long advance. Jobs due at the same instant run concurrently (a slow webhook
   * receiver does not hold up the others), split into batches in due order when there are more. With `wait`
   * false (real clock) no batch is awaited, and a batch takes jobs of any instant already due (the timer must
   * not fall behind).
   */
  async function runUntil(limit: number, moveClock: boolean, wait = true): Promise<number> {
    let count = 0
    for (let job = next(limit); job; job = next(limit)) {
      if (moveClock && job.dueAt > deps.clock.now()) deps.clock.set(job.dueAt)
      const until = wait ? job.dueAt : limit
      const batch: Job[] = []
      for (let j = first(); j && j.dueAt <= until && batch.length < JOB_BATCH; j = first()) {
        batch.push(j)
        underWay.add(j)
        index().pop()
      }
      count += batch.length
      const done = runBatch(batch)
      if (wait) await done
      if (next(limit)) await nextTurn()
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
      const job: Job = { id: jobs.nextJobId++, dueAt: deps.clock.now() + Math.max(0, delayMs), type, ref }
      jobs.jobs[job.id] = job
      // the index is only current for the stored object it was built from; otherwise it is rebuilt on use
      if (indexed === deps.jobs().jobs) heap.push(job)
      queueMicrotask(() => scheduler.arm())
    },
    register(type, run) {
      runners.set(type, run)
    },
    // manual clock: awaited, so an advance queued behind it returns only once those jobs are done
    runDue: () => serial(() => runUntil(deps.clock.now(), false, deps.clock.mode() !== 'real')),
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
      const due = first()?.dueAt
      if (due === undefined) return
      // a manual clock stops time, not the present: what is due now runs now, the future waits for an advance
      if (deps.clock.mode() !== 'real' && due > deps.clock.now()) return
      timer = setTimeout(
        () => {
          void scheduler.runDue().then(() => scheduler.arm())
        },
        Math.max(0, due - deps.clock.now()),
      )
      timer.unref()
    },
    stop() {
      if (timer) clearTimeout(timer)
      timer = undefined
      retry.stop()
    },
  }
  return scheduler
}
