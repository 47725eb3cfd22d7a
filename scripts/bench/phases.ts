import path from 'node:path'
import type { Request } from 'autocannon'
import { expectJson, uploadJson } from './http.js'
import { type JwsKeys, signDetached, signPool } from './jws.js'
import type { LoadSettings } from './load.js'
import { readRss } from './rss.js'
import { type Collector, fmt, type Group, measureInterleaved, measureRow, type ProcessFacts } from './rows.js'
import type { SnapshotFile } from './seed.js'
import { FINTOC_KEY, MONATO, type Server, startCeiling, startPrism, startSandbox } from './servers.js'
import { getAccounts, postMoneyOut, postTransfers, transferBody } from './workloads.js'

// The measured phases. Each starts its own server(s), measures, and stops them before the next phase; only one
// server is ever under load.

export interface PhaseContext {
  c: Collector
  load: LoadSettings
  dir: string
  scenarioFile: string
  keys: JwsKeys
  logLevel: string
  prismLogLevel: string
  clock: 'real' | 'manual'
}

/** Fintoc transfers and Monato money outs settle 1 s (sandbox time) after creation: let them before the next row */
const SETTLE_PAUSE_MS = 1_500
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Restore {
  ms: number
  /** RSS right after the restore answered, with the garbage of parsing and cloning the body */
  rssMb: number
}

async function facts(c: Collector, group: Group, label: string, server: Server, restore?: Restore) {
  await sleep(1000)
  const idle = readRss(server.child.pid)
  const entry: ProcessFacts = { group, process: server.name, label, startMs: server.startMs, idleRssMb: idle?.rssMb ?? Number.NaN, hwmMb: Number.NaN }
  if (restore) Object.assign(entry, { restoreMs: restore.ms, rssAfterRestoreMb: restore.rssMb })
  c.processes.push(entry)
  return {
    /** call just before stopping: the lifetime peak */
    done: () => {
      entry.hwmMb = readRss(server.child.pid)?.hwmMb ?? Number.NaN
    },
  }
}

/** restores smaller than this leave too little garbage to wait for */
export const BIG_RESTORE_BYTES = 20_000_000

/**
 * After a large restore the heap still holds the parsed request body and its clone; V8 gives that memory back
 * only after some idle time. Wait (up to `maxMs`) for RSS to drop by a fifth and hold still, so that the rows
 * measure the stored state rather than the restore.
 */
export async function settleRss(pid: number, afterRestoreMb: number, maxMs = 45_000): Promise<{ rssMb: number; waitedMs: number }> {
  const t0 = performance.now()
  let last = afterRestoreMb
  while (performance.now() - t0 < maxMs) {
    await sleep(1000)
    const now = readRss(pid)?.rssMb ?? Number.NaN
    if (now < afterRestoreMb * 0.8 && Math.abs(now - last) < 0.02 * last) return { rssMb: now, waitedMs: performance.now() - t0 }
    last = now
  }
  return { rssMb: last, waitedMs: performance.now() - t0 }
}

export async function rootAccountId(origin: string, prefix: string): Promise<string> {
  const [account] = await expectJson<Array<{ id: string }>>('GET', `${origin}${prefix}/v2/accounts`, undefined, { authorization: FINTOC_KEY })
  if (!account) throw new Error('the bench organization has no account')
  return account.id
}

export async function coldStarts(p: PhaseContext, runs: number): Promise<{ sandboxMs: number[]; prismMs: number[]; prismFintocMs: number[]; prismMonatoMs: number[] }> {
  const out = { sandboxMs: [] as number[], prismMs: [] as number[], prismFintocMs: [] as number[], prismMonatoMs: [] as number[] }
  for (let i = 0; i < runs; i++) {
    const sb = await startSandbox('sandbox-cold', { scenarioFile: p.scenarioFile, jws: 'enforce', logLevel: p.logLevel, clock: p.clock })
    out.sandboxMs.push(sb.startMs)
    await sb.stop()
    await sleep(300)
  }
  for (let i = 0; i < runs; i++) {
    const [f, m] = await Promise.all([startPrism('fintoc', p.prismLogLevel), startPrism('monato', p.prismLogLevel)])
    out.prismFintocMs.push(f.startMs)
    out.prismMonatoMs.push(m.startMs)
    out.prismMs.push(Math.max(f.startMs, m.startMs))
    await Promise.all([f.stop(), m.stop()])
    await sleep(300)
  }
  return out
}

