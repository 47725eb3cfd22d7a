import { renderDashboards } from './dashboard.js'
import type { Collector, Group, Row } from './rows.js'
import { fmt } from './rows.js'
import { ENDPOINTS, type EndpointId } from './workloads.js'
import { SANDBOX_ARGS } from './servers.js'

// Ratios against the targets of issue #7, and the human-readable report.

export interface Check {
  name: string
  value: number
  op: '>=' | '<='
  target: number
  unit: 'ratio' | 'MB' | 'ms'
  /** PASS / FAIL, or INVALID when a row it rests on is missing or mostly non-2xx */
  status: 'PASS' | 'FAIL' | 'INVALID'
  detail: string
  /**
   * For throughput ratios, the same comparison made on server CPU per request (den ms/req ÷ num ms/req):
   * what the ratio would be if both servers were CPU-bound on an equally busy machine. A steadier reading than
   * req/s on a shared machine; informative only, the targets are judged on req/s.
   */
  cpuView?: number
}

export interface ColdStart {
  sandboxMs: number[]
  prismMs: number[]
  prismFintocMs: number[]
  prismMonatoMs: number[]
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

function judge(name: string, value: number, op: Check['op'], target: number, unit: Check['unit'], detail: string, valid = true): Check {
  const ok = op === '>=' ? value >= target : value <= target
  return { name, value, op, target, unit, status: !valid || !Number.isFinite(value) ? 'INVALID' : ok ? 'PASS' : 'FAIL', detail }
}

export function buildChecks(c: Collector, cold: ColdStart | undefined, big: number, small: number): Check[] {
  const row = (g: Group, e: EndpointId): Row | undefined => c.rows.find((r) => r.group === g && r.endpoint === e)
  const checks: Check[] = []
  const ratio = (name: string, num: [Group, EndpointId], den: [Group, EndpointId], op: Check['op'], target: number) => {
    const a = row(...num)
    const b = row(...den)
    const ra = a?.result
    const rb = b?.result
    // rows measured in the same interleaved rounds: the median of the rounds' ratios, each taken at one moment
    const paired = ra?.rounds && rb?.rounds && ra.rounds.length === rb.rounds.length ? ra.rounds.map((x, i) => x / rb.rounds![i]!) : undefined
    const value = !ra || !rb ? Number.NaN : paired ? median(paired) : ra.rps / rb.rps
    const overall = `${fmt(ra?.rps)} / ${fmt(rb?.rps)} req/s`
    const detail = paired ? `median of ${paired.length} paired rounds (${paired.map((x) => fmt(x, 2)).join(', ')}); overall ${overall}` : overall
    const check = judge(name, value, op, target, 'ratio', detail, Boolean(ra?.valid && rb?.valid))
    if (ra && rb) check.cpuView = rb.cpuMsPerRequest / ra.cpuMsPerRequest
    checks.push(check)
  }
  const bigS = big.toLocaleString('en')
  const smallS = small.toLocaleString('en')
  ratio('GET accounts: sandbox / ceiling', ['sandbox', 'accounts'], ['ceiling', 'accounts'], '>=', 0.7)
  ratio('GET accounts: sandbox / Prism', ['sandbox', 'accounts'], ['prism', 'accounts'], '>=', 3)
  ratio('POST transfers (JWS enforced): sandbox / ceiling', ['sandbox', 'transfers'], ['ceiling', 'transfers'], '>=', 0.4)
  ratio('POST transfers (JWS enforced): sandbox / Prism', ['sandbox', 'transfers'], ['prism', 'transfers'], '>=', 1.5)
  ratio('POST transfers (JWS off): sandbox / ceiling', ['mem-empty', 'transfers'], ['ceiling', 'transfers'], '>=', 0.4)
  ratio('POST transfers (JWS off): sandbox / Prism', ['mem-empty', 'transfers'], ['prism', 'transfers'], '>=', 1.5)
  ratio('POST money_out: sandbox / ceiling', ['sandbox', 'moneyOut'], ['ceiling', 'moneyOut'], '>=', 0.4)
  ratio('POST money_out: sandbox / Prism', ['sandbox', 'moneyOut'], ['prism', 'moneyOut'], '>=', 1.5)
  if (cold) {
    const s = median(cold.sandboxMs)
    const p = median(cold.prismMs)
    checks.push(judge('cold start: sandbox / Prism (medians)', s / p, '<=', 0.5, 'ratio', `${fmt(s)} / ${fmt(p)} ms`))
  }
  for (const e of ['transfers', 'accounts'] as const) {
    const what = e === 'transfers' ? 'POST transfers' : 'GET accounts'
    ratio(`${what}, memory: ${bigS} stored / empty`, ['mem-big', e], ['mem-empty', e], '>=', 0.9)
    ratio(`${what}: DATA_FILE / memory (empty)`, ['file-empty', e], ['mem-empty', e], '>=', 0.5)
    ratio(`${what}, DATA_FILE: ${bigS} / ${smallS} stored`, ['file-big', e], ['file-small', e], '>=', 0.8)
  }
  const idle = c.processes.find((p) => p.group === 'sandbox')
  if (idle) checks.push(judge('RSS idle, sandbox after start', idle.idleRssMb, '<=', 150, 'MB', `${fmt(idle.idleRssMb)} MB`))
  for (const g of ['mem-big', 'file-big'] as const) {
    const peaks = c.rows.filter((r) => r.group === g && r.result).map((r) => r.result!.peakRssMb)
    const proc = c.processes.find((p) => p.group === g)
    if (peaks.length === 0 && !proc) continue
    const peak = Math.max(proc?.idleRssMb ?? 0, ...peaks)
    checks.push(judge(`RSS peak under load, ${bigS} stored (${g === 'mem-big' ? 'memory' : 'DATA_FILE'})`, peak, '<=', 500, 'MB', `${fmt(peak)} MB (lifetime peak incl. restore: ${fmt(proc?.hwmMb)} MB)`))
  }
  // issue #18: a dashboard page answers in under 200 ms server-side, and an open dashboard costs the API no throughput
  for (const d of c.dashboards) {
    const worst = [...d.pages].sort((a, b) => b.serverMs.p99 - a.serverMs.p99)[0]
    const valid = d.pages.length > 0 && d.pages.every((t) => t.failed === 0) && d.unmatched === 0
    const check = judge(`dashboard pages, ${d.transfers.toLocaleString('en')} stored: slowest p99, server-side`, worst?.serverMs.p99 ?? Number.NaN, '<=', 200, 'ms', worst ? `${worst.path}: p50 ${fmt(worst.serverMs.p50, 1)}, max ${fmt(worst.serverMs.max, 1)} ms over ${worst.samples}` : 'no page', valid)
    // the costliest page's server CPU ms per request: what its time would be on an idle core
    check.cpuView = Math.max(...d.pages.map((t) => t.cpuMs))
    checks.push(check)
  }
  if (c.dashboards.length) ratio(`GET accounts, ${bigS} stored: dashboard refreshing / none open`, ['dash-open', 'accounts'], ['dash-closed', 'accounts'], '>=', 0.9)
  return checks
}

const pad = (s: string, n: number, right = false) => (right ? s.padStart(n) : s.padEnd(n))

function table(headers: string[], rows: string[][], rightFrom: number): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i >= rightFrom)).join('  ')
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function renderReport(c: Collector, checks: Check[], cold: ColdStart | undefined, header: string[]): string {
  const out: string[] = [...header, '']
  out.push(
    table(
      ['server', 'endpoint', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors', 'peak RSS MB', 'srv CPU %', 'CPU ms/req', 'client CPU %', 'note'],
      c.rows.map((r) => {
        const x = r.result
        const codes = x ? Object.entries(x.statusCodes).filter(([code]) => !code.startsWith('2')).map(([code, n]) => `${code}×${n}`).join(' ') : ''
        return [
          r.label,
          ENDPOINTS[r.endpoint],
          fmt(x?.rps),
          fmt(x?.p50Ms),
          fmt(x?.p99Ms),
          fmt(x?.ok),
          x ? `${fmt(x.non2xx)}${codes ? ` (${codes})` : ''}` : '–',
          fmt(x?.errors),
          fmt(x?.peakRssMb),
          fmt(x && x.serverCpu * 100),
          fmt(x?.cpuMsPerRequest, 3),
          fmt(x && x.clientCpu * 100),
          r.error ? `FAILED: ${r.error}` : r.notes.join('; '),
        ]
      }),
      2,
    ),
  )
  out.push('', 'Server processes (RSS idle = 1 s after start, or after a restore once RSS settled; lifetime peak read when stopping):')
  out.push(
    table(
      ['process', 'start ms', 'restore ms', 'RSS after restore MB', 'RSS idle MB', 'lifetime peak MB'],
      c.processes.map((p) => [p.label, fmt(p.startMs), fmt(p.restoreMs), fmt(p.rssAfterRestoreMb), fmt(p.idleRssMb), fmt(p.hwmMb)]),
      1,
    ),
  )
  if (c.advances.length) {
    out.push('', 'Advance over due items (POST /__admin/clock/advance {"ms": 10 years}, manual clock, transfers all due at one instant; GET /fintoc/v2/accounts from 10 connections before and during it):')
    out.push(
      table(
        ['server', 'items', 'jobs run', 'advance s', 'RSS before MB', 'peak RSS MB', 'GET idle p50/p99 ms', 'GET during p50/p99/max ms', 'GETs during', 'failed'],
        c.advances.map((a) => [a.label, fmt(a.items), fmt(a.ran), fmt(a.advanceMs / 1000, 2), fmt(a.rssBeforeMb), fmt(a.peakRssMb), `${fmt(a.idle.p50Ms)} / ${fmt(a.idle.p99Ms)}`, `${fmt(a.during.p50Ms)} / ${fmt(a.during.p99Ms)} / ${fmt(a.during.maxMs)}`, fmt(a.during.requests), fmt(a.during.failed)]),
        1,
      ),
    )
  }
  if (c.boots.length) {
    out.push('', `Boot from a DATA_FILE (node ${SANDBOX_ARGS.join(' ')}, spawn → first 2xx on /health; peak = VmHWM then):`)
    out.push(
      table(
        ['server', 'transfers', 'file MB', 'boot ms (median)', 'boot ms (runs)', 'peak RSS MB (max)', 'RSS 1 s later MB'],
        c.boots.map((b) => [b.label, fmt(b.transfers), fmt(b.fileBytes / 1e6, 1), fmt(median(b.bootMs)), b.bootMs.map((x) => fmt(x)).join(', '), fmt(Math.max(...b.peakRssMb)), b.idleRssMb.map((x) => fmt(x)).join(', ')]),
        1,
      ),
    )
  }
  out.push(...renderDashboards(c.dashboards, table))
  if (cold) {
    const list = (xs: number[]) => xs.map((x) => fmt(x)).join(', ')
    out.push(
      '',
      'Cold start, spawn → first 2xx (median of the runs):',
      `  sandbox (node ${SANDBOX_ARGS.join(' ')}, both providers), GET /health: median ${fmt(median(cold.sandboxMs))} ms [${list(cold.sandboxMs)}]`,
      `  Prism, both specs spawned together, until both answer (no /health: first 2xx on GET /v2/accounts and GET /v1/banks): median ${fmt(median(cold.prismMs))} ms [${list(cold.prismMs)}]`,
      `    fintoc.yaml alone ${fmt(median(cold.prismFintocMs))} ms, monato-fincore.yaml alone ${fmt(median(cold.prismMonatoMs))} ms (medians, started concurrently)`,
    )
  }
  out.push('', 'Targets (judged on req/s from this run, stored-state ratios on the median of their paired rounds; CPU view = the same ratio from server CPU ms per request, for reading through a busy machine):')
  out.push(
    table(
      ['check', 'value', 'target', 'result', 'CPU view', 'from'],
      checks.map((k) => [k.name, k.unit === 'ratio' ? fmt(k.value, 2) : `${fmt(k.value, k.unit === 'ms' ? 1 : 0)} ${k.unit}`, `${k.op} ${k.target}${k.unit === 'ratio' ? '' : ` ${k.unit}`}`, k.status, fmt(k.cpuView, 2), k.detail]),
      1,
    ),
  )
  if (c.errors.length) out.push('', 'Errors (the harness could not measure these):', ...c.errors.map((e) => `  ${e}`))
  return out.join('\n')
}
