// The sandbox clock: real time by default, or manual time that only moves when told to.

export type ClockMode = 'real' | 'manual'

export interface Clock {
  now(): number
  mode(): ClockMode
  setMode(mode: ClockMode): void
  /** moves manual time forward (or, in real mode, shifts the offset) */
  advance(ms: number): void
  set(epochMs: number): void
}

export function createClock(mode: ClockMode = 'real', startMs = Date.now(), wall: () => number = Date.now): Clock {
  let current: ClockMode = mode
  // real mode: now = wall() + offset; manual mode: now = frozen
  let offset = startMs - wall()
  let frozen = startMs
  return {
    now: () => (current === 'manual' ? frozen : wall() + offset),
    mode: () => current,
    setMode(next) {
      if (next === current) return
      if (next === 'manual') frozen = wall() + offset
      else offset = frozen - wall()
      current = next
    },
    advance(ms) {
      if (current === 'manual') frozen += ms
      else offset += ms
    },
    set(epochMs) {
      if (current === 'manual') frozen = epochMs
      else offset = epochMs - wall()
    },
  }
}