/** resolves with the POST transfers rate, which sizes the JWS pool of the sandbox row */
export async function measureCeiling(p: PhaseContext): Promise<number> {
  const label = 'ceiling (bare Express)'
  const server = await startCeiling()
  try {
    const f = await facts(p.c, 'ceiling', label, server)
    const staticSig = signDetached(p.keys.privateKey, transferBody('acc_BenchCeilingAccount000000000'))
    await measureRow(p.c, 'ceiling', label, 'accounts', server.origin, getAccounts('/fintoc'), server.child.pid, p.load)
    const t = await measureRow(p.c, 'ceiling', label, 'transfers', server.origin, postTransfers('/fintoc', transferBody('acc_BenchCeilingAccount000000000'), () => staticSig), server.child.pid, p.load)
    await measureRow(p.c, 'ceiling', label, 'moneyOut', server.origin, postMoneyOut('/monato', 'bench.jwt.token'), server.child.pid, p.load)
    f.done()
    return t.result?.rps ?? 0
  } finally {
    await server.stop()
  }
}

export async function measurePrism(p: PhaseContext): Promise<void> {
  const label = 'Prism (static examples)'
  const [fintoc, monato] = await Promise.all([startPrism('fintoc', p.prismLogLevel), startPrism('monato', p.prismLogLevel)])
  try {
    const ff = await facts(p.c, 'prism', `${label}, specs/fintoc.yaml`, fintoc)
    const fm = await facts(p.c, 'prism', `${label}, specs/monato-fincore.yaml`, monato)
    // Prism checks that the security headers are there, not what they hold
    const body = transferBody('acc_BenchPrismAccount0000000000')
    const staticSig = signDetached(p.keys.privateKey, body)
    await measureRow(p.c, 'prism', label, 'accounts', fintoc.origin, getAccounts(''), fintoc.child.pid, p.load)
    await measureRow(p.c, 'prism', label, 'transfers', fintoc.origin, postTransfers('', body, () => staticSig), fintoc.child.pid, p.load)
    await measureRow(p.c, 'prism', label, 'moneyOut', monato.origin, postMoneyOut('', 'bench.jwt.token'), monato.child.pid, p.load)
    ff.done()
    fm.done()
  } finally {
    await Promise.all([fintoc.stop(), monato.stop()])
  }
}

export interface StoreVariant {
  group: Group
  label: string
  dataFile: boolean
  snapshot?: SnapshotFile
}

interface Started {
  server: Server
  done: () => void
  transfers: Request[]
}

/** one variant's server: started, restored from its snapshot, settled, with its idle facts recorded */
async function startVariant(p: PhaseContext, v: StoreVariant): Promise<Started> {
  const dataFile = v.dataFile ? path.join(p.dir, `state-${v.group}.json`) : undefined
  const server = await startSandbox(`sandbox-${v.group}`, { scenarioFile: p.scenarioFile, jws: 'off', logLevel: p.logLevel, clock: p.clock, ...(dataFile ? { dataFile } : {}) })
  try {
    let restore: Restore | undefined
    if (v.snapshot) {
      const t0 = performance.now()
      const res = await uploadJson(`${server.origin}/__admin/snapshot`, v.snapshot.file)
      if (res.status !== 200) throw new Error(`restoring the ${v.snapshot.transfers}-transfer snapshot (${fmt(v.snapshot.bytes / 1e6, 1)} MB) answered ${res.status}: ${res.body.slice(0, 300)}`)
      restore = { ms: performance.now() - t0, rssMb: readRss(server.child.pid)?.rssMb ?? Number.NaN }
      const settled = v.snapshot.bytes > BIG_RESTORE_BYTES ? await settleRss(server.child.pid, restore.rssMb) : undefined
      p.c.log(`  ${v.label}: restored ${v.snapshot.transfers.toLocaleString('en')} transfers in ${fmt(restore.ms)} ms; RSS ${fmt(restore.rssMb)} MB${settled ? `, ${fmt(settled.rssMb)} MB after ${fmt(settled.waitedMs / 1000, 1)} s idle` : ''}`)
    }
    const f = await facts(p.c, v.group, v.label, server, restore)
    return { server, done: f.done, transfers: postTransfers('/fintoc', transferBody(await rootAccountId(server.origin, '/fintoc'))) }
  } catch (err) {
    await server.stop()
    throw err
  }
}

