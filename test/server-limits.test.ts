import type { Server } from 'node:http'
import { type AddressInfo, createConnection, type Socket } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { connectionCap, parseOpenFilesLimit, readOpenFilesLimit } from '../src/core/http/fd-limit.js'
import { createClientErrorHandler } from '../src/core/http/client-error.js'
import { createHardenedServer, throttledCounter } from '../src/core/http/server-limits.js'
import { createLogger } from '../src/core/logger.js'
import { readServerSettings, type ServerSettings } from '../src/core/settings.js'

// The pieces of the server's hardening against running out of descriptors (#14 item 5); the whole, in a real
// process under a real limit, is fd-reserve.test.ts.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`

describe('the open-file limit and the connection cap', () => {
  it('reads the soft "Max open files" limit; unlimited or absent means no cap', () => {
    expect(parseOpenFilesLimit(LIMITS)).toBe(1024)
    expect(parseOpenFilesLimit(LIMITS.replace('1024   ', 'unlimited'))).toBeUndefined()
    expect(parseOpenFilesLimit('Max processes 100 100 processes\n')).toBeUndefined()
    if (process.platform === 'linux') expect(readOpenFilesLimit()).toBeGreaterThan(0)
  })

  it('leaves max(64, 10% of the limit, webhook concurrency + 32) descriptors besides those already open', () => {
    expect(connectionCap({ openFilesLimit: 1024, openFiles: 24, webhookConcurrency: 32 })).toEqual({ maxConnections: 1024 - 24 - 103, reserve: 103 })
    expect(connectionCap({ openFilesLimit: 256, openFiles: 26, webhookConcurrency: 32 })).toEqual({ maxConnections: 256 - 26 - 64, reserve: 64 })
    expect(connectionCap({ openFilesLimit: 2048, openFiles: 24, webhookConcurrency: 500 })).toEqual({ maxConnections: 2048 - 24 - 532, reserve: 532 })
    expect(connectionCap({ openFilesLimit: 1_048_576, openFiles: 30, webhookConcurrency: 32 })?.maxConnections).toBe(1_048_576 - 30 - 104_858)
  })

  it('on a tiny limit, half of what is free still goes to clients; no limit known, no cap', () => {
    expect(connectionCap({ openFilesLimit: 64, openFiles: 24, webhookConcurrency: 32 })).toEqual({ maxConnections: 20, reserve: 20 })
    expect(connectionCap({ openFilesLimit: 1024, openFiles: 24, webhookConcurrency: 500 })).toEqual({ maxConnections: 500, reserve: 500 })
    expect(connectionCap({ openFilesLimit: 20, openFiles: 24, webhookConcurrency: 32 })).toEqual({ maxConnections: 1, reserve: 0 })
    expect(connectionCap({ openFilesLimit: undefined, openFiles: 24, webhookConcurrency: 32 })).toBeUndefined()
  })
})

describe('the server settings', () => {
  it('defaults: no explicit cap, 10 s for a request head, 120 s for a whole request, 5 s idle keep-alive', () => {
    expect(readServerSettings({})).toEqual({ maxConnections: undefined, headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000, webhookConcurrency: 32 })
    expect(readServerSettings({ MAX_CONNECTIONS: '500', WEBHOOK_CONCURRENCY: '8', MAX_CONNECTIONS_IGNORED: 'x' })).toMatchObject({ maxConnections: 500, webhookConcurrency: 8 })
  })

  it('a bad value is one line naming the variable', () => {
    for (const [env, name] of [
      [{ MAX_CONNECTIONS: 'many' }, 'MAX_CONNECTIONS'],
      [{ MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS'],
      [{ HEADERS_TIMEOUT_MS: '-1' }, 'HEADERS_TIMEOUT_MS'],
      [{ HEADERS_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '30000' }, 'HEADERS_TIMEOUT_MS'],
    ] as const) {
      expect(() => readServerSettings(env)).toThrow(new RegExp(`^invalid configuration: ${name}: [^\\n]+$`))
    }
  })
})

describe('throttledCounter', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reports the first event at once, then the count since the last report at most once per interval', () => {
    vi.useFakeTimers()
    const reports: number[] = []
    const count = throttledCounter(5_000, (n) => reports.push(n))
    for (let i = 0; i < 1_000; i++) count()
    expect(reports).toEqual([1])
    vi.advanceTimersByTime(4_999)
    expect(reports).toEqual([1])
    vi.advanceTimersByTime(1)
    expect(reports).toEqual([1, 999])
    vi.advanceTimersByTime(60_000)
    expect(reports).toEqual([1, 999])
    count()
    expect(reports).toEqual([1, 999, 1])
  })
})

interface Line {
  level: number
  msg: string
  [k: string]: unknown
}

