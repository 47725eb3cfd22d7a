import { open, stat } from 'node:fs/promises'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { cpuSeconds } from './cpu.js'
import { expectJson, uploadJson } from './http.js'
import { combineRounds, type LoadResult, roundRate, runLoad, sendAmount } from './load.js'
import { BIG_RESTORE_BYTES, type PhaseContext, rootAccountId, settleRss } from './phases.js'
import { readRss } from './rss.js'
import { type Collector, finishRow, fmt, type ProcessFacts, type Row } from './rows.js'
import type { SnapshotFile } from './seed.js'
import { FINTOC_KEY, type Server, startSandbox } from './servers.js'
import { getAccounts, postTransfers, transferBody } from './workloads.js'

// "Dashboard over 100,000 stored transfers" (issue #18): a memory-store sandbox restored from the big snapshot,
// then (1) provider API throughput (GET /fintoc/v2/accounts, the sandbox rows' workload) with no dashboard open and
// with dashboards refreshing, in interleaved rounds on the same server, and (2) each dashboard page's server-side
// time: sequential GETs from one keep-alive connection on 127.0.0.1, each timed by the sandbox's own access log
// (`ms`, from the request's arrival to the last byte handed to the socket), matched by X-Request-Id.

/** rows per page of the Fintoc transfers list (`limits` in src/providers/fintoc/dashboard-common.ts) */
const PAGE_LIMIT = 50
/** the live refresh's interval: the open page fetches itself again this often (REFRESH_MS in src/dashboard/script.ts) */
const REFRESH_MS = 2_000
/** what the live refresh sends, so that the shell answers the page's content without its layout */
const PARTIAL = { 'x-dashboard-partial': '1' }
/** Fintoc transfers made with a webhook endpoint registered, so that the deliveries page has something to page */
const deliveriesFor = (transfers: number) => Math.max(Math.min(Math.round(transfers / 10), 10_000), 10)

export interface DashboardPageTiming {
  name: string
  path: string
  samples: number
  /** answers that were not 2xx */
  failed: number
  statuses: Record<string, number>
  /** size of the answer's body */
  bytes: number
  /** server-side, from the access log */
  serverMs: { p50: number; p99: number; max: number }
  /** what the client saw, connection kept alive */
  clientMs: { p50: number; max: number }
  /** the server process's CPU time over the samples, per request: steadier than wall time on a busy machine */
  cpuMs: number
}

export interface DashboardRefresh {
  clients: number
  intervalMs: number
  paths: string[]
  requests: number
  failed: number
  /** client-side, during the loaded slices */
  p50Ms: number
  maxMs: number
}

export interface DashboardFacts {
  label: string
  transfers: number
  deliveries: number
  pages: DashboardPageTiming[]
  refresh: DashboardRefresh
  /** requests whose access line was not found: their server time is missing */
  unmatched: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : Number.NaN)

/** nearest rank */
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}

interface Answer {
  status: number
  ms: number
  bytes: number
  requestId: string
}

/** one GET over `agent` (keep-alive); a network error answers status 0 */
function get(agent: Agent, origin: string, urlPath: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const req = request(`${origin}${urlPath}`, { agent, headers, timeout: 60_000 }, (res) => {
      let bytes = 0
      res.on('data', (c: Buffer) => {
        bytes += c.length
      })
      // a partial answer is always 200 and says the page's own status in X-Dashboard-Status
      const status = Number(res.headers['x-dashboard-status'] ?? res.statusCode ?? 0)
      res.on('end', () => resolve({ status, ms: performance.now() - t0, bytes, requestId: String(res.headers['x-request-id'] ?? '') }))
      res.on('error', () => resolve({ status: 0, ms: performance.now() - t0, bytes, requestId: '' }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0, bytes: 0, requestId: '' }))
    req.end()
  })
}

/** `ms` of each access line written after `offset`, by request id */
async function accessTimes(file: string, offset: number): Promise<Map<string, number>> {
  const fh = await open(file, 'r')
  try {
    const { size } = await fh.stat()
    const buf = Buffer.alloc(Math.max(size - offset, 0))
    await fh.read(buf, 0, buf.length, offset)
    const out = new Map<string, number>()
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line.includes('"reqId"')) continue
      try {
        const e = JSON.parse(line) as { reqId?: string; ms?: number }
        if (e.reqId && typeof e.ms === 'number') out.set(e.reqId, e.ms)
      } catch {
        // a line cut by a write still in flight
      }
    }
    return out
  } finally {
    await fh.close()
  }
}

/** what the refreshes saw, over every open slice */
interface RefreshLog {
  times: number[]
  failed: number
}

