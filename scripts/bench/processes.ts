import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { createServer } from 'node:net'

// Child processes of the benchmark: every one is tracked and killed when the benchmark ends, however it ends.

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  stderr: () => string
  exited: Promise<number | null>
}

const children = new Set<Child>()

/** `stdoutFd`: a file descriptor the child's stdout goes to (its log); /dev/null otherwise */
export function spawnChild(name: string, command: string, args: string[], env: Record<string, string>, cwd: string, stdoutFd?: number): Child {
  const proc = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', stdoutFd ?? 'ignore', 'pipe'] })
  if (proc.pid === undefined) throw new Error(`${name}: could not spawn ${command}`)
  let err = ''
  proc.stderr?.on('data', (c: Buffer) => {
    if (err.length < 20_000) err += c.toString()
  })
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const child: Child = { name, proc, pid: proc.pid, stderr: () => err, exited }
  children.add(child)
  void exited.then(() => children.delete(child))
  return child
}

/** SIGTERM, then SIGKILL if it has not exited after `graceMs` */
export async function stopChild(child: Child, graceMs = 3000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return
  child.proc.kill('SIGTERM')
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs)
  await child.exited
  clearTimeout(timer)
}

export function killAllChildren(): void {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL')
  children.clear()
}

const cleanups: Array<() => void> = []

/** synchronous work that must happen however the benchmark exits (temporary files) */
export function onExit(fn: () => void): void {
  cleanups.push(fn)
}

function exitNow(): void {
  killAllChildren()
  for (const fn of cleanups.splice(0)) {
    try {
      fn()
    } catch {
      // best effort: exiting anyway
    }
  }
}

export function installExitHandlers(): void {
  process.on('exit', exitNow)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every child process\n`)
      exitNow()
      process.exit(130)
    })
  }
}

const handedOut = new Set<number>()

/**
 * A port nothing listens on, never handed out twice in a run. Chosen below Linux's ephemeral range
 * (32768+) so that the port-0 servers of anything else running on this machine (a test suite) cannot
 * take it between this check and the child's own listen.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (handedOut.has(port)) continue
    if (await canListen(port)) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error('no free port found in 20000-31999')
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.once('error', () => resolve(false))
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)))
  })
}

/** one GET without keep-alive; resolves with the status, or 0 if nothing answered */
export function probe(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', headers, agent: false, timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
    req.end()
  })
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(-600)

/** polls `url` until it answers 2xx; returns the ms elapsed since `since` (performance.now()) */
export async function waitFor2xx(child: Child, url: string, headers: Record<string, string>, since: number, timeoutMs = 60_000): Promise<number> {
  const deadline = since + timeoutMs
  for (;;) {
    const status = await probe(url, headers)
    if (status >= 200 && status < 300) {
      if (child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode}) but ${url} answers: another process holds the port`)
      return performance.now() - since
    }
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode}) before answering: ${lastLines(child.stderr())}`)
    if (performance.now() > deadline) throw new Error(`${child.name} did not answer 2xx on ${url} within ${timeoutMs} ms (last status ${status})`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
