import { closeSync, openSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type Child, freePort, spawnChild, stopChild, waitFor2xx } from './processes.js'

// The three kinds of server under test, each its own child process on a free port.

export const ROOT = path.resolve(import.meta.dirname, '../..')

/** the sandbox runs as shipped: `node <flags of npm start> dist/main.js` (the image sets the same flags in NODE_OPTIONS) */
export const SANDBOX_ARGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  // `exec node …` (the shell hands its pid to node, so signals reach it) is the same command
  const words = start.split(/\s+/).filter((w, i) => !(i === 0 && w === 'exec'))
  if (words[0] !== 'node' || words.at(-1) !== 'dist/main.js') throw new Error(`bench: npm start is not "[exec] node [flags] dist/main.js": ${start}`)
  return words.slice(1)
})()

export const FINTOC_KEY = 'sk_test_bench'
export const MONATO = {
  clientId: 'c2d1d1e3-3340-4170-980e-e9269bbbc551',
  apiKey: 'monato_sandbox_api_key_c2d1d1e3',
  clientSecret: 'sandbox_client_secret_Ui9gx7AXq4mVbT2kLw8ZrN5cHj3YpD6sFe1GtK0oWu',
  sourceInstrumentId: '709448c3-7cbf-454d-a87e-feb23801269a',
  sourceClabe: '734180000001233635',
  destinationInstrumentId: 'b0000000-0000-4000-8000-0000000000be',
}

export interface Server {
  name: string
  origin: string
  child: Child
  /** spawn → first 2xx, ms */
  startMs: number
  stop: () => Promise<void>
}

/** a scenario (loaded after data/scenarios/default.json) with a funded Fintoc org that trusts `jwsPublicPem`, and a Monato payee */
export async function writeBenchScenario(dir: string, jwsPublicPem: string): Promise<string> {
  const scenario = {
    description: 'npm run bench: a funded Fintoc organization with a JWS key, and a payee for the default Monato client',
    fintoc: { organizations: [{ api_key: FINTOC_KEY, holder_name: 'Bench Org', balance: 100_000_000_000_000, jws_public_keys: [jwsPublicPem] }] },
    monato: {
      clients: [
        {
          id: MONATO.clientId,
          api_key: MONATO.apiKey,
          client_secret: MONATO.clientSecret,
          instruments: [{ id: MONATO.destinationInstrumentId, alias: 'Bench payee', holder_name: 'Proveedor SA', clabe: '012180015530983477' }],
        },
      ],
    },
  }
  const file = path.join(dir, 'bench-scenario.json')
  await writeFile(file, JSON.stringify(scenario, null, 2))
  return file
}

export interface SandboxConfig {
  scenarioFile: string
  jws: 'enforce' | 'off'
  dataFile?: string
  logLevel: string
  clock: 'real' | 'manual'
  /** the sandbox's stdout (its JSON log, one access line per request) goes to this file; /dev/null otherwise */
  logFile?: string
}

export async function startSandbox(name: string, cfg: SandboxConfig): Promise<Server> {
  const port = await freePort()
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    SCENARIO: `data/scenarios/default.json,${cfg.scenarioFile}`,
    LOG_LEVEL: cfg.logLevel,
    CLOCK: cfg.clock,
    FINTOC_JWS: cfg.jws,
    ...(cfg.dataFile ? { DATA_FILE: cfg.dataFile } : {}),
  }
  const logFd = cfg.logFile ? openSync(cfg.logFile, 'w') : undefined
  const t0 = performance.now()
  const child = spawnChild(name, process.execPath, SANDBOX_ARGS, { ...env, ...(cfg.logFile ? { LOG_FORMAT: 'json' } : {}) }, ROOT, logFd)
  // the child holds its own copy of the descriptor
  if (logFd !== undefined) closeSync(logFd)
  const origin = `http://127.0.0.1:${port}`
  const startMs = await waitFor2xx(child, `${origin}/health`, {}, t0)
  return { name, origin, child, startMs, stop: () => stopChild(child, 10_000) }
}

export async function startCeiling(): Promise<Server> {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawnChild('ceiling', process.execPath, [path.join(ROOT, 'scripts/bench/ceiling-server.mjs')], { PORT: String(port), HOST: '127.0.0.1' }, ROOT)
  const origin = `http://127.0.0.1:${port}`
  const startMs = await waitFor2xx(child, `${origin}/health`, {}, t0)
  return { name: 'ceiling', origin, child, startMs, stop: () => stopChild(child) }
}

/** Prism has no /health: ready is the first 2xx on a path of its spec, with the auth its security check wants */
export const PRISM_READY = {
  fintoc: { spec: 'specs/fintoc.yaml', path: '/v2/accounts', headers: { authorization: FINTOC_KEY } },
  monato: { spec: 'specs/monato-fincore.yaml', path: '/v1/banks?page=1&page_size=5', headers: { authorization: 'Bearer bench' } },
} as const

export async function startPrism(which: keyof typeof PRISM_READY, logLevel: string): Promise<Server> {
  const port = await freePort()
  const ready = PRISM_READY[which]
  const cli = path.join(ROOT, 'node_modules/@stoplight/prism-cli/dist/index.js')
  const t0 = performance.now()
  const child = spawnChild(`prism-${which}`, process.execPath, [cli, 'mock', '-p', String(port), '-h', '127.0.0.1', '-v', logLevel, ready.spec], {}, ROOT)
  const origin = `http://127.0.0.1:${port}`
  const startMs = await waitFor2xx(child, `${origin}${ready.path}`, ready.headers, t0, 120_000)
  return { name: `prism-${which}`, origin, child, startMs, stop: () => stopChild(child) }
}
