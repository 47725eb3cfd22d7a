import autocannon, { type Request, type Result } from 'autocannon'
import { cpuSeconds } from './cpu.js'
import { sampleRss } from './rss.js'

// One measured load: an unmeasured warm-up, then the measured run while the server's RSS is sampled.

export interface LoadSettings {
  connections: number
  durationS: number
  warmupS: number
}

export interface LoadResult {
  rps: number
  p50Ms: number
  p99Ms: number
  total: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodes: Record<string, number>
  peakRssMb: number
  /** the server's CPU time over the measured run, per second of it (1 = one core busy) */
  serverCpu: number
  /** the server's CPU time per answered request, ms */
  cpuMsPerRequest: number
  /** the load generator's (this process's) CPU per second: near 1 means it, not the server, may be the limit */
  clientCpu: number
  /** false when most answers were not 2xx: the row measures error handling, not the endpoint */
  valid: boolean
  /** wall time of the measured run */
  seconds: number
  /** answered requests per second of each interleaved round, when the row was measured in rounds */
  rounds?: number[]
}

interface Usage {
  peakRssMb: number
  serverCpuS: number
  clientCpuS: number
  wallS: number
}

const summarize = (r: Result, u: Usage): LoadResult => {
  const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]))
  const answered = Object.values(statusCodes).reduce((a, b) => a + b, 0)
  const ok = r['2xx']
  return {
    rps: r.requests.mean,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: answered,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    peakRssMb: u.peakRssMb,
    serverCpu: u.serverCpuS / u.wallS,
    cpuMsPerRequest: answered > 0 ? (u.serverCpuS * 1000) / answered : Number.NaN,
    clientCpu: u.clientCpuS / u.wallS,
    valid: answered > 0 && ok / (answered + r.errors) >= 0.5,
    seconds: u.wallS,
  }
}

/** a round's rate: what it answered over its own wall time (autocannon's per-second mean is coarse on short runs) */
export const roundRate = (r: LoadResult) => r.total / r.seconds

/**
 * One row from the rounds of an interleaved measurement: rates over the summed time, the median round's p50,
 * the worst round's p99 and peak RSS.
 */
export function combineRounds(parts: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => parts.reduce((a, r) => a + f(r), 0)
  const seconds = sum((r) => r.seconds)
  const total = sum((r) => r.total)
  const statusCodes: Record<string, number> = {}
  for (const r of parts) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n
  const serverCpuS = sum((r) => r.serverCpu * r.seconds)
  const errors = sum((r) => r.errors)
  const ok = sum((r) => r.ok)
  const p50s = parts.map((r) => r.p50Ms).sort((a, b) => a - b)
  return {
    rps: total / seconds,
    p50Ms: p50s[Math.floor(p50s.length / 2)] ?? Number.NaN,
    p99Ms: Math.max(...parts.map((r) => r.p99Ms)),
    total,
    ok,
    non2xx: sum((r) => r.non2xx),
    errors,
    timeouts: sum((r) => r.timeouts),
    statusCodes,
    peakRssMb: Math.max(...parts.map((r) => r.peakRssMb)),
    serverCpu: serverCpuS / seconds,
    cpuMsPerRequest: total > 0 ? (serverCpuS * 1000) / total : Number.NaN,
    clientCpu: sum((r) => r.clientCpu * r.seconds) / seconds,
    valid: total > 0 && ok / (total + errors) >= 0.5,
    seconds,
    rounds: parts.map(roundRate),
  }
}

export async function runLoad(origin: string, requests: Request[], pid: number, s: LoadSettings): Promise<LoadResult> {
  if (s.warmupS > 0) await autocannon({ url: origin, connections: s.connections, duration: s.warmupS, requests, timeout: 30 })
  const rss = sampleRss(pid)
  const cpu0 = cpuSeconds(pid)
  const client0 = process.cpuUsage()
  const t0 = performance.now()
  const result = await autocannon({ url: origin, connections: s.connections, duration: s.durationS, requests, timeout: 30 })
  const wallS = (performance.now() - t0) / 1000
  const client = process.cpuUsage(client0)
  const usage = { peakRssMb: rss.stop(), serverCpuS: cpuSeconds(pid) - cpu0, clientCpuS: (client.user + client.system) / 1e6, wallS }
  return summarize(result, usage)
}

/** sends exactly `amount` requests (seeding); resolves with the status counts */
export async function sendAmount(origin: string, requests: Request[], amount: number, connections: number): Promise<{ ok: number; statusCodes: Record<string, number>; errors: number; seconds: number }> {
  const r = await autocannon({ url: origin, connections, amount, requests, timeout: 60 })
  return {
    ok: r['2xx'],
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, st]) => [code, st.count])),
    errors: r.errors,
    seconds: r.duration,
  }
}
