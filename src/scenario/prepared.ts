import { markShared } from '../core/intern.js'
import { type PackedState, packState, type Unpacking, unpackState } from '../core/packed-state.js'

// The seeded state, kept aside (as bytes) once it is prepared at boot or at a scenario load: a reset swaps in a
// copy of it instead of applying every scenario again (20k organizations: 5 s). The copy for the next reset is
// read back in the background, a few milliseconds at a time, right after the previous one is taken.

/** how long a background slice may hold the event loop */
const SLICE_MS = 8

export function createPreparedState<T extends object>() {
  let packed: PackedState | undefined
  let spare: T | undefined
  let reading: Unpacking<T> | undefined

  /** reads the next spare copy in slices; a newer call (or stop) abandons an older one */
  const prepareSpare = () => {
    spare = undefined
    reading = packed && unpackState<T>(packed)
    const mine = reading
    const tick = () => {
      if (!mine || reading !== mine) return
      if (!mine.step(SLICE_MS)) return void setImmediate(tick)
      spare = mine.result()
      reading = undefined
    }
    setImmediate(tick)
  }

  /** the spare, finished now if it is still being read, or a whole copy read now */
  const copyNow = (): T => {
    if (!packed) throw new Error('no prepared state')
    const ready = spare
    if (ready) {
      spare = undefined
      return ready
    }
    const unpacking = reading ?? unpackState<T>(packed)
    reading = undefined
    unpacking.step(Number.POSITIVE_INFINITY)
    return unpacking.result()
  }

  return {
    get ready(): boolean {
      return packed !== undefined
    },
    /** keeps `live`, the state just seeded, before anything changes it */
    keep(live: T): void {
      packed = packState(live)
      prepareSpare()
    },
    /** a private copy to build the next prepared state on (a scenario loaded at run time), handed back to `adopt` */
    draft(): T | undefined {
      return packed && copyNow()
    },
    /** makes `state`, which nothing else holds, the prepared state; it is the next reset's copy */
    adopt(state: T): void {
      packed = packState(state)
      reading = undefined
      spare = state
    },
    /** a fresh copy for a reset */
    take(): T {
      const copy = copyNow()
      prepareSpare()
      // its strings were shared as it was read back: the store need not walk it again
      markShared(copy)
      return copy
    },
    stop(): void {
      reading = undefined
      spare = undefined
    },
  }
}
