import type { Request } from 'autocannon'
import type { DashboardFacts } from './dashboard.js'
import { combineRounds, type LoadResult, type LoadSettings, roundRate, runLoad } from './load.js'
import type { EndpointId } from './workloads.js'

// What a run collects: one row per (server configuration × endpoint), plus facts about each server process.

export type Group = 'ceiling' | 'prism' | 'sandbox' | 'mem-empty' | 'mem-big' | 'file-empty' | 'file-small' | 'file-big' | 'dash-closed' | 'dash-open'

export interface Row {
  group: Group
  label: string
  endpoint: EndpointId
  result?: LoadResult
  error?: string
  notes: string[]
}

export interface ProcessFacts {
  group: Group
  process: string
  label: string
  startMs: number
  /** RSS once started (and restored, for the stored-state variants) and left idle for a second */
  idleRssMb: number
  /** lifetime peak RSS of the process when it was stopped (includes a snapshot restore) */
  hwmMb: number
  restoreMs?: number
  rssAfterRestoreMb?: number
}

/** latency of the GET requests sent while something else ran on the server */
export interface Latency {
  requests: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** answers that were not 2xx, and requests that got no answer */
  failed: number
}

/** POST /__admin/clock/advance over a manual clock with many jobs due, while clients keep calling the API */
export interface AdvanceFacts {
  label: string
  /** Fintoc transfers pending settlement before the advance */
  items: number
  advancedMs: number
  /** jobs the advance reported it ran */
  ran: number
  advanceMs: number
  rssBeforeMb: number
  /** sampled every 100 ms during the advance */
  peakRssMb: number
  /** the same GET load on the same server just before the advance */
  idle: Latency
  during: Latency
}

/** a sandbox started on a large DATA_FILE: spawn → first 2xx on /health */
export interface BootFacts {
  label: string
  transfers: number
  fileBytes: number
  bootMs: number[]
  /** VmHWM once /health answered: the boot's own peak */
  peakRssMb: number[]
  /** RSS a second after /health answered */
  idleRssMb: number[]
}

export interface Collector {
  rows: Row[]
  processes: ProcessFacts[]
  advances: AdvanceFacts[]
  boots: BootFacts[]
  dashboards: DashboardFacts[]
  errors: string[]
  log: (message: string) => void
}

export const fmt = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }))

function logRow(c: Collector, label: string, endpoint: EndpointId, r: LoadResult) {
  const rounds = r.rounds ? ` (rounds: ${r.rounds.map((x) => fmt(x)).join(', ')})` : ''
  c.log(`  ${label} · ${endpoint}: ${fmt(r.rps)} req/s${rounds}, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, status ${JSON.stringify(r.statusCodes)}${r.errors ? `, ${r.errors} errors` : ''}, peak RSS ${fmt(r.peakRssMb)} MB, server CPU ${fmt(r.cpuMsPerRequest, 3)} ms/req at ${fmt(r.serverCpu * 100)} %, client CPU ${fmt(r.clientCpu * 100)} %`)
}

export function finishRow(c: Collector, row: Row, notes: string[]) {
  const r = row.result
  if (!r) return
  row.notes.push(...notes)
  if (!r.valid) row.notes.push(`INVALID: only ${r.ok} of ${r.total} answers were 2xx (${JSON.stringify(r.statusCodes)}, ${r.errors} errors)`)
  logRow(c, row.label, row.endpoint, r)
}

function failRow(c: Collector, row: Row, err: unknown) {
  row.error = (err as Error).message
  c.errors.push(`${row.label} · ${row.endpoint}: ${row.error}`)
  c.log(`  ${row.label} · ${row.endpoint}: FAILED ${row.error}`)
}

export async function measureRow(c: Collector, group: Group, label: string, endpoint: EndpointId, origin: string, requests: Request[], pid: number, load: LoadSettings, notes: () => string[] = () => []): Promise<Row> {
  const row: Row = { group, label, endpoint, notes: [] }
  c.rows.push(row)
  try {
    row.result = await runLoad(origin, requests, pid, load)
    finishRow(c, row, notes())
  } catch (err) {
    failRow(c, row, err)
  }
  return row
}

export interface RoundTarget {
  group: Group
  label: string
  origin: string
  pid: number
  requests: Request[]
}

/**
 * One endpoint on several servers, measured in interleaved rounds: each round loads every server in turn (one at a
 * time, the order rotated each round) for a slice of the row's duration. A shared machine's speed drifts by tens of
 * percent within a minute; interleaving gives each server the same share of that drift, and the rounds pair up for
 * ratios. The first round warms up for the full warm-up, later ones briefly (each server sat idle meanwhile).
 */
export async function measureInterleaved(c: Collector, endpoint: EndpointId, targets: RoundTarget[], load: LoadSettings, rounds: number, pauseMs = 0): Promise<Row[]> {
  const rows = targets.map((t): Row => ({ group: t.group, label: t.label, endpoint, notes: [] }))
  c.rows.push(...rows)
  const parts: LoadResult[][] = targets.map(() => [])
  const sliceS = load.durationS / rounds
  for (let round = 0; round < rounds; round++) {
    const settings = { connections: load.connections, durationS: sliceS, warmupS: round === 0 ? load.warmupS : Math.min(load.warmupS, 1) }
    const said: string[] = []
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length
      const t = targets[i]!
      const row = rows[i]!
      if (row.error) continue
      try {
        const r = await runLoad(t.origin, t.requests, t.pid, settings)
        parts[i]!.push(r)
        said.push(`${t.group} ${fmt(roundRate(r))}`)
      } catch (err) {
        failRow(c, row, err)
      }
      if (pauseMs) await new Promise((done) => setTimeout(done, pauseMs))
    }
    c.log(`  round ${round + 1}/${rounds} · ${endpoint}: ${said.join(' · ')} req/s`)
  }
  for (const [i, row] of rows.entries()) {
    if (row.error || parts[i]!.length === 0) continue
    row.result = combineRounds(parts[i]!)
    finishRow(c, row, [`${rounds} interleaved rounds of ${fmt(sliceS, 1)} s`])
  }
  return rows
}