/**
 * Memory or DATA_FILE, empty or restored from a snapshot, JWS off so that the rows measure the store. All the
 * variants' servers are started first and then measured in interleaved rounds, one under load at a time: their
 * ratios (100k / empty, DATA_FILE / memory) compare like with like on a machine whose speed drifts.
 */
export async function measureStoreVariants(p: PhaseContext, variants: StoreVariant[], rounds: number): Promise<void> {
  const started: Array<Started & { v: StoreVariant }> = []
  try {
    for (const v of variants) {
      try {
        started.push({ v, ...(await startVariant(p, v)) })
      } catch (err) {
        p.c.errors.push(`${v.label}: ${(err as Error).message}`)
        p.c.log(`  ${v.label}: FAILED to start ${(err as Error).message}`)
      }
    }
    const target = (s: (typeof started)[number], requests: Request[]) => ({ group: s.v.group, label: s.v.label, origin: s.server.origin, pid: s.server.child.pid, requests })
    await measureInterleaved(p.c, 'accounts', started.map((s) => target(s, getAccounts('/fintoc'))), p.load, rounds)
    // each slice's transfers settle 1 s later: let them, so that they do not run during the next server's slice
    await measureInterleaved(p.c, 'transfers', started.map((s) => target(s, s.transfers)), p.load, rounds, SETTLE_PAUSE_MS)
    for (const s of started) s.done()
  } finally {
    await Promise.all(started.map((s) => s.server.stop()))
  }
}

/** the sandbox as shipped (memory store, JWS enforced), signed transfers from a pool of pre-signed requests */
export async function measureSandbox(p: PhaseContext, poolSize: number): Promise<void> {
  const label = 'sandbox (memory, JWS enforced)'
  const server = await startSandbox('sandbox', { scenarioFile: p.scenarioFile, jws: 'enforce', logLevel: p.logLevel, clock: p.clock })
  try {
    const f = await facts(p.c, 'sandbox', label, server)
    const { origin } = server
    const { token } = await expectJson<{ token: string }>('POST', `${origin}/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`, { client_id: MONATO.clientId, client_secret: MONATO.clientSecret }, { 'x-api-key': MONATO.apiKey })
    await expectJson('POST', `${origin}/__admin/monato/money_in`, { clabe: MONATO.sourceClabe, amount: '1000000.00', payer_name: 'Bench Funding' })
    const body = transferBody(await rootAccountId(origin, '/fintoc'))

    await measureRow(p.c, 'sandbox', label, 'accounts', origin, getAccounts('/fintoc'), server.child.pid, p.load)

    const t0 = performance.now()
    const pool = signPool(p.keys.privateKey, body, poolSize)
    p.c.log(`  signed a pool of ${poolSize.toLocaleString('en')} JWS in ${fmt((performance.now() - t0) / 1000, 1)} s`)
    await measureRow(p.c, 'sandbox', label, 'transfers', origin, postTransfers('/fintoc', body, pool.next), server.child.pid, p.load, () => [
      `JWS pool: ${pool.size.toLocaleString('en')} pre-signed${pool.overdrawn() ? `, OVERDRAWN by ${pool.overdrawn().toLocaleString('en')} (those reused a nonce: 401)` : ''}`,
    ])
    await sleep(SETTLE_PAUSE_MS)
    await measureRow(p.c, 'sandbox', label, 'moneyOut', origin, postMoneyOut('/monato', token), server.child.pid, p.load)
    await sleep(SETTLE_PAUSE_MS)
    f.done()
  } finally {
    await server.stop()
  }
}
