import type { AddressInfo } from 'node:net'
import type { Config } from '../config.js'
import { acquireDataFileLock, type DataFileLock } from '../core/data-file-lock.js'
import { createHardenedServer, isAcceptError } from '../core/http/server-limits.js'
import { createLogger, stdoutDestination } from '../core/logger.js'
import { readCoreSettings, readServerSettings } from '../core/settings.js'
import { checkWritable } from '../core/store-file.js'
import { defaultModules } from '../providers/index.js'
import { createSandbox } from '../sandbox.js'
import { createScenarioRegistry } from '../scenario/registry.js'
import { settingsEnv } from '../scenario/settings-env.js'
import { type Banner, bannerFields, bannerText, describeProviders } from './banner.js'
import { die } from './exit.js'
import { watchParent } from './parent-watch.js'
import { listenProblem, portProblem } from './port-check.js'
import { prettyDestination } from './pretty-log.js'
import { readCliScenarios } from './scenarios.js'
import { StartError } from './start-error.js'
import { VERSION } from './version.js'

// The server as the command runs it: check everything, take the port and the data file, listen, say where,
// and stop cleanly on SIGTERM or SIGINT.

const SHUTDOWN_GRACE_MS = 10_000

export async function run(config: Config): Promise<void> {
  const env = process.env
  const modules = defaultModules
  // everything is read and checked before anything is opened or written
  const serverSettings = readServerSettings(env)
  const loaded = await readCliScenarios(modules, config)
  // scenarios that clash (an id or key named twice) are refused now rather than once the data file is open
  const registry = createScenarioRegistry(modules)
  for (const { scenario } of loaded) if (registry.check(scenario)) registry.add(scenario)
  const settings = settingsEnv(loaded.map((l) => l.scenario), env)
  readCoreSettings(settings)
  const described = describeProviders(modules, loaded, settings)
  // a second instance stops here, having written nothing
  const busy = await portProblem(config.port, config.host)
  if (busy) throw new StartError(busy)
  let lock: DataFileLock | undefined
  if (config.dataFile) {
    await checkWritable(config.dataFile)
    lock = acquireDataFileLock(config.dataFile)
    // whatever way the process ends, the lock goes with it
    process.on('exit', () => lock?.release())
  }

  const out = stdoutDestination()
  // whatever way the process ends, the queued log lines go out first
  process.on('exit', () => out.flushSync())
  const pretty = (config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json')) === 'pretty'
  const logger = createLogger(config.logLevel, pretty ? prettyDestination(out) : out)
  const sandbox = await createSandbox({ config, logger, modules, scenarios: loaded.map((l) => l.scenario), adminToken: config.adminToken })

  const server = createHardenedServer({ app: sandbox.app, onClientError: sandbox.onClientError, logger, settings: serverSettings })
  await new Promise<void>((resolve, reject) => {
    // another process may have taken the port since it was tried
    server.once('error', (err: NodeJS.ErrnoException) => reject(new StartError(listenProblem(err, config.port, config.host))))
    server.listen(config.port, config.host, () => resolve())
  })
  server.on('error', (err: NodeJS.ErrnoException) => {
    // logged by the server itself; it keeps listening
    if (!isAcceptError(err)) die(err)
  })
  const { port } = server.address() as AddressInfo
  // the port is known only now: webhook URLs pointing back at the sandbox are refused from here on
  await sandbox.listening({ host: config.host, port })
  const base = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`
  const banner: Banner = {
    version: VERSION,
    base,
    providers: sandbox.providers.map((p) => p.name),
    ...described,
    clock: sandbox.clock.mode(),
    adminToken: Boolean(config.adminToken),
    dataFile: config.dataFile,
    restored: sandbox.restored,
  }
  if (!pretty) logger.info(bannerFields(banner), `listening on ${base}`)
  else if (logger.isLevelEnabled('info')) out.write(bannerText(banner))

  let stopping = false
  const shutdown = (why: { signal: string } | { reason: string }) => {
    if (stopping) return
    stopping = true
    logger.info(why, 'shutting down')
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS)
    force.unref()
    // stop accepting, let in-flight requests finish, then flush the store
    server.close(async () => {
      await sandbox.close()
      lock?.release()
      logger.info('stopped')
      await out.drained()
      process.exit(0)
    })
    server.closeIdleConnections()
  }
  process.on('SIGTERM', () => shutdown({ signal: 'SIGTERM' }))
  process.on('SIGINT', () => shutdown({ signal: 'SIGINT' }))
  // npx runs it under `sh -c`, which dies of the SIGTERM npm passes on without passing it further (npm start execs
  // node instead; a script that backgrounds the server with `&` keeps it, as it asked)
  if (env.npm_lifecycle_event === 'npx') watchParent(() => shutdown({ reason: 'the npx process that started it is gone' }))
}
