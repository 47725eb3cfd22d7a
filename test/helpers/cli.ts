import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { RunningServer } from './process.js'

// Small helpers of the command-line tests.

export const tempDir = () => mkdtemp(path.join(tmpdir(), 'fmm-cli-'))

/** a port nothing listens on (free when this resolves; the OS hands ports out in turn, so it stays so a while) */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** the JSON `listening on` line: the banner of a non-terminal run */
export function listeningLine(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.includes('"msg":"listening on '))
  if (!line) throw new Error(`no listening line in: ${stdout}`)
  return JSON.parse(line)
}

/** SIGTERM (or another signal), then the exit code */
export async function stop(server: Pick<RunningServer, 'child' | 'exited'>, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  server.child.kill(signal)
  return server.exited
}

/** whether something accepts connections on the port */
export function accepting(port: number, host = '127.0.0.1'): Promise<boolean> {
  return fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  )
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** the exit code, or 'still running' (and the process killed) when it did not exit in time: a failed test leaves no server */
export async function exitWithin(p: Pick<RunningServer, 'child' | 'exited'>, ms = 15_000): Promise<number | null | 'still running'> {
  const code = await Promise.race([p.exited, sleep(ms).then(() => 'still running' as const)])
  if (code === 'still running') p.child.kill('SIGKILL')
  return code
}

/** the stderr lines of a failed start, and whether a stack trace slipped through */
export const lines = (text: string) => text.trimEnd().split('\n')
