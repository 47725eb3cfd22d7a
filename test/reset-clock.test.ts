import { afterEach, describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #15 item 3: POST /__admin/reset returns the clock to the mode the sandbox booted with; a switch made at run
// time with /__admin/clock/set used to survive it.

let sb: TestSandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

describe('POST /__admin/reset and the clock mode', () => {
  it.each([
    ['manual', 'real'],
    ['real', 'manual'],
  ] as const)('booted %s, switched to %s at run time: a reset gives the booted mode back', async (boot, switched) => {
    const box = await makeSandbox({ clock: createClock(boot) })
    sb = box
    expect((await box.http.post('/__admin/clock/set').send({ mode: switched })).body.mode).toBe(switched)
    expect((await box.http.post('/__admin/reset')).body).toEqual({ reset: true })
    expect((await box.http.get('/__admin/clock')).body.mode).toBe(boot)
  })
})
