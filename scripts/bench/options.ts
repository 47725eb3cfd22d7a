import { parseArgs } from 'node:util'

// Flags win over BENCH_* environment variables, which win over the defaults (or the --quick defaults).

export interface BenchOptions {
  quick: boolean
  connections: number
  durationS: number
  warmupS: number
  /** the stored-state variants are measured in this many interleaved rounds, each a slice of the duration */
  rounds: number
  coldRuns: number
  /** the large stored state (100,000 transfers in a full run) */
  bigTransfers: number
  /** the small stored state of the DATA_FILE comparison (1,000) */
  smallTransfers: number
  clock: 'real' | 'manual'
  /** Fintoc transfers pending settlement when the 10-year advance runs (10,000, also in a quick run) */
  advanceItems: number
  /** Fintoc transfers in the data file the boot row starts on (100,000, also in a quick run) */
  bootTransfers: number
  /** boots measured on that file */
  bootRuns: number
  /** sequential requests per dashboard page (the dashboard phase runs on the bigTransfers state) */
  dashboardSamples: number
  /** dashboards refreshing while the provider API is loaded */
  dashboardClients: number
  /** the phases to run (default: all) */
  only: Phase[]
  sandboxLogLevel: string
  prismLogLevel: string
  build: boolean
  out: string
}

export const PHASES = ['cold', 'ceiling', 'prism', 'sandbox', 'stored', 'advance', 'boot', 'dashboard'] as const
export type Phase = (typeof PHASES)[number]

export const USAGE = `npm run bench -- [--quick] [--connections N] [--duration S] [--warmup S] [--rounds N] [--cold-runs N]
  [--transfers N] [--small-transfers N] [--advance-items N] [--boot-transfers N] [--boot-runs N] [--clock real|manual]
  [--dashboard-samples N] [--dashboard-clients N]
  [--log-level L] [--prism-log-level L] [--only ${PHASES.join(',')}] [--no-build] [--out FILE]
env: BENCH_CONNECTIONS, BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS, BENCH_COLD_RUNS, BENCH_TRANSFERS, BENCH_SMALL_TRANSFERS,
     BENCH_ADVANCE_ITEMS, BENCH_BOOT_TRANSFERS, BENCH_BOOT_RUNS, BENCH_DASHBOARD_SAMPLES, BENCH_DASHBOARD_CLIENTS, BENCH_ONLY, BENCH_CLOCK, BENCH_LOG_LEVEL, BENCH_PRISM_LOG_LEVEL, BENCH_OUT`

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'cold-runs': { type: 'string' },
      transfers: { type: 'string' },
      'small-transfers': { type: 'string' },
      'advance-items': { type: 'string' },
      'boot-transfers': { type: 'string' },
      'boot-runs': { type: 'string' },
      'dashboard-samples': { type: 'string' },
      'dashboard-clients': { type: 'string' },
      only: { type: 'string' },
      clock: { type: 'string' },
      'log-level': { type: 'string' },
      'prism-log-level': { type: 'string' },
      'no-build': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const quick = values.quick === true
  const num = (flag: keyof typeof values, envName: string, full: number, fast: number, min: number): number => {
    const given = values[flag]
    const raw = typeof given === 'string' ? given : env[envName]
    if (raw === undefined || raw === '') return quick ? fast : full
    const n = Number(raw)
    if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} / ${envName}: expected a number ≥ ${min}, got ${raw}`)
    return n
  }
  const clock = values.clock ?? env.BENCH_CLOCK ?? 'real'
  if (clock !== 'real' && clock !== 'manual') throw new Error(`--clock must be real or manual, got ${clock}`)
  const level = (v: string | undefined, fallback: string, name: string) => {
    const l = v ?? fallback
    if (!LEVELS.includes(l)) throw new Error(`${name} must be one of ${LEVELS.join(', ')}`)
    return l
  }
  const only = (values.only ?? env.BENCH_ONLY ?? PHASES.join(',')).split(',').map((x) => x.trim()).filter(Boolean)
  const unknown = only.filter((x) => !(PHASES as readonly string[]).includes(x))
  if (unknown.length || only.length === 0) throw new Error(`--only takes phases among ${PHASES.join(', ')}; got ${unknown.join(', ') || 'none'}`)
  return {
    quick,
    connections: Math.round(num('connections', 'BENCH_CONNECTIONS', 50, 10, 1)),
    durationS: num('duration', 'BENCH_DURATION', 10, 2, 0.5),
    warmupS: num('warmup', 'BENCH_WARMUP', 2, 0.5, 0),
    rounds: Math.round(num('rounds', 'BENCH_ROUNDS', 5, 2, 1)),
    coldRuns: Math.round(num('cold-runs', 'BENCH_COLD_RUNS', 5, 1, 1)),
    bigTransfers: Math.round(num('transfers', 'BENCH_TRANSFERS', 100_000, 2_000, 1)),
    smallTransfers: Math.round(num('small-transfers', 'BENCH_SMALL_TRANSFERS', 1_000, 200, 1)),
    clock,
    advanceItems: Math.round(num('advance-items', 'BENCH_ADVANCE_ITEMS', 10_000, 10_000, 1)),
    bootTransfers: Math.round(num('boot-transfers', 'BENCH_BOOT_TRANSFERS', 100_000, 100_000, 1)),
    bootRuns: Math.round(num('boot-runs', 'BENCH_BOOT_RUNS', 3, 1, 1)),
    dashboardSamples: Math.round(num('dashboard-samples', 'BENCH_DASHBOARD_SAMPLES', 100, 10, 1)),
    dashboardClients: Math.round(num('dashboard-clients', 'BENCH_DASHBOARD_CLIENTS', 1, 1, 1)),
    only: only as Phase[],
    sandboxLogLevel: level(values['log-level'] ?? env.BENCH_LOG_LEVEL, 'info', '--log-level'),
    prismLogLevel: level(values['prism-log-level'] ?? env.BENCH_PRISM_LOG_LEVEL, 'info', '--prism-log-level'),
    build: values['no-build'] !== true,
    out: values.out ?? env.BENCH_OUT ?? 'bench/results.json',
  }
}
