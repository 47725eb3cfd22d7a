import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { measureAdvance } from './advance.js'
import { measureBoot } from './boot.js'
import { measureDashboard } from './dashboard.js'
import { makeJwsKeys } from './jws.js'
import { readOptions } from './options.js'
import { coldStarts, measureCeiling, measurePrism, measureSandbox, measureStoreVariants, type PhaseContext, type StoreVariant } from './phases.js'
import { installExitHandlers, killAllChildren, onExit } from './processes.js'
import { buildChecks, type ColdStart, renderReport } from './report.js'
import type { Collector } from './rows.js'
import { buildSnapshots, type SeedReport } from './seed.js'
import { ROOT, SANDBOX_ARGS, writeBenchScenario } from './servers.js'

// npm run bench: the sandbox, a bare Express ceiling and Prism, measured one after the other on this machine.
// A measurement, not a test: it exits 0 whatever the targets say, 1 if it could not run, 2 if a phase failed.

const log = (m: string) => process.stderr.write(`${m}\n`)

async function main(): Promise<number> {
  const opts = readOptions(process.argv.slice(2), process.env)
  installExitHandlers()
  const startedAt = new Date()
  const load = { connections: opts.connections, durationS: opts.durationS, warmupS: opts.warmupS }
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  }
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? ''
  // what was measured: the commit, and whether src/ had uncommitted changes when dist/ was built
  const revision = { commit: git('rev-parse', '--short', 'HEAD'), uncommittedSrcFiles: git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length }
  log(`bench: ${opts.quick ? 'QUICK ' : ''}${opts.connections} connections, ${opts.durationS} s (+${opts.warmupS} s warm-up) per row, stored states in ${opts.rounds} rounds, clock ${opts.clock}`)

  if (opts.build) {
    log('bench: building dist/ (tsc -p tsconfig.build.json, as npm run build)')
    const b = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
    if (b.status !== 0) throw new Error('npm run build failed')
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), 'fmm-bench-'))
  onExit(() => rmSync(dir, { recursive: true, force: true }))
  const c: Collector = { rows: [], processes: [], advances: [], boots: [], dashboards: [], errors: [], log }
  const wanted = (name: (typeof opts.only)[number]) => opts.only.includes(name)
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    log(`bench: ${name}`)
    try {
      return await fn()
    } catch (err) {
      c.errors.push(`${name}: ${(err as Error).message}`)
      log(`bench: ${name} FAILED: ${(err as Error).stack ?? err}`)
      killAllChildren()
      return undefined
    }
  }
  let cold: ColdStart | undefined
  let seed: SeedReport | undefined
  let bootSource: string | undefined
  try {
    const keys = makeJwsKeys()
    const scenarioFile = await writeBenchScenario(dir, keys.publicPem)
    const p: PhaseContext = { c, load, dir, scenarioFile, keys, logLevel: opts.sandboxLogLevel, prismLogLevel: opts.prismLogLevel, clock: opts.clock }

    if (wanted('cold')) cold = await phase(`cold starts (${opts.coldRuns} each)`, () => coldStarts(p, opts.coldRuns))
    // the three-way comparison first and back to back, so a shared machine's mood changes as little as possible between them
    const ceilingPostRps = (wanted('ceiling') && (await phase('ceiling: bare Express', () => measureCeiling(p)))) || 0
    if (wanted('prism')) await phase('peer: Prism mock of both specs', () => measurePrism(p))
    // one signature per signed request: the sandbox will not outrun the bare ceiling, so size the pool on it
    const poolSize = Math.ceil(Math.max(ceilingPostRps, 1000) * (opts.warmupS + opts.durationS)) + opts.connections * 2
    if (wanted('sandbox')) await phase('sandbox as shipped: memory store, JWS enforced', () => measureSandbox(p, poolSize))

    if (wanted('stored')) {
      seed = await phase(`building stored states: ${opts.smallTransfers.toLocaleString('en')} and ${opts.bigTransfers.toLocaleString('en')} transfers`, () =>
        buildSnapshots(dir, scenarioFile, [opts.smallTransfers, opts.bigTransfers], log),
      )
      const snap = (n: number) => seed?.snapshots.find((s) => s.transfers === n)
      const big = opts.bigTransfers.toLocaleString('en')
      const variants: StoreVariant[] = [
        { group: 'mem-empty', label: 'sandbox (memory, JWS off, empty)', dataFile: false },
        { group: 'mem-big', label: `sandbox (memory, JWS off, ${big} stored)`, dataFile: false, snapshot: snap(opts.bigTransfers) },
        { group: 'file-empty', label: 'sandbox (DATA_FILE, JWS off, empty)', dataFile: true },
        { group: 'file-small', label: `sandbox (DATA_FILE, JWS off, ${opts.smallTransfers.toLocaleString('en')} stored)`, dataFile: true, snapshot: snap(opts.smallTransfers) },
        { group: 'file-big', label: `sandbox (DATA_FILE, JWS off, ${big} stored)`, dataFile: true, snapshot: snap(opts.bigTransfers) },
      ]
      const runnable = variants.filter((v) => {
        if (v.group === 'mem-empty' || v.group === 'file-empty' || v.snapshot) return true
        c.errors.push(`${v.label}: skipped, no snapshot`)
        return false
      })
      await phase(`stored states, memory and DATA_FILE: ${runnable.length} sandboxes, ${opts.rounds} interleaved rounds`, () => measureStoreVariants(p, runnable, opts.rounds))
    }

    const items = opts.advanceItems.toLocaleString('en')
    if (wanted('advance')) {
      await phase(`advance over ${items} due items, memory`, () => measureAdvance(p, opts.advanceItems, { dataFile: false, downReceiver: false }))
      await phase(`advance over ${items} due items, DATA_FILE`, () => measureAdvance(p, opts.advanceItems, { dataFile: true, downReceiver: false }))
      await phase(`advance over ${items} due items, memory, webhooks to a receiver that is down`, () => measureAdvance(p, opts.advanceItems, { dataFile: false, downReceiver: true }))
    }
    if (wanted('boot')) {
      const n = opts.bootTransfers
      await phase(`boot ${n.toLocaleString('en')} transfers from DATA_FILE (${opts.bootRuns} runs)`, async () => {
        // the stored-state phase's snapshot when it has this many transfers; otherwise one of its own
        const made = seed?.snapshots.find((s) => s.transfers === n) ?? (await buildSnapshots(dir, scenarioFile, [n], log)).snapshots[0]
        if (!made) throw new Error(`no snapshot of ${n} transfers`)
        bootSource = `${n.toLocaleString('en')} transfers seeded over HTTP (snapshot ${(made.bytes / 1e6).toFixed(1)} MB), restored into a DATA_FILE sandbox stopped with SIGTERM (one base file, no log)`
        await measureBoot(p, made, opts.bootRuns)
      })
    }
    if (wanted('dashboard')) {
      const n = opts.bigTransfers
      await phase(`dashboard over ${n.toLocaleString('en')} stored transfers: pages' server time, API throughput with dashboards open`, async () => {
        const made = seed?.snapshots.find((s) => s.transfers === n) ?? (await buildSnapshots(dir, scenarioFile, [n], log)).snapshots[0]
        if (!made) throw new Error(`no snapshot of ${n} transfers`)
        await measureDashboard(p, made, { samples: opts.dashboardSamples, clients: opts.dashboardClients, rounds: opts.rounds })
      })
    }
  } finally {
    killAllChildren()
    await rm(dir, { recursive: true, force: true })
  }

  const checks = buildChecks(c, cold, opts.bigTransfers, opts.smallTransfers)
  const outFile = path.resolve(ROOT, opts.out)
  const header = [
    '',
    `fintoc-monato-mock benchmark — ${startedAt.toISOString()}${opts.quick ? ' (QUICK: a smoke of the harness, not a measurement)' : ''}`,
    `code: commit ${revision.commit}${revision.uncommittedSrcFiles ? ` + ${revision.uncommittedSrcFiles} uncommitted file(s) in src/` : ''}, built into dist/ at the start of the run`,
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryMb} MB, ${machine.platform}, node ${machine.node}, load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    `load: autocannon, ${opts.connections} connections, ${opts.warmupS} s warm-up then ${opts.durationS} s measured per row (stored-state rows: ${opts.rounds} interleaved rounds sharing that time, each warmed up), one server under load at a time, client in this process`,
    `phases: ${opts.only.join(', ')}`,
    `sandbox: node ${SANDBOX_ARGS.join(' ')} (as npm start), LOG_LEVEL=${opts.sandboxLogLevel} (stdout to /dev/null), CLOCK=${opts.clock}${opts.clock === 'real' ? ' (settlement jobs run during the load)' : ''}; Prism: -v ${opts.prismLogLevel}, static examples`,
    `requests: fresh Idempotency-Key on every POST (UUID v5 for Monato); transfers 1.00 MXN, money outs 0.01 MXN`,
    seed
      ? `stored states: seeded over HTTP (JWS off, 100 connections, ${seed.sendRps.toFixed(0)} transfers/s), settled, exported with GET /__admin/snapshot (${seed.snapshots.map((s) => `${s.transfers.toLocaleString('en')}: ${(s.bytes / 1e6).toFixed(1)} MB, seeder RSS ${s.seederRssMb.toFixed(0)} MB`).join('; ')}), restored with POST /__admin/snapshot`
      : 'stored states: not built',
    ...(bootSource ? [`boot data file: ${bootSource}`] : []),
  ]
  process.stdout.write(`${renderReport(c, checks, cold, header)}\n`)
  await mkdir(path.dirname(outFile), { recursive: true })
  const json = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), revision, machine, options: opts, cold, seed: seed && { ...seed, snapshots: seed.snapshots.map(({ file: _file, ...rest }) => rest) }, rows: c.rows, processes: c.processes, checks, errors: c.errors }
  await writeFile(outFile, `${JSON.stringify(json, null, 2)}\n`)
  process.stdout.write(`\nresults written to ${outFile}\n`)
  return c.errors.length ? 2 : 0
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`bench: ${(err as Error).stack ?? err}`)
    killAllChildren()
    process.exit(1)
  },
)
