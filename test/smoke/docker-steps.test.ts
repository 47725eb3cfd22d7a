import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contractViolations, runtimeFiles } from './contract.js'
import { parseDockerfile } from './dockerfile.js'
import { buildContext, exitOf, freePort, hostEnv, REPO, replayStages, runCommand, sleep, type Timing } from './replay.js'

// The image contract, checked without a Docker engine: parse the Dockerfile, check what the image
// promises, replay its stages in temp directories, then start its CMD as `docker run` would.
// Not emulated: the base image (steps use this machine's node), USER switching, ENTRYPOINT.
// SMOKE_KEEP_TMP=1 keeps the temp directory.

const text = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8')
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
  scripts: Record<string, string>
}
// parsed before the temp directory exists: a parse error leaves nothing behind
const stages = parseDockerfile(text)
const final = stages.at(-1)!
const argv = Array.isArray(final.cmd) ? final.cmd : []
/** the script CMD runs: the first argument after node's own flags */
const cmdScript = argv.slice(1).find((a) => !a.startsWith('-'))
const work = mkdtempSync(path.join(tmpdir(), 'docker-steps-'))
const contextDir = path.join(work, 'context')
const timings: Timing[] = []
let files: string[] = []
let app: string | undefined
let server: ChildProcess | undefined

