import { spawnSync } from 'node:child_process'
import { createConnection, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { spawnMain, startMain } from './helpers/process.js'

// #14 item 5: under a low open-file limit, silent sockets must not lock new clients out. The real server
// process runs under a 256-descriptor limit while more silent sockets than that are opened against it.

const LIMIT = 256
const SILENT = 400
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** a command prefix that runs the server with a soft and hard open-file limit of `n` */
function limitOpenFiles(n: number): string[] {
  if (spawnSync('prlimit', ['--version']).status === 0) return ['prlimit', `--nofile=${n}:${n}`, '--']
  return ['bash', '-c', `ulimit -n ${n} && exec "$@"`, 'bash']
}

/** a hostile client: keeps its side open whatever the server does, and says nothing more than `send` */
function silentSocket(port: number, send: string): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true })
  socket.on('error', () => {})
  socket.on('data', () => {})
  return new Promise((resolve) => {
    socket.once('connect', () => {
      if (send) socket.write(send)
      resolve(socket)
    })
    // refused at once (the cap) or reset: still counts as opened
    socket.once('close', () => resolve(socket))
  })
}

const logLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; refused?: number; maxConnections?: number })

describe.skipIf(process.platform !== 'linux')('the server under a low open-file limit', () => {
  it(`${SILENT} silent sockets under a ${LIMIT}-descriptor limit: a new client is answered, refusals are logged on few lines, no crash`, async () => {
    const server = await startMain({ HEADERS_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '500' }, limitOpenFiles(LIMIT))
    const sockets: Socket[] = []
    try {
      const port = Number(new URL(server.baseUrl).port)
      // nothing at all, or a request head cut short (idle keep-alives: server-limits.test.ts)
      const sends = ['', 'GET /health HTTP/1.1\r\nHost: x\r\n']
      for (let i = 0; i < SILENT; i++) sockets.push(await silentSocket(port, sends[i % 2]!))

      // (a) a new client is answered, once the silent sockets have timed out (a second or two)
      const started = Date.now()
      let status: number | undefined
      while (status === undefined && Date.now() - started < 10_000) {
        status = await fetch(`${server.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.status,
          () => undefined,
        )
        if (status === undefined) await sleep(200)
      }
      expect(status, 'a new client was locked out').toBe(200)

      // (c) still up, still answering, nothing on stderr; the silent sockets were closed by the server
      expect(server.child.exitCode).toBeNull()
      expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200)
      expect(server.stderr()).toBe('')
      const open = () => sockets.filter((s) => !s.readableEnded && !s.destroyed)
      for (const until = Date.now() + 3_000; open().length > 0 && Date.now() < until; ) await sleep(100)
      expect(open(), 'silent sockets the server never closed').toHaveLength(0)

      // (b) connections are capped below the limit, and the refusals logged, counted, a line every few seconds at
      // most (the last count comes within 5 s)
      const cap = logLines(server.stdout()).find((l) => /client connections at once/.test(l.msg))?.maxConnections ?? Number.NaN
      expect(cap, 'the cap the server derived from its open-file limit').toBeGreaterThan(0)
      expect(cap).toBeLessThan(LIMIT - 64)
      const refusedLines = () => logLines(server.stdout()).filter((l) => l.msg.startsWith('refused '))
      const total = () => refusedLines().reduce((sum, l) => sum + (l.refused ?? 0), 0)
      const deadline = Date.now() + 7_000
      while (total() < SILENT - cap && Date.now() < deadline) await sleep(100)
      expect(total()).toBeGreaterThanOrEqual(SILENT - cap)
      expect(refusedLines().length).toBeLessThanOrEqual(3)
      for (const l of refusedLines()) expect(l.level).toBe(40)
      expect(server.child.exitCode).toBeNull()
    } finally {
      for (const s of sockets) s.destroy()
      server.child.kill('SIGKILL')
    }
  }, 30_000)

  it('a bad MAX_CONNECTIONS stops it with one line naming it', async () => {
    const p = spawnMain({ MAX_CONNECTIONS: 'many' })
    try {
      expect(await Promise.race([p.exited, sleep(10_000).then(() => 'still running')])).toBe(1)
      expect(p.stderr()).toMatch(/invalid configuration: MAX_CONNECTIONS: /)
      expect(p.stderr().trim().split('\n')).toHaveLength(1)
    } finally {
      p.child.kill('SIGKILL')
    }
  })
})
