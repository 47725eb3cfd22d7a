import { readFileSync } from 'node:fs'

// Resident memory of a child process, from /proc (Linux): current (VmRSS) and lifetime peak (VmHWM), in MB.

export interface Rss {
  rssMb: number
  hwmMb: number
}

export function readRss(pid: number): Rss | undefined {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return undefined
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN)
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 }
}

/** samples VmRSS every `intervalMs` until stopped; `stop()` gives the highest value seen */
export function sampleRss(pid: number, intervalMs = 100): { stop: () => number } {
  let peak = readRss(pid)?.rssMb ?? 0
  const timer = setInterval(() => {
    const r = readRss(pid)
    if (r && r.rssMb > peak) peak = r.rssMb
  }, intervalMs)
  return {
    stop: () => {
      clearInterval(timer)
      const r = readRss(pid)
      if (r && r.rssMb > peak) peak = r.rssMb
      return peak
    },
  }
}