describe('the hardened server', () => {
  let server: Server | undefined
  const sockets: Socket[] = []
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    const closing = server && new Promise<void>((r) => server!.close(() => r()))
    server?.closeAllConnections()
    await closing
    server = undefined
  })

  const settings = (over: Partial<ServerSettings> = {}): ServerSettings => ({ ...readServerSettings({}), ...over })

  async function start(over: Partial<ServerSettings>, openFiles = { limit: undefined as number | undefined, inUse: 0 }) {
    const lines: Line[] = []
    const logger = createLogger('info', { write: (s: string) => lines.push(JSON.parse(s) as Line) })
    server = createHardenedServer({
      app: (req, res) => {
        let bytes = 0
        req.on('data', (c: Buffer) => {
          bytes += c.length
        })
        req.on('end', () => res.end(JSON.stringify({ bytes })))
      },
      onClientError: createClientErrorHandler({}),
      logger,
      settings: settings(over),
      openFiles,
      reportIntervalMs: 300,
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    return { lines, port, base: `http://127.0.0.1:${port}`, server }
  }

  /** a client that never closes its side and reports what it received */
  function connect(port: number, send = '') {
    const socket = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true })
    sockets.push(socket)
    let received = ''
    let ended = false
    socket.on('error', () => {})
    socket.on('data', (c: Buffer) => {
      received += c.toString()
    })
    socket.on('end', () => {
      ended = true
    })
    socket.once('connect', () => send && socket.write(send))
    return { socket, received: () => received, ended: () => ended }
  }
  const connections = (s: Server) => new Promise<number>((r) => s.getConnections((_e, n) => r(n)))
  const until = async (ok: () => boolean | Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms
    while (!(await ok()) && Date.now() < deadline) await sleep(20)
  }

  it('caps connections below the open-file limit and says so on one line', async () => {
    const { lines, server: s } = await start({}, { limit: 1024, inUse: 24 })
    expect(s.maxConnections).toBe(1024 - 24 - 103)
    expect(s.headersTimeout).toBe(10_000)
    expect(s.requestTimeout).toBe(120_000)
    expect(s.keepAliveTimeout).toBe(5_000)
    expect(lines).toEqual([expect.objectContaining({ level: 30, maxConnections: 897, openFilesLimit: 1024, msg: 'at most 897 client connections at once (open-file limit 1024)' })])
  })

  it('MAX_CONNECTIONS wins, with a warning when it eats into the reserve', async () => {
    const { lines, server: s } = await start({ maxConnections: 1000 }, { limit: 1024, inUse: 24 })
    expect(s.maxConnections).toBe(1000)
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/^MAX_CONNECTIONS=1000 leaves fewer than 103 of the 1024 open files/) })])
  })

  it('no limit known, no cap and no line', async () => {
    const { lines, server: s } = await start({})
    expect(s.maxConnections).toBeFalsy()
    expect(lines).toEqual([])
  })

  it('logs refused connections with their count, not a line each', async () => {
    const { lines, port } = await start({ maxConnections: 2 })
    for (let i = 0; i < 12; i++) connect(port)
    await until(() => lines.reduce((n, l) => n + ((l.refused as number | undefined) ?? 0), 0) >= 10, 3_000)
    const refused = lines.filter((l) => l.msg.startsWith('refused '))
    expect(refused.reduce((n, l) => n + (l.refused as number), 0)).toBe(10)
    expect(refused.length).toBeLessThanOrEqual(2)
    expect(refused[0]).toMatchObject({ level: 40, maxConnections: 2 })
  })

  it('an accept() failure (EMFILE) is logged once per interval, and the server keeps serving', async () => {
    const { lines, base, server: s } = await start({})
    const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', errno: -24, syscall: 'accept' })
    for (let i = 0; i < 50; i++) s.emit('error', emfile)
    await until(() => lines.length >= 2, 2_000)
    expect(lines.map((l) => [l.level, l.failures, l.code])).toEqual([
      [50, 1, 'EMFILE'],
      [50, 49, 'EMFILE'],
    ])
    expect((await fetch(base)).status).toBe(200)
    // any other error with no one else listening is thrown, as an unheard 'error' always was
    expect(() => s.emit('error', Object.assign(new Error('boom'), { code: 'EBOOM' }))).toThrow('boom')
  })

  it('closes silent sockets, half-open ones included: nothing sent, a cut request head (408), an idle keep-alive', async () => {
    const { port, server: s } = await start({ headersTimeoutMs: 300, keepAliveTimeoutMs: 200 })
    const nothing = connect(port)
    const cutHead = connect(port, 'GET /fintoc/v2/accounts HTTP/1.1\r\nHost: x\r\n')
    const keepAlive = connect(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await until(async () => (await connections(s)) === 3, 1_000)
    const started = Date.now()
    await until(async () => (await connections(s)) === 0, 5_000)
    expect(await connections(s)).toBe(0)
    // head: 300 ms, checked every 75 ms; keep-alive: 200 ms + Node's own 1 s margin (Node's defaults: 60 s and more)
    expect(Date.now() - started).toBeLessThan(5_000)
    // the server's count drops before the clients have read their end
    await until(() => nothing.ended() && cutHead.ended() && keepAlive.ended(), 2_000)
    expect(nothing.ended() && cutHead.ended() && keepAlive.ended()).toBe(true)
    expect(cutHead.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
    expect(keepAlive.received()).toMatch(/^HTTP\/1\.1 200 /)
  })

  it('a slow but steady client is not cut off: 1 MB uploaded over a second, past the head timeout', async () => {
    const { port } = await start({ headersTimeoutMs: 200 })
    const size = 1024 * 1024
    const client = connect(port, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`)
    const chunk = Buffer.alloc(size / 16, 'a')
    for (let i = 0; i < 16; i++) {
      await sleep(60)
      client.socket.write(chunk)
    }
    await until(() => client.ended(), 3_000)
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 [\s\S]*\{"bytes":1048576\}$/)
  })
})
