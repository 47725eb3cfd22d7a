import { type ChildProcess, spawn } from 'node:child_process'
import { chmod, cp, mkdir, readdir, readFile, readlink, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromRoot } from '../src/paths.js'
import { accepting, sleep, tempDir } from './helpers/cli.js'

// Issue #15 item 2: `npm start` and `npx fintoc-monato-mock` on a built copy of the package (a temporary folder, so
// the shared dist/ is left alone): no rebuild when dist/ is current, and SIGTERM to npm leaves no server behind.

const VERSION = JSON.parse(await readFile(fromRoot('package.json'), 'utf8')).version as string
let pkg: string
/** the folders whose processes this file starts: whatever a failed test leaves running there is killed at the end */
const workDirs: string[] = []

interface Spawned {
  child: ChildProcess
  output: () => string
  exited: Promise<number | null>
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Spawned {
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', npm_config_update_notifier: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString()
  })
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString()
  })
  return { child, output: () => output, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) }
}

async function listeningPort(p: Spawned): Promise<number> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(p.output())
    if (m) return Number(m[1])
    if (p.child.exitCode !== null) break
    await sleep(100)
  }
  p.child.kill('SIGKILL')
  throw new Error(`did not start: ${p.output()}`)
}

/** pids of the processes working in `dir` (npm, its shell, the server) */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '')
    if (cwd === dir) pids.push(Number(entry))
  }
  return pids
}

async function gone(dir: string, port: number): Promise<{ pids: number[]; accepting: boolean }> {
  const deadline = Date.now() + 5_000
  while (Date.now() < deadline && ((await processesIn(dir)).length > 0 || (await accepting(port)))) await sleep(100)
  return { pids: await processesIn(dir), accepting: await accepting(port) }
}

beforeAll(async () => {
  pkg = await tempDir()
  workDirs.push(pkg)
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'specs', 'data', 'scripts/build-if-stale.js']) await cp(fromRoot(f), path.join(pkg, f), { recursive: true })
  await symlink(fromRoot('node_modules'), path.join(pkg, 'node_modules'))
  // whether other work in progress type-checks is not this test's business: tsc emits either way
  await run('npm', ['run', 'build'], pkg).exited
}, 180_000)

afterAll(async () => {
  for (const dir of workDirs) {
    for (const pid of await processesIn(dir)) process.kill(pid, 'SIGKILL')
    await rm(dir, { recursive: true, force: true })
  }
})

describe('npm start and npx', () => {
  it('npm start with a current dist/ starts without tsc; SIGTERM to npm stops the server, and no process of it remains', async () => {
    const npm = run('npm', ['start'], pkg, { PORT: '0' })
    const port = await listeningPort(npm)
    const before = await processesIn(pkg)
    expect(before.length).toBeGreaterThanOrEqual(2)
    expect(npm.output()).toContain('> node scripts/build-if-stale.js')
    expect(npm.output()).not.toContain('> fintoc-monato-mock@0.1.0 build')
    expect(npm.output()).not.toMatch(/tsc -p|out of date/)
    npm.child.kill('SIGTERM')
    await npm.exited
    expect(await gone(pkg, port)).toEqual({ pids: [], accepting: false })
    expect(npm.output()).toContain('"signal":"SIGTERM","msg":"shutting down"')
    expect(npm.output()).toContain('"msg":"stopped"')
  }, 60_000)

  it('prestart says why dist/ is stale, and builds nothing where there is no src/', async () => {
    const check = (cwd = pkg) => run('node', ['scripts/build-if-stale.js', '--check'], cwd)
    const fresh = check()
    expect(await fresh.exited).toBe(0)
    const later = new Date(Date.now() + 60_000)
    await utimes(path.join(pkg, 'src/config.ts'), later, later)
    const stale = check()
    expect(await stale.exited).toBe(1)
    expect(stale.output()).toBe('src/config.ts changed since the last build\n')
    await utimes(path.join(pkg, 'dist/config.js'), later, later)
    expect(await check().exited).toBe(0)
    // an installed package ships no src/: nothing to build, nothing needed
    const installed = await tempDir()
    await mkdir(path.join(installed, 'scripts'))
    await cp(path.join(pkg, 'scripts/build-if-stale.js'), path.join(installed, 'scripts/build-if-stale.js'))
    const bare = run('node', ['scripts/build-if-stale.js'], installed)
    expect(await bare.exited).toBe(0)
    expect(await readdir(installed)).toEqual(['scripts'])
  })

  it('the built bin runs by its shebang; npx fintoc-monato-mock answers --version, and SIGTERM to npx leaves no server', async () => {
    const pkgJson = JSON.parse(await readFile(path.join(pkg, 'package.json'), 'utf8'))
    expect(pkgJson.bin).toEqual({ 'fintoc-monato-mock': 'dist/main.js' })
    const bin = path.join(pkg, 'dist/main.js')
    expect((await readFile(bin, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node')
    // what npm does when it installs a package with a bin
    await chmod(bin, 0o755)
    const direct = run(bin, ['--version'], pkg)
    expect(await direct.exited).toBe(0)
    expect(direct.output()).toBe(`${VERSION}\n`)

    const consumer = await tempDir()
    workDirs.push(consumer)
    await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
    await mkdir(path.join(consumer, 'node_modules/.bin'), { recursive: true })
    await symlink(pkg, path.join(consumer, 'node_modules/fintoc-monato-mock'))
    await symlink('../fintoc-monato-mock/dist/main.js', path.join(consumer, 'node_modules/.bin/fintoc-monato-mock'))
    const version = run('npx', ['--offline', 'fintoc-monato-mock', '--version'], consumer)
    expect(await version.exited).toBe(0)
    expect(version.output()).toBe(`${VERSION}\n`)

    // npx runs the bin under `sh -c`, which dies of the SIGTERM npm passes on: the server notices its parent left
    const npx = run('npx', ['--offline', 'fintoc-monato-mock', '--port', '0'], consumer)
    const port = await listeningPort(npx)
    npx.child.kill('SIGTERM')
    await npx.exited
    expect(await gone(consumer, port)).toEqual({ pids: [], accepting: false })
    expect(npx.output()).toContain('"msg":"stopped"')
  }, 60_000)

  it('npm start rebuilds a stale dist/ before it starts', async () => {
    const later = new Date(Date.now() + 120_000)
    await utimes(path.join(pkg, 'src/main.ts'), later, later)
    await rename(path.join(pkg, 'dist/cli/usage.js'), path.join(pkg, 'dist/cli/usage.js.old'))
    const npm = run('npm', ['start', '--', '--version'], pkg)
    expect(await npm.exited).toBe(0)
    expect(npm.output()).toContain('dist/ is out of date (')
    expect(npm.output()).toContain('> fintoc-monato-mock@0.1.0 build')
    expect(npm.output().trimEnd().split('\n').at(-1)).toBe(VERSION)
  }, 120_000)
})
