import { stat } from 'node:fs/promises'
import path from 'node:path'
import { expectJson, uploadJson } from './http.js'
import type { PhaseContext } from './phases.js'
import { readRss } from './rss.js'
import { type BootFacts, fmt } from './rows.js'
import type { SnapshotFile } from './seed.js'
import { FINTOC_KEY, startSandbox } from './servers.js'

// "Boot 100k transfers from DATA_FILE": a data file as the sandbox itself writes it (a snapshot of transfers made
// over HTTP, restored into a DATA_FILE sandbox, which a clean stop leaves as one base file), then the time from
// spawning `node <flags of npm start> dist/main.js` on it until /health answers, and the peak RSS of that boot.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const size = (file: string) => stat(file).then((s) => s.size, () => 0)

/** a sandbox that restores `snapshot` into `file` and stops cleanly */
async function writeDataFile(p: PhaseContext, snapshot: SnapshotFile, file: string): Promise<void> {
  const writer = await startSandbox('sandbox-boot-writer', { scenarioFile: p.scenarioFile, jws: 'off', logLevel: p.logLevel, clock: p.clock, dataFile: file })
  try {
    const res = await uploadJson(`${writer.origin}/__admin/snapshot`, snapshot.file)
    if (res.status !== 200) throw new Error(`restoring the ${snapshot.transfers}-transfer snapshot answered ${res.status}: ${res.body.slice(0, 300)}`)
  } finally {
    await writer.stop()
  }
  const code = await writer.child.exited
  if (code !== 0) throw new Error(`the sandbox writing the data file exited ${code}: ${writer.child.stderr().slice(-300)}`)
}

export async function measureBoot(p: PhaseContext, snapshot: SnapshotFile, runs: number): Promise<void> {
  const file = path.join(p.dir, 'boot.json')
  await writeDataFile(p, snapshot, file)
  const facts: BootFacts = { label: `sandbox on a DATA_FILE of ${snapshot.transfers.toLocaleString('en')} transfers`, transfers: snapshot.transfers, fileBytes: (await size(file)) + (await size(`${file}.log`)), bootMs: [], peakRssMb: [], idleRssMb: [] }
  p.c.boots.push(facts)
  for (let i = 0; i < runs; i++) {
    const server = await startSandbox('sandbox-boot', { scenarioFile: p.scenarioFile, jws: 'off', logLevel: p.logLevel, clock: p.clock, dataFile: file })
    try {
      // the lifetime peak so far is the boot's: nothing else has run on this process yet
      facts.peakRssMb.push(readRss(server.child.pid)?.hwmMb ?? Number.NaN)
      facts.bootMs.push(server.startMs)
      const some = await expectJson<unknown[]>('GET', `${server.origin}/fintoc/v2/transfers?limit=1`, undefined, { authorization: FINTOC_KEY })
      if (some.length === 0) throw new Error('the booted sandbox lists no transfer')
      await sleep(1000)
      facts.idleRssMb.push(readRss(server.child.pid)?.rssMb ?? Number.NaN)
    } finally {
      await server.stop()
    }
    p.c.log(`  boot ${i + 1}/${runs}: ${fmt(facts.bootMs.at(-1))} ms to /health, peak RSS ${fmt(facts.peakRssMb.at(-1))} MB, ${fmt(facts.idleRssMb.at(-1))} MB a second later (file ${fmt(facts.fileBytes / 1e6, 1)} MB)`)
  }
}
