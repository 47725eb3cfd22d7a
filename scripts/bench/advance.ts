import path from 'node:path'
import autocannon, { type Result } from 'autocannon'
import { callJson, expectJson } from './http.js'
import { sendAmount } from './load.js'
import { type PhaseContext, rootAccountId } from './phases.js'
import { readRss, sampleRss } from './rss.js'
import { type AdvanceFacts, fmt, type Latency } from './rows.js'
import { freePort } from './processes.js'
import { FINTOC_KEY, startSandbox } from './servers.js'
import { getAccounts, postTransfers, transferBody } from './workloads.js'

// "Advance over 10k due items": a manual-clock sandbox holds thousands of Fintoc transfers pending settlement, all
// due at one instant, and POST /__admin/clock/advance moves it 10 years while a few clients keep calling
// GET /v2/accounts. Measured: the advance's duration, the server's peak RSS during it, and how long the other
// clients waited (the advance runs its jobs in bounded batches and yields to requests between them).

/** the largest advance the control API takes */
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000
/** other clients of the sandbox during the advance (a CI job's other tests), each sending as soon as answered */
const CLIENTS = 10
const IDLE_S = 2

const latency = (r: Result): Latency => ({
  requests: r['2xx'] + r.non2xx,
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  maxMs: r.latency.max,
  failed: r.non2xx + r.errors + r.timeouts,
})

/** GET load from CLIENTS connections; `stop()` ends it within 50 ms */
const getLoad = (origin: string, durationS: number) => autocannon({ url: origin, connections: CLIENTS, duration: durationS, requests: getAccounts('/fintoc'), timeout: 600, sampleInt: 50 })

export interface AdvanceVariant {
  dataFile: boolean
  /** each settlement also sends a webhook, to a receiver that is down: every delivery fails and is retried (17 times) */
  downReceiver: boolean
}

export async function measureAdvance(p: PhaseContext, items: number, v: AdvanceVariant): Promise<void> {
  const label = `sandbox (${v.dataFile ? 'DATA_FILE' : 'memory'}, CLOCK=manual), ${items.toLocaleString('en')} transfers pending${v.downReceiver ? ', webhooks to a receiver that is down' : ''}`
  const name = `sandbox-advance-${v.dataFile ? 'file' : 'mem'}${v.downReceiver ? '-hooks' : ''}`
  const server = await startSandbox(name, {
    scenarioFile: p.scenarioFile,
    jws: 'off',
    logLevel: p.logLevel,
    clock: 'manual',
    ...(v.dataFile ? { dataFile: path.join(p.dir, `${name}.json`) } : {}),
  })
  const { origin } = server
  const pid = server.child.pid
  try {
    // seeded without Idempotency-Key (see seed.ts): the pending transfers and their jobs are the point
    const sent = await sendAmount(origin, postTransfers('/fintoc', transferBody(await rootAccountId(origin, '/fintoc')), undefined, false), items, 50)
    if (sent.ok < items) throw new Error(`only ${sent.ok} of ${items} transfers accepted: ${JSON.stringify(sent.statusCodes)}, ${sent.errors} errors`)
    const pending = () => expectJson<unknown[]>('GET', `${origin}/fintoc/v2/transfers?status=pending&limit=1`, undefined, { authorization: FINTOC_KEY })
    if ((await pending()).length === 0) throw new Error('no transfer is pending before the advance: is the clock manual?')
    if (v.downReceiver) {
      // nothing listens on a free port: each attempt is refused at once, and the next one scheduled
      const url = `http://127.0.0.1:${await freePort()}/hooks`
      await expectJson('POST', `${origin}/fintoc/v1/webhook_endpoints`, { url, enabled_events: ['transfer.outbound.succeeded'] }, { authorization: FINTOC_KEY })
    }

    const idle = latency(await getLoad(origin, IDLE_S))
    const rssBeforeMb = readRss(pid)?.rssMb ?? Number.NaN
    const rss = sampleRss(pid)
    const load = getLoad(origin, 3600)
    const t0 = performance.now()
    const res = await callJson<{ ran?: number }>('POST', `${origin}/__admin/clock/advance`, { ms: TEN_YEARS_MS })
    const advanceMs = performance.now() - t0
    load.stop()
    const during = latency(await load)
    const peakRssMb = rss.stop()
    if (res.status !== 200) throw new Error(`the advance answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`)
    if ((await pending()).length > 0) throw new Error('transfers still pending after the advance')

    const facts: AdvanceFacts = { label, items, advancedMs: TEN_YEARS_MS, ran: res.body.ran ?? Number.NaN, advanceMs, rssBeforeMb, peakRssMb, idle, during }
    p.c.advances.push(facts)
    p.c.log(
      `  ${label}: 10-year advance ran ${fmt(facts.ran)} jobs in ${fmt(advanceMs / 1000, 2)} s; RSS ${fmt(rssBeforeMb)} → peak ${fmt(peakRssMb)} MB; ` +
        `GET p50/p99/max ${fmt(idle.p50Ms)}/${fmt(idle.p99Ms)}/${fmt(idle.maxMs)} ms idle, ${fmt(during.p50Ms)}/${fmt(during.p99Ms)}/${fmt(during.maxMs)} ms during (${fmt(during.requests)} answered, ${fmt(during.failed)} failed)`,
    )
  } finally {
    await server.stop()
  }
}
