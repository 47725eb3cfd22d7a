import type { Request } from 'autocannon'
import { type LoadResult, type LoadSettings, runLoad } from './load.js'
import type { EndpointId } from './workloads.js'

// What a run collects: one row per (server configuration × endpoint), plus facts about each server process.

export type Group = 'ceiling' | 'prism' | 'sandbox' | 'mem-empty' | 'mem-big' | 'file-empty' | 'file-small' | 'file-big'

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

export interface Collector {
  rows: Row[]
  processes: ProcessFacts[]
  errors: string[]
  log: (message: string) => void
}

export const fmt = (n: number | undefined, digits = 0) => (n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }))

export async function measureRow(c: Collector, group: Group, label: string, endpoint: EndpointId, origin: string, requests: Request[], pid: number, load: LoadSettings, notes: () => string[] = () => []): Promise<Row> {
  const row: Row = { group, label, endpoint, notes: [] }
  c.rows.push(row)
  try {
    row.result = await runLoad(origin, requests, pid, load)
    row.notes.push(...notes())
    const r = row.result
    if (!r.valid) row.notes.push(`INVALID: only ${r.ok} of ${r.total} answers were 2xx (${JSON.stringify(r.statusCodes)}, ${r.errors} errors)`)
    c.log(`  ${label} · ${endpoint}: ${fmt(r.rps)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, status ${JSON.stringify(r.statusCodes)}${r.errors ? `, ${r.errors} errors` : ''}, peak RSS ${fmt(r.peakRssMb)} MB, server CPU ${fmt(r.cpuMsPerRequest, 3)} ms/req at ${fmt(r.serverCpu * 100)} %, client CPU ${fmt(r.clientCpu * 100)} %`)
  } catch (err) {
    row.error = (err as Error).message
    c.errors.push(`${label} · ${endpoint}: ${row.error}`)
    c.log(`  ${label} · ${endpoint}: FAILED ${row.error}`)
  }
  return row
}