/**
 * `clients` open dashboards, each on its own keep-alive connection like a browser tab, each fetching `paths` in
 * turn every `intervalMs` (the next refresh is due `intervalMs` after the previous one started), started a fraction
 * of the interval apart.
 */
function startRefresher(origin: string, paths: string[], clients: number, intervalMs: number, seen: RefreshLog): { stop: () => Promise<void> } {
  let stopped = false
  let wake: Array<() => void> = []
  const pause = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms)
      wake.push(() => {
        clearTimeout(t)
        r()
      })
    })
  const client = async (k: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    await pause((k * intervalMs) / clients)
    while (!stopped) {
      const t0 = performance.now()
      for (const p of paths) {
        if (stopped) break
        const a = await get(agent, origin, p, PARTIAL)
        seen.times.push(a.ms)
        if (a.status < 200 || a.status >= 300) seen.failed++
      }
      if (!stopped) await pause(Math.max(0, intervalMs - (performance.now() - t0)))
    }
    agent.destroy()
  }
  const loops = Array.from({ length: clients }, (_, k) => client(k))
  return {
    stop: async () => {
      stopped = true
      for (const w of wake.splice(0)) w()
      wake = []
      await Promise.all(loops)
    },
  }
}

/** a webhook receiver in this process that accepts everything, counting what it got */
async function startReceiver(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let n = 0
  const srv = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      n++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks`, received: () => n, close: () => new Promise((r) => srv.close(() => r())) }
}

/** `count` transfers made while an endpoint for their outcome is registered: a page of deliveries to show */
async function makeDeliveries(c: Collector, origin: string, count: number): Promise<void> {
  const receiver = await startReceiver()
  try {
    await expectJson('POST', `${origin}/fintoc/v1/webhook_endpoints`, { url: receiver.url, enabled_events: ['transfer.outbound.succeeded'] }, { authorization: FINTOC_KEY })
    const sent = await sendAmount(origin, postTransfers('/fintoc', transferBody(await rootAccountId(origin, '/fintoc')), undefined, false), count, 20)
    if (sent.ok < count) throw new Error(`deliveries: only ${sent.ok} of ${count} transfers accepted: ${JSON.stringify(sent.statusCodes)}`)
    const deadline = Date.now() + 120_000
    while (receiver.received() < count) {
      if (Date.now() > deadline) throw new Error(`deliveries: ${receiver.received()} of ${count} webhooks arrived within 120 s`)
      await sleep(200)
    }
    c.log(`  ${count.toLocaleString('en')} transfers with a webhook endpoint: ${receiver.received().toLocaleString('en')} deliveries received`)
  } finally {
    await receiver.close()
  }
}

/** the pages measured; the documented dashboard paths */
function dashboardPages(transfers: number, transferId: string): Array<{ name: string; path: string }> {
  const pages = Math.max(Math.ceil(transfers / PAGE_LIMIT), 1)
  const middle = Math.max(Math.floor(pages / 2), 1)
  return [
    { name: 'overview', path: '/__admin/ui' },
    { name: 'Fintoc transfers, first page', path: '/__admin/ui/fintoc/transfers' },
    { name: 'Fintoc transfers, filtered (status), page 2', path: '/__admin/ui/fintoc/transfers?status=succeeded&page=2' },
    { name: `Fintoc transfers, page ${middle} of ${pages}`, path: `/__admin/ui/fintoc/transfers?page=${middle}` },
    { name: 'Fintoc transfer detail', path: `/__admin/ui/fintoc/transfers/${transferId}` },
    { name: 'webhook deliveries, first page', path: '/__admin/ui/deliveries' },
    { name: 'requests (journal), first page', path: '/__admin/ui/requests' },
  ]
}

/** what an open dashboard refreshes: the transfers list and the overview (two tabs' worth, or one tab every second) */
const REFRESHED = ['/__admin/ui/fintoc/transfers', '/__admin/ui']

async function timePages(server: Server, logFile: string, pages: Array<{ name: string; path: string }>, samples: number): Promise<{ timings: DashboardPageTiming[]; unmatched: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const offset = (await stat(logFile)).size
  const answers: Answer[][] = []
  const cpuMs: number[] = []
  try {
    for (const page of pages) {
      // unmeasured: the first answer of a page compiles its code paths
      for (let i = 0; i < 2; i++) await get(agent, server.origin, page.path)
      const got: Answer[] = []
      const cpu0 = cpuSeconds(server.child.pid)
      for (let i = 0; i < samples; i++) got.push(await get(agent, server.origin, page.path))
      cpuMs.push(((cpuSeconds(server.child.pid) - cpu0) * 1000) / samples)
      answers.push(got)
    }
  } finally {
    agent.destroy()
  }
  // the access log is written in batches: wait for the last request's line
  const last = answers.at(-1)?.at(-1)?.requestId
  let times = await accessTimes(logFile, offset)
  for (let i = 0; i < 40 && last && !times.has(last); i++) {
    await sleep(50)
    times = await accessTimes(logFile, offset)
  }
  let unmatched = 0
  const timings = pages.map((page, i): DashboardPageTiming => {
    const got = answers[i]!
    const server = got.flatMap((a) => {
      const ms = times.get(a.requestId)
      if (ms === undefined) unmatched++
      return ms === undefined ? [] : [ms]
    })
    const client = got.map((a) => a.ms)
    const statuses: Record<string, number> = {}
    for (const a of got) statuses[String(a.status)] = (statuses[String(a.status)] ?? 0) + 1
    return {
      ...page,
      samples: got.length,
      failed: got.filter((a) => a.status < 200 || a.status >= 300).length,
      statuses,
      bytes: got.at(-1)?.bytes ?? 0,
      serverMs: { p50: percentile(server, 50), p99: percentile(server, 99), max: maxOf(server) },
      clientMs: { p50: percentile(client, 50), max: maxOf(client) },
      cpuMs: cpuMs[i] ?? Number.NaN,
    }
  })
  return { timings, unmatched }
}

export interface DashboardSettings {
  /** sequential requests per page */
  samples: number
  /** open dashboards refreshing during the "open" slices */
  clients: number
  rounds: number
}

/**
 * The phase. The throughput rows go into `p.c.rows` (groups dash-closed and dash-open, measured in `rounds`
 * interleaved rounds, the order swapped every round, the refreshers running during the open slices' warm-up too);
 * the page timings into `p.c.dashboards`. Logs at info whatever --log-level says: the access log is the timer.
 */
export async function measureDashboard(p: PhaseContext, snapshot: SnapshotFile, s: DashboardSettings): Promise<void> {
  const n = snapshot.transfers.toLocaleString('en')
  const label = `sandbox (memory, JWS off, ${n} stored)`
  const logFile = path.join(p.dir, 'dashboard-sandbox.log')
  const server = await startSandbox('sandbox-dashboard', { scenarioFile: p.scenarioFile, jws: 'off', logLevel: 'info', clock: p.clock, logFile })
  const { origin } = server
  const pid = server.child.pid
  try {
    const t0 = performance.now()
    const res = await uploadJson(`${origin}/__admin/snapshot`, snapshot.file)
    if (res.status !== 200) throw new Error(`restoring the ${n}-transfer snapshot answered ${res.status}: ${res.body.slice(0, 300)}`)
    const restoreMs = performance.now() - t0
    const rssMb = readRss(pid)?.rssMb ?? Number.NaN
    const deliveries = deliveriesFor(snapshot.transfers)
    await makeDeliveries(p.c, origin, deliveries)
    const settled = snapshot.bytes > BIG_RESTORE_BYTES ? await settleRss(pid, rssMb) : undefined
    p.c.log(`  ${label}: restored in ${fmt(restoreMs)} ms; RSS ${fmt(rssMb)} MB${settled ? `, ${fmt(settled.rssMb)} MB after ${fmt(settled.waitedMs / 1000, 1)} s idle` : ''}`)
    const proc: ProcessFacts = { group: 'dash-closed', process: server.name, label: `${label}, dashboard phase`, startMs: server.startMs, idleRssMb: settled?.rssMb ?? rssMb, hwmMb: Number.NaN, restoreMs, rssAfterRestoreMb: rssMb }
    p.c.processes.push(proc)

    // (1) throughput, dashboards closed and open
    const closed: LoadResult[] = []
    const opened: LoadResult[] = []
    const seen: RefreshLog = { times: [], failed: 0 }
    const sliceS = p.load.durationS / s.rounds
    const requests = getAccounts('/fintoc')
    for (let round = 0; round < s.rounds; round++) {
      const settings = { connections: p.load.connections, durationS: sliceS, warmupS: round === 0 ? p.load.warmupS : Math.min(p.load.warmupS, 1) }
      const said: string[] = []
      for (const open of round % 2 === 0 ? [false, true] : [true, false]) {
        const refresher = open ? startRefresher(origin, REFRESHED, s.clients, REFRESH_MS, seen) : undefined
        try {
          const r = await runLoad(origin, requests, pid, settings)
          ;(open ? opened : closed).push(r)
          said.push(`${open ? 'open' : 'closed'} ${fmt(roundRate(r))}`)
        } finally {
          await refresher?.stop()
        }
      }
      p.c.log(`  round ${round + 1}/${s.rounds} · accounts: ${said.join(' · ')} req/s`)
    }
    const refresh: DashboardRefresh = {
      clients: s.clients,
      intervalMs: REFRESH_MS,
      paths: REFRESHED,
      requests: seen.times.length,
      failed: seen.failed,
      p50Ms: percentile(seen.times, 50),
      maxMs: maxOf(seen.times),
    }
    const rounds = `${s.rounds} interleaved rounds of ${fmt(sliceS, 1)} s`
    const who = `${s.clients} dashboard${s.clients === 1 ? '' : 's'} refreshing ${REFRESHED.join(' and ')} every ${REFRESH_MS / 1000} s`
    const rows: Array<[Row, LoadResult[], string]> = [
      [{ group: 'dash-closed', label: `${label}, no dashboard open`, endpoint: 'accounts', notes: [] }, closed, rounds],
      [{ group: 'dash-open', label: `${label}, ${who}`, endpoint: 'accounts', notes: [] }, opened, `${rounds}; refreshes: ${fmt(refresh.requests)}, p50 ${fmt(refresh.p50Ms)} ms, max ${fmt(refresh.maxMs)} ms, ${fmt(refresh.failed)} failed`],
    ]
    for (const [row, parts, note] of rows) {
      p.c.rows.push(row)
      row.result = combineRounds(parts)
      finishRow(p.c, row, [note])
    }
    if (refresh.failed > 0) p.c.errors.push(`${label}: ${refresh.failed} of ${refresh.requests} dashboard refreshes failed`)

    // (2) server-side time of each page, nothing else running
    await sleep(1000)
    const [transfer] = await expectJson<Array<{ id: string }>>('GET', `${origin}/fintoc/v2/transfers?limit=1`, undefined, { authorization: FINTOC_KEY })
    if (!transfer) throw new Error('the restored sandbox lists no transfer')
    const { timings, unmatched } = await timePages(server, logFile, dashboardPages(snapshot.transfers + deliveries, transfer.id), s.samples)
    for (const t of timings) {
      p.c.log(`  ${t.name} (${t.path}): server p50/p99/max ${fmt(t.serverMs.p50, 1)}/${fmt(t.serverMs.p99, 1)}/${fmt(t.serverMs.max, 1)} ms, server CPU ${fmt(t.cpuMs, 1)} ms/req, client p50 ${fmt(t.clientMs.p50, 1)} ms, ${fmt(t.bytes / 1024, 1)} KB, status ${JSON.stringify(t.statuses)}`)
      if (t.failed) p.c.errors.push(`dashboard page ${t.path}: ${t.failed} of ${t.samples} answers were not 2xx (${JSON.stringify(t.statuses)})`)
    }
    if (unmatched) p.c.errors.push(`dashboard pages: ${unmatched} requests had no access-log line (server time missing)`)
    p.c.dashboards.push({ label, transfers: snapshot.transfers, deliveries, pages: timings, refresh, unmatched })
    proc.hwmMb = readRss(pid)?.hwmMb ?? Number.NaN
  } finally {
    await server.stop()
  }
}

/** the report's section */
export function renderDashboards(facts: DashboardFacts[], table: (headers: string[], rows: string[][], rightFrom: number) => string): string[] {
  const out: string[] = []
  for (const f of facts) {
    out.push(
      '',
      `Dashboard pages, ${f.label} (+${fmt(f.deliveries)} transfers made with a webhook endpoint, for the deliveries page): sequential GETs from one keep-alive connection on 127.0.0.1, nothing else running; server time = the sandbox's access-log \`ms\` (arrival → last byte written; LOG_LEVEL=info, stdout to a file), matched by X-Request-Id:`,
      table(
        ['page', 'path', 'samples', 'server p50 ms', 'server p99 ms', 'server max ms', 'server CPU ms/req', 'client p50 ms', 'KB', 'non-2xx'],
        f.pages.map((t) => [t.name, t.path, fmt(t.samples), fmt(t.serverMs.p50, 1), fmt(t.serverMs.p99, 1), fmt(t.serverMs.max, 1), fmt(t.cpuMs, 1), fmt(t.clientMs.p50, 1), fmt(t.bytes / 1024, 1), fmt(t.failed)]),
        2,
      ),
      `  refreshing dashboards during the open rounds: ${f.refresh.clients} × (${f.refresh.paths.join(', ')}) every ${fmt(f.refresh.intervalMs)} ms with X-Dashboard-Partial: 1; ${fmt(f.refresh.requests)} refreshes, p50 ${fmt(f.refresh.p50Ms, 1)} ms, max ${fmt(f.refresh.maxMs, 1)} ms under load (client-side), ${fmt(f.refresh.failed)} failed`,
    )
  }
  return out
}
