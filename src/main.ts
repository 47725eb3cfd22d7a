import { loadConfig } from './config.js'
import { createHardenedServer, isAcceptError } from './core/http/server-limits.js'
import { createLogger, stdoutDestination } from './core/logger.js'
import { readServerSettings } from './core/settings.js'
import { createSandbox } from './sandbox.js'
import { ScenarioError } from './scenario/load.js'

// The only impure entry point: read config, build the sandbox, listen, shut down cleanly.

const SHUTDOWN_GRACE_MS = 10_000

function fail(message: string): never {
  process.stderr.write(`fintoc-monato-mock: ${message}\n`)
  process.exit(1)
}

async function main() {
  let config: ReturnType<typeof loadConfig>
  let serverSettings: ReturnType<typeof readServerSettings>
  try {
    config = loadConfig(process.env, process.argv.slice(2))
    // read before the sandbox exists: a bad value leaves nothing open or written
    serverSettings = readServerSettings(process.env)
  } catch (err) {
    fail((err as Error).message)
  }
  const out = stdoutDestination()
  // whatever way the process ends, the queued log lines go out first
  process.on('exit', () => out.flushSync())
  const logger = createLogger(config.logLevel, out)
  const sandbox = await createSandbox({ config, logger }).catch((err: unknown) => {
    if (err instanceof ScenarioError) fail(err.message)
    fail(`cannot start: ${(err as Error).message}`)
  })

  const server = createHardenedServer({ app: sandbox.app, onClientError: sandbox.onClientError, logger, settings: serverSettings })
  server.on('error', (err: NodeJS.ErrnoException) => {
    // logged by the server itself; it keeps listening
    if (isAcceptError(err)) return
    fail(err.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is already in use` : err.message)
  })
  server.listen(config.port, config.host, async () => {
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    // the port is known only now: webhook URLs pointing back at the sandbox are refused from here on
    await sandbox.listening({ host: config.host, port }).catch((err: unknown) => fail((err as Error).message))
    const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
    logger.info({ fintoc: `${base}/fintoc`, monato: `${base}/monato`, clock: config.clock, dataFile: config.dataFile ?? null }, `listening on ${base}`)
  })

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    force.unref()
    // stop accepting, let in-flight requests finish, then flush the store
    server.close(async () => {
      await sandbox.close()
      logger.info('stopped')
      await out.drained()
      process.exit(0)
    })
    server.closeIdleConnections()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err: unknown) => fail(`cannot start: ${(err as Error).message}`))
