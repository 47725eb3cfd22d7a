import type { AddressInfo } from 'node:net'
import type { DeliveryWithPayload, RecordedRequest, RunningSandbox, StartOptions } from './api-types.js'
import { type Config, DEFAULT_SCENARIO, loadConfig } from './config.js'
import { createClock } from './core/clock.js'
import { createHardenedServer } from './core/http/server-limits.js'
import { createLogger } from './core/logger.js'
import { readServerSettings } from './core/settings.js'
import type { DeliveriesState, DeliveryRecord as StoredDelivery } from './core/webhooks.js'
import { defaultModules } from './providers/index.js'
import { createSandbox, resolveScenarioPath } from './sandbox.js'
import { createInboxHandle } from './inbox-handle.js'
import { parseScenario, readScenario } from './scenario/load.js'

// The programmatic API: start a sandbox inside a test process, e.g. in Vitest's beforeAll.

export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1'
  // typed as the configuration's unions: a public option value it would refuse is a compile error
  const clockMode: Config['clock'] = options.clock ?? 'real'
  const logLevel: Config['logLevel'] = options.logLevel ?? 'silent'
  const config = loadConfig({ PORT: String(options.port ?? 0), HOST: host, CLOCK: clockMode, LOG_LEVEL: logLevel })
  const entries = options.scenario === undefined ? [DEFAULT_SCENARIO] : Array.isArray(options.scenario) ? options.scenario : [options.scenario]
  const scenarios = await Promise.all(
    entries.map((e, i) => (typeof e === 'string' ? readScenario(defaultModules, resolveScenarioPath(e)) : parseScenario(defaultModules, e, `scenario #${i + 1}`))),
  )
  const clock = createClock(config.clock)
  // read before the sandbox exists: a bad value leaves nothing open
  const serverSettings = readServerSettings({ ...options.env })
  const sandbox = await createSandbox({ config, clock, scenarios, logger: createLogger(config.logLevel), env: { ...options.env } })
  const server = createHardenedServer({ app: sandbox.app, onClientError: sandbox.onClientError, logger: sandbox.logger, settings: serverSettings })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  await sandbox.listening({ host, port }).catch(async (err: unknown) => {
    server.close()
    await sandbox.close()
    throw err
  })
  const url = `http://${host}:${port}`
  const log = () => (sandbox.store.data.core as { webhooks: DeliveriesState }).webhooks

  // typed as the public record: a field the stored record loses or retypes is a compile error here
  const withPayload = (d: StoredDelivery): DeliveryWithPayload => ({ ...d, payload: JSON.parse(d.body) as unknown })
  return {
    url,
    fintocUrl: `${url}/fintoc`,
    monatoUrl: `${url}/monato`,
    adminUrl: `${url}/__admin`,
    reset: async () => {
      const res = await fetch(`${url}/__admin/reset`, { method: 'POST', headers: options.env?.ADMIN_TOKEN ? { authorization: `Bearer ${options.env.ADMIN_TOKEN}` } : {} })
      if (!res.ok) throw new Error(`reset failed: ${res.status}`)
    },
    advance: async (ms) => {
      await sandbox.scheduler.advance(ms)
    },
    deliveries: () => {
      const l = log()
      return l.order.map((id) => l.deliveries[id]!)
    },
    waitForWebhook: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const l = log()
        const found = l.order.map((id) => l.deliveries[id]!).find((d) => d.status === 'succeeded' && predicate(withPayload(d)))
        if (found) return withPayload(found)
        if (Date.now() > deadline) throw new Error(`no matching webhook was delivered within ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 10))
      }
    },
    inbox: (name) => createInboxHandle(sandbox.inboxes, url, name),
    // typed as the public record: a field the journal loses or retypes is a compile error here
    requests: (filter): RecordedRequest[] => sandbox.journal.list(filter),
    countRequests: (filter) => sandbox.journal.count(filter),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await sandbox.close()
    },
  }
}

export type { ClockMode, DeliveryAttempt, DeliveryRecord, DeliveryWithPayload, InboxFilter, InboxMessage, SandboxInbox, LogLevel, RecordedRequest, RequestFilter, RunningSandbox, Scenario, StartOptions } from './api-types.js'
