import path from 'node:path'
import { download, expectJson } from './http.js'
import { sendAmount } from './load.js'
import { readRss } from './rss.js'
import { FINTOC_KEY, startSandbox } from './servers.js'
import { postTransfers, transferBody } from './workloads.js'

// Builds the stored states once: one sandbox (JWS off, real clock) receives transfers over HTTP until it holds
// each requested count, lets them settle, and exports a snapshot per count. Restoring a snapshot
// (POST /__admin/snapshot) then gives every variant the same state.
// Seeding sends no Idempotency-Key: each cached answer (~0.9 kB) would make a 100,000-transfer snapshot more than
// half idempotency records. The stored transfers are the point here; idempotency records expire after 24 h anyway.

/** express.json({ limit: '1gb' }) on /__admin */
export const ADMIN_BODY_LIMIT = 1024 * 1024 * 1024

export interface SnapshotFile {
  transfers: number
  file: string
  bytes: number
  /** the seeding sandbox's RSS once this many transfers had settled, before the export */
  seederRssMb: number
}

export interface SeedReport {
  snapshots: SnapshotFile[]
  sendRps: number
  seconds: number
  /** the seeding sandbox's lifetime peak, exports included */
  seederHwmMb: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** every transfer settles one delay after creation: wait until the API lists none pending */
async function waitSettled(origin: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const pending = await expectJson<unknown[]>('GET', `${origin}/fintoc/v2/transfers?status=pending&limit=1`, undefined, { authorization: FINTOC_KEY })
    if (pending.length === 0) return
    if (Date.now() > deadline) throw new Error(`seeding: transfers still pending after ${timeoutMs} ms`)
    await sleep(500)
  }
}

export async function buildSnapshots(dir: string, scenarioFile: string, counts: number[], log: (m: string) => void): Promise<SeedReport> {
  const t0 = performance.now()
  const server = await startSandbox('seeder', { scenarioFile, jws: 'off', logLevel: 'warn', clock: 'real' })
  try {
    const [account] = await expectJson<Array<{ id: string }>>('GET', `${server.origin}/fintoc/v2/accounts`, undefined, { authorization: FINTOC_KEY })
    if (!account) throw new Error('seeding: the bench organization has no account')
    const requests = postTransfers('/fintoc', transferBody(account.id), undefined, false)
    const snapshots: SnapshotFile[] = []
    let stored = 0
    let sendSeconds = 0
    for (const target of [...counts].sort((a, b) => a - b)) {
      for (let round = 0; stored < target; round++) {
        if (round === 3) throw new Error(`seeding: only ${stored} of ${target} transfers accepted after 3 rounds`)
        const asked = target - stored
        const r = await sendAmount(server.origin, requests, asked, 100)
        stored += r.ok
        sendSeconds += r.seconds
        if (r.ok < asked) log(`  seeding: ${r.ok} accepted, status codes ${JSON.stringify(r.statusCodes)}, ${r.errors} errors`)
      }
      await waitSettled(server.origin, 180_000)
      const seederRssMb = readRss(server.child.pid)?.rssMb ?? Number.NaN
      const file = path.join(dir, `snapshot-${target}.json`)
      const bytes = await download(`${server.origin}/__admin/snapshot`, file)
      snapshots.push({ transfers: target, file, bytes, seederRssMb })
      log(`  snapshot with ${target.toLocaleString('en')} transfers: ${(bytes / 1e6).toFixed(1)} MB (seeding sandbox RSS before export: ${seederRssMb.toFixed(0)} MB)`)
      if (bytes > ADMIN_BODY_LIMIT) log(`  WARNING: larger than the 1 GB limit of POST /__admin/snapshot: restoring it will be refused (413)`)
    }
    return { snapshots, sendRps: stored / Math.max(sendSeconds, 0.001), seconds: (performance.now() - t0) / 1000, seederHwmMb: readRss(server.child.pid)?.hwmMb ?? Number.NaN }
  } finally {
    await server.stop()
  }
}