beforeAll(() => {
  const started = performance.now()
  files = runtimeFiles(buildContext(contextDir))
  timings.push({ what: 'build context (git ls-files -co minus .dockerignore)', ms: performance.now() - started })
})

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL')
    await exitOf(server)
  }
  const node = execFileSync('node', ['--version'], { env: hostEnv(), encoding: 'utf8' }).trim()
  console.log(`Dockerfile replayed without Docker, with this machine's node ${node} (the image has Node 24):\n${timings.map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(5)} s  ${t.what}`).join('\n')}`)
  if (process.env.SMOKE_KEEP_TMP) console.log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
})

describe('Dockerfile', () => {
  it('keeps the image contract', () => {
    expect(files).toContain('package.json')
    expect(files).toContain('data/scenarios/default.json')
    expect(files.filter((f) => f.startsWith('specs/')).length).toBeGreaterThanOrEqual(2)
    expect(contractViolations(stages, files, pkg.scripts.start!)).toEqual([])
  })

  it.each([
    ['Node 20 base', (t: string) => t.replaceAll('FROM node:24', 'FROM node:20'), /not Node 24/],
    ['no USER', (t: string) => t.replace(/^USER .*$/m, ''), /runs as root/],
    ['no prune', (t: string) => t.replace(/^RUN npm prune .*$/m, ''), /devDependencies/],
    ['no HOST', (t: string) => t.replace(' HOST=0.0.0.0', ''), /HOST=0\.0\.0\.0/],
    ['no specs', (t: string) => t.replace(/^COPY specs\/.*$/m, ''), /COPY specs\//],
    ['shell-form CMD', (t: string) => t.replace(/^CMD .*$/m, 'CMD node dist/main.js'), /exec \(JSON\) form/],
    ['curl health check', (t: string) => t.replace(/^HEALTHCHECK .*$/m, 'HEALTHCHECK CMD ["curl", "-f", "http://127.0.0.1:4010/health"]'), /curl/],
    ['VOLUME /app/data', (t: string) => `${t}VOLUME /app/data\n`, /hides the shipped scenarios/],
    ['no heap cap', (t: string) => t.replace(/ NODE_OPTIONS=\S+/, ''), /--max-old-space-size=1536 but the image has it neither in NODE_OPTIONS \(not set\)/],
    ['no young-generation floor', (t: string) => t.replace('"--min-semi-space-size=16", ', ''), /--min-semi-space-size=16 but the image has it neither/],
  ])('notices a broken contract: %s', (_name, mutate, expected) => {
    const mutated = mutate(text)
    // a mutation that changes nothing proves nothing
    expect(mutated).not.toBe(text)
    expect(contractViolations(parseDockerfile(mutated), files, pkg.scripts.start!).join('\n')).toMatch(expected)
  })

  it('refuses syntax the replay does not support, naming the line', () => {
    expect(() => parseDockerfile(`${text}ARG VERSION=1\n`)).toThrow(/line \d+ "ARG VERSION=1": ARG is not supported/)
    expect(() => parseDockerfile(text.replace('RUN npm run build', 'RUN npm run \\\n  build'))).toThrow(/line \d+ .*continuations/)
    expect(() => parseDockerfile(text.replace('COPY src/', 'COPY --chown=node src/'))).toThrow(/line \d+ .*--from=<stage>/)
    expect(() => parseDockerfile(text.replace('HOST=0.0.0.0', 'HOST=$HOST'))).toThrow(/line \d+ .*without quotes or variables/)
  })

  it('replays every stage outside Docker', async () => {
    const roots = await replayStages(stages, contextDir, path.join(work, 'stages'), timings)
    app = path.join(roots.get(final.name)!, final.workdir)
  })

  it('ships the runtime files and production dependencies only', () => {
    expect(app, 'the stages were replayed').toBeDefined()
    for (const file of [...files, cmdScript ?? 'the CMD script']) expect(existsSync(path.join(app!, file)), `${file} in the image`).toBe(true)
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(path.join(app!, 'node_modules', dep)), `dependency ${dep}`).toBe(true)
    // vitest, typescript, tsx, biome...: all direct devDependencies are dev-only in the lock file
    const devInstalled = Object.keys(pkg.devDependencies).filter((dep) => existsSync(path.join(app!, 'node_modules', dep)))
    expect(devInstalled, 'devDependencies in the image').toEqual([])
  })

  it('starts the CMD, answers /health, passes its HEALTHCHECK and stops on SIGTERM', async () => {
    expect(app, 'the stages were replayed').toBeDefined()
    const env = { ...hostEnv(), ...final.env, PORT: String(await freePort()) }
    const [command = '', ...args] = argv
    const started = performance.now()
    server = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const child = server
    let logs = ''
    const collect = (chunk: Buffer) => {
      logs = (logs + chunk.toString()).slice(-20_000)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)

    // HOST stays 0.0.0.0 as in the image; probe over loopback
    const url = `http://127.0.0.1:${env.PORT}/health`
    let health: Response | undefined
    const deadline = Date.now() + 30_000
    while (!health && Date.now() < deadline && child.exitCode === null) {
      health = await fetch(url).catch(() => sleep(100).then(() => undefined))
    }
    expect(health, `no answer on ${url}; output:\n${logs}`).toBeDefined()
    timings.push({ what: `CMD ${command} ${args.join(' ')} until /health answers`, ms: performance.now() - started })
    expect(health!.status).toBe(200)
    const body = (await health!.json()) as { status: string; version: string; providers: Record<string, { operations: number }> }
    expect(body).toMatchObject({ status: 'ok', version: pkg.version })
    for (const provider of ['fintoc', 'monato']) expect(body.providers[provider]?.operations, `${provider} operations`).toBeGreaterThan(0)

    // the image's own health check, with its own timeout; it must also be able to fail
    const hc = final.healthcheck!
    const runHealthcheck = () => runCommand(hc.command, { cwd: app!, env, timeoutMs: (hc.timeoutSeconds ?? 30) * 1000 })
    const healthy = await runHealthcheck()
    expect(healthy.code, `HEALTHCHECK while running: ${healthy.output}`).toBe(0)

    const stopStart = performance.now()
    child.kill('SIGTERM')
    const exit = await Promise.race([exitOf(child), sleep(10_000).then(() => 'no exit within 10 s of SIGTERM')])
    expect(exit, logs).toEqual({ code: 0, signal: null })
    timings.push({ what: 'SIGTERM until exit 0', ms: performance.now() - stopStart })
    expect((await runHealthcheck()).code, 'HEALTHCHECK once the server is gone').not.toBe(0)
  })

  it('still boots with the default scenario when an empty volume is mounted over /app/data', async () => {
    expect(app, 'the stages were replayed').toBeDefined()
    // what `-v $PWD/empty:/app/data` leaves: an empty directory where the shipped scenarios were
    const data = path.join(app!, 'data')
    renameSync(data, `${data}.hidden`)
    mkdirSync(data)
    try {
      const env = { ...hostEnv(), ...final.env, PORT: String(await freePort()), DATA_FILE: 'data/state.json' }
      const [command = '', ...args] = argv
      const child = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
      let health: Response | undefined
      const deadline = Date.now() + 30_000
      while (!health && Date.now() < deadline && child.exitCode === null) {
        health = await fetch(`http://127.0.0.1:${env.PORT}/health`).catch(() => sleep(100).then(() => undefined))
      }
      expect(health?.status).toBe(200)
      child.kill('SIGTERM')
      expect(await exitOf(child)).toEqual({ code: 0, signal: null })
      // the state went to the mounted volume
      expect(existsSync(path.join(data, 'state.json'))).toBe(true)
    } finally {
      rmSync(data, { recursive: true, force: true })
      renameSync(`${data}.hidden`, data)
    }
  })
})
