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
  sandboxLogLevel: string
  prismLogLevel: string
  build: boolean
  out: string
}

export const USAGE = `npm run bench -- [--quick] [--connections N] [--duration S] [--warmup S] [--rounds N] [--cold-runs N]
  [--transfers N] [--small-transfers N] [--clock real|manual] [--log-level L] [--prism-log-level L] [--no-build] [--out FILE]
env: BENCH_CONNECTIONS, BENCH_DURATION, BENCH_WARMUP, BENCH_ROUNDS, BENCH_COLD_RUNS, BENCH_TRANSFERS, BENCH_SMALL_TRANSFERS,
     BENCH_CLOCK, BENCH_LOG_LEVEL, BENCH_PRISM_LOG_LEVEL, BENCH_OUT`

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
    sandboxLogLevel: level(values['log-level'] ?? env.BENCH_LOG_LEVEL, 'info', '--log-level'),
    prismLogLevel: level(values['prism-log-level'] ?? env.BENCH_PRISM_LOG_LEVEL, 'info', '--prism-log-level'),
    build: values['no-build'] !== true,
    out: values.out ?? env.BENCH_OUT ?? 'bench/results.json',
  }
}
