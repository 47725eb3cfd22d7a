import { describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import { seededRandom } from '../src/core/ids.js'
import { createLogger } from '../src/core/logger.js'
import { createScheduler, initialJobsState, type JobsState } from '../src/core/scheduler.js'

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
