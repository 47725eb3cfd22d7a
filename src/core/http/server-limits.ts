import { createServer, type RequestListener, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from '../logger.js'
import type { ServerSettings } from '../settings.js'
import { connectionCap, countOpenFiles, readOpenFilesLimit } from './fd-limit.js'

// The HTTP server of main.ts and startSandbox, hardened against running out of file descriptors: silent
// sockets (connected and sending nothing, a request head cut short, an idle keep-alive) are closed after short
// timeouts, open connections are capped below the open-file limit so the data file and webhook deliveries keep
// descriptors, and refused connections are logged, a line every few seconds at most.

/** at most one "refused" line (and one accept-failure line) per this many ms */
export const REPORT_INTERVAL_MS = 5_000

export interface HardenedServerOptions {
  app: RequestListener
  onClientError: (err: Error & { code?: string }, socket: Duplex) => void
  logger: Logger
  settings: ServerSettings
  /** for tests: the open-file limit and descriptors in use (default: read from /proc) */
  openFiles?: { limit: number | undefined; inUse: number }
  reportIntervalMs?: number
}

/** an error of accept() on the listening socket (EMFILE…): logged by the server itself, never fatal */
export function isAcceptError(err: NodeJS.ErrnoException): boolean {
  return err.syscall === 'accept'
}

/** calls `report(n)` with the events counted since the last report: at once, then at most once per interval */
export function throttledCounter(intervalMs: number, report: (count: number) => void): () => void {
  let count = 0
  let last = Number.NEGATIVE_INFINITY
  let timer: NodeJS.Timeout | undefined
  const flush = () => {
    timer = undefined
    last = Date.now()
    const n = count
    count = 0
    report(n)
  }
  return () => {
    count++
    if (timer) return
    const wait = last + intervalMs - Date.now()
    if (wait <= 0) flush()
    // unref: a pending report never keeps the process alive
    else timer = setTimeout(flush, wait).unref()
  }
}

export function createHardenedServer({ app, onClientError, logger, settings, openFiles, reportIntervalMs = REPORT_INTERVAL_MS }: HardenedServerOptions): Server {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = settings
  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // Node checks the two timeouts above only every 30 s by default: a silent socket would outlive its timeout by that much
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeoutMs / 4))),
    },
    app,
  )
  server.on('clientError', onClientError)
  const fds = openFiles ?? { limit: readOpenFilesLimit(), inUse: countOpenFiles() }
  capConnections(server, settings, fds, logger)
  reportRefusals(server, settings, fds.limit, logger, reportIntervalMs)
  return server
}

/** sets `maxConnections` (MAX_CONNECTIONS, else below the open-file limit) and says so on one line */
function capConnections(server: Server, settings: ServerSettings, fds: { limit: number | undefined; inUse: number }, logger: Logger): void {
  const cap = connectionCap({ openFilesLimit: fds.limit, openFiles: fds.inUse, webhookConcurrency: settings.webhookConcurrency })
  const maxConnections = settings.maxConnections ?? cap?.maxConnections
  if (maxConnections === undefined) return
  // never 0: Node 20 reads 0 as "no cap", later versions as "refuse all"
  server.maxConnections = maxConnections
  const fields = { maxConnections, openFilesLimit: fds.limit ?? null, openFiles: fds.inUse, headersTimeoutMs: settings.headersTimeoutMs, keepAliveTimeoutMs: settings.keepAliveTimeoutMs }
  if (settings.maxConnections !== undefined && cap && settings.maxConnections > cap.maxConnections) {
    logger.warn({ ...fields, reserve: cap.reserve }, `MAX_CONNECTIONS=${maxConnections} leaves fewer than ${cap.reserve} of the ${fds.limit} open files for the data file and webhooks`)
  } else {
    logger.info(fields, `at most ${maxConnections} client connections at once${settings.maxConnections === undefined ? ` (open-file limit ${fds.limit})` : ''}`)
  }
}

/** connections refused at the cap, and failed accepts (EMFILE…), counted on a line every few seconds at most */
function reportRefusals(server: Server, settings: ServerSettings, openFilesLimit: number | undefined, logger: Logger, intervalMs: number): void {
  const refused = throttledCounter(intervalMs, (n) =>
    logger.warn(
      { refused: n, maxConnections: server.maxConnections, intervalMs },
      `refused ${n} connection${n === 1 ? '' : 's'} since the last report: ${server.maxConnections} open is the most allowed (MAX_CONNECTIONS, or the open-file limit less a reserve); silent ones are closed after ${settings.headersTimeoutMs} ms`,
    ),
  )
  server.on('drop', refused)

  let lastCode = ''
  const acceptFailed = throttledCounter(intervalMs, (n) =>
    logger.error({ code: lastCode, failures: n, openFilesLimit: openFilesLimit ?? null }, `accept failed ${n} time${n === 1 ? '' : 's'} (${lastCode}): new connections were closed unanswered`),
  )
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (isAcceptError(err)) {
      lastCode = err.code ?? 'unknown'
      acceptFailed()
      return
    }
    // any other error is the caller's (main.ts, startSandbox listen on it); unheard, it is thrown as before
    if (server.listenerCount('error') === 1) throw err
  })
}
