import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { fromRoot } from '../../src/paths.js'
import { openRunLog } from '../global-run-log.js'

// Runs the real entry point (src/main.ts through tsx) as a separate process.

export interface RunningServer {
  child: ChildProcess
  baseUrl: string
  stdout: () => string
  stderr: () => string
  exited: Promise<number | null>
}

// by path, not by name: a process started in another folder would not find it
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** `wrapper` runs the server through a command that execs its arguments, e.g. `['prlimit', '--nofile=256:256', '--']` */
export function spawnMain(env: Record<string, string>, args: string[] = [], wrapper: string[] = [], cwd = fromRoot()) {
  const [command, ...rest] = [...wrapper, process.execPath, '--import', TSX, fromRoot('src/main.ts'), ...args]
  const child = spawn(command!, rest, {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // stdout and stderr go to separate run-log files so their lines never interleave
  const outLog = openRunLog('process-stdout')
  const errLog = openRunLog('process-stderr')
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString()
    outLog?.(c)
  })
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString()
    errLog?.(c)
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, stdout: () => out, stderr: () => err, exited }
}

export async function startMain(env: Record<string, string> = {}, wrapper: string[] = [], args: string[] = []): Promise<RunningServer> {
  const p = spawnMain(env, args, wrapper)
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const m = /listening on (http:\/\/[^"\s]+)/.exec(p.stdout())
    if (m) return { ...p, baseUrl: m[1]! }
    if (p.child.exitCode !== null) throw new Error(`server exited: ${p.stderr()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  p.child.kill('SIGKILL')
  throw new Error(`server did not start: ${p.stdout()} ${p.stderr()}`)
}
