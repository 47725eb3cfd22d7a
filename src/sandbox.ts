import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import type { RequestListener } from 'node:http'
import { createApp, type MountedProvider } from './app.js'
import { type Config, ConfigError } from './config.js'
import { type Clock, createClock } from './core/clock.js'
import { createListener } from './core/http/listener.js'
import { mountProvider } from './core/http/mount.js'
import { createIds, type IdGenerator } from './core/ids.js'
import type { ApiError } from './core/errors.js'
import { createFaults } from './core/faults.js'
import { type CoreRecords, forgetResources } from './core/forget.js'
import { createClientErrorHandler } from './core/http/client-error.js'
import { createJournal, type Journal } from './core/journal.js'
import { createIdempotency, type IdempotencyState, initialIdempotencyState } from './core/idempotency.js'
import { createScheduler, initialJobsState, type JobsState, parseRef, type Scheduler } from './core/scheduler.js'
import { createInboxes, type Inboxes } from './core/inbox.js'
import { inboxResolvingFetch } from './core/inbox-url.js'
import { createWebhooks, type DeliveriesState, initialDeliveriesState, JOB_WEBHOOK_ATTEMPT, type Webhooks } from './core/webhooks.js'
import { readCoreSettings } from './core/settings.js'
import { validateState } from './core/state-schema.js'
import { createAdminRouter } from './admin/router.js'
import { createLogger, type Logger } from './core/logger.js'
import { isLoopbackHost, isSelfAddress, SELF_URL_PROBLEM, type SelfAddress } from './core/self-address.js'
import { loadSpec } from './core/spec/load.js'
import { createMockGenerator } from './core/spec/mock.js'
import { extractOperations } from './core/spec/operations.js'
import { createValidators } from './core/spec/validate.js'
import { createStore, type Store } from './core/store.js'
import { fromRoot } from './paths.js'
import { defaultModules } from './providers/index.js'
import type { ErrorResponse, Provider, ProviderModule, StateSlice } from './providers/types.js'
import { parseScenario, readScenario, type Scenario } from './scenario/load.js'
import { settingsEnv } from './scenario/settings-env.js'
import { createPreparedState } from './scenario/prepared.js'
import { createScenarioRegistry } from './scenario/registry.js'

// Composition root shared by main.ts and tests: specs, store, scenarios, providers, app.

export type SandboxState = Record<string, unknown>

export interface SandboxOptions {
  config: Config
  logger?: Logger
  clock?: Clock
  ids?: IdGenerator
  modules?: ProviderModule[]
  /** already-parsed scenarios, used instead of the config's scenario files */
  scenarios?: Scenario[]
  /** provider settings (FINTOC_SETTLE_DELAY_MS…); defaults to process.env */
  env?: NodeJS.ProcessEnv
  /** how webhooks are sent; tests may inject their own */
  fetch?: typeof fetch
  /** required on /__admin when set (defaults to ADMIN_TOKEN) */
  adminToken?: string
}

export interface Sandbox {
  /** the server's request listener: `http.createServer(sandbox.app)` */
  app: RequestListener
  store: Store<SandboxState>
  clock: Clock
  ids: IdGenerator
  logger: Logger
  providers: MountedProvider[]
  scheduler: Scheduler
  webhooks: Webhooks
  /** the built-in webhook inbox (/__admin/inbox/{name}), in memory */
  inboxes: Inboxes
  /** attach to the HTTP server's `clientError`: parser-level refusals in the provider's envelope */
  onClientError: ReturnType<typeof createClientErrorHandler>
  /**
   * Call once the server listens (main.ts and startSandbox do): from then on, webhook URLs that point at the
   * sandbox itself are refused at registration and at delivery. Throws a ConfigError when a configured
   * receiver URL (FINTOC_WEBHOOK_URL…) does; warns when /__admin is open on a non-loopback address.
   */
  listening(address: SelfAddress): Promise<void>
  close(): Promise<void>
  /** the state came from DATA_FILE: the scenarios were not applied to it */
  restored: boolean
  /** the request journal: provider requests and their answers, masked (journal.list / journal.count) */
  journal: Journal
}

export const VERSION: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version
const PRODUCT: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).name

/**
 * Relative scenario paths are looked up in the working directory, then in the package, then in the
 * image's embedded copy (so a volume mounted over /app/data does not hide the shipped scenarios).
 */
export function resolveScenarioPath(file: string): string {
  if (path.isAbsolute(file)) return file
  const candidates = [path.resolve(file), fromRoot(file), fromRoot('.embedded', file)]
  return candidates.find((c) => existsSync(c)) ?? fromRoot(file)
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { config } = options
  const modules = options.modules ?? defaultModules
  const logger = options.logger ?? createLogger(config.logLevel)
  const scenarios0 = options.scenarios ?? (await Promise.all(config.scenarios.map((f) => readScenario(modules, resolveScenarioPath(f)))))
  // a scenario listed twice is loaded once; one reusing an id of an earlier one stops the boot (ScenarioError)
  const registry = createScenarioRegistry(modules)
  for (const scenario of scenarios0) if (registry.check(scenario)) registry.add(scenario)
  // scenario settings (later files win) under explicit env vars of the same name
  const givenEnv = options.env ?? process.env
  const env = settingsEnv(scenarios0, givenEnv)
  // a --clock flag or a CLOCK env var wins over a scenario's CLOCK
  const clock = options.clock ?? createClock(config.given.clock || givenEnv.CLOCK ? config.clock : ((env.CLOCK as 'real' | 'manual' | undefined) ?? config.clock))
  // POST /__admin/reset returns to it, whatever /__admin/clock/set chose since
  const bootClockMode = clock.mode()
  const ids = options.ids ?? createIds(clock.now)
  const coreSettings = readCoreSettings(env)

  const specs = await Promise.all(modules.map((m) => loadSpec(fromRoot(m.specFile))))

  // `core` holds what belongs to no provider: scheduled jobs, idempotency records, webhook deliveries
  const initial = (): SandboxState => ({
    core: { ...initialJobsState(), idempotency: initialIdempotencyState(), webhooks: initialDeliveriesState() },
    ...Object.fromEntries(modules.map((m) => [m.name, m.initialState()])),
  })
  const apply = (state: SandboxState, scenario: Scenario) => {
    for (const m of modules) {
      const section = scenario[m.name]
      if (section !== undefined) m.applyScenario(state[m.name], section, { ids, clock })
    }
  }
  /** a fresh world: the initial state with these scenarios applied */
  const seeded = (scenarios: Scenario[]): SandboxState => {
    const state = initial()
    for (const scenario of scenarios) apply(state, scenario)
    return state
  }
  // a reset swaps in a copy of the seeded state prepared at boot or at the last scenario load
  const prepared = createPreparedState<SandboxState>()
  /** keeps a copy of `state` for resets (before any request can change it) and makes it the live one */
  const seed = async (state: SandboxState) => {
    prepared.keep(state)
    await store.replace(state)
  }
  const { store, restored, dropped } = await createStore(initial, config.dataFile, {
    acceptLoss: coreSettings.acceptDataLoss,
    // one line when the disk starts refusing, one when it takes writes again: not one per request
    onWriteFailure: (err) =>
      logger.warn({ dataFile: config.dataFile, code: (err as { code?: string }).code }, `DATA_FILE ${config.dataFile}: a write failed (${(err as { code?: string }).code ?? (err as Error).message}); changes are refused with 503 until it works again`),
    onWriteRecovered: () => logger.info({ dataFile: config.dataFile }, `DATA_FILE ${config.dataFile}: writes work again`),
  })
  if (dropped) {
    // a kill mid-append and a copy cut short look the same: never silent
    logger.warn(
      { dataFile: config.dataFile, droppedBytes: dropped.bytes, line: dropped.line, reason: dropped.reason, lastBatchApplied: dropped.afterSeq },
      `DATA_FILE ${config.dataFile}.log: dropped ${dropped.bytes} bytes from line ${dropped.line} (${dropped.reason}); the state is as of batch ${dropped.afterSeq}`,
    )
  }
  if (restored) logger.info({ dataFile: config.dataFile }, 'state restored from data file')
  else await seed(seeded(registry.scenarios()))

  const jobs = () => store.data.core as JobsState
  const scheduler = createScheduler({
    clock,
    logger,
    jobs,
    remove: (done) =>
      store.update((state) => {
        // identity is read on the raw state: the update may run on a tracking view of it
        const stored = jobs().jobs
        for (const job of done) if (stored[job.id] === job) delete (state.core as JobsState).jobs[job.id]
      }),
  })

  // known once the server listens: until then (e.g. under supertest) no URL counts as the sandbox itself
  let self: SelfAddress | undefined
  const inboxes = createInboxes(clock.now)
  const isSelfUrl = (url: string) => isSelfAddress(url, self)
  type Core = JobsState & { webhooks: DeliveriesState }
  const core = (state: SandboxState) => state.core as Core
  const webhooks = createWebhooks({
    clock,
    ids,
    logger,
    // `inbox:<name>` receiver URLs go to the sandbox's own inbox, once its address is known
    fetch: inboxResolvingFetch(options.fetch ?? fetch, () => self),
    settings: coreSettings.webhooks,
    state: () => core(store.data).webhooks,
    update: (fn) => store.update((state) => fn(core(state).webhooks, (ref, delayMs) => scheduler.schedule(core(state), JOB_WEBHOOK_ATTEMPT, ref, delayMs))),
    refuse: async (url) => ((await isSelfUrl(url)) ? `refused, not sent: the URL ${SELF_URL_PROBLEM}` : null),
  })
  scheduler.register(JOB_WEBHOOK_ATTEMPT, (job) => webhooks.attempt(job.ref))

  const idempotency = createIdempotency({
    clock,
    update: (fn, options) => store.update((state) => fn((state.core as { idempotency: IdempotencyState }).idempotency), options),
  })
  const formatters: Record<string, (err: ApiError) => ErrorResponse> = {}
  const faults = createFaults(ids)
  const loadFaults = () => {
    faults.clear()
    for (const scenario of registry.scenarios()) for (const rule of scenario.faults ?? []) faults.add(rule)
  }
  loadFaults()
  const generate = createMockGenerator()
  const recoverers: Array<{ name: string; recover: NonNullable<Provider['recover']> }> = []
  const configuredUrls: Record<string, string | undefined> = {}
  const providers = modules.map((m, i): MountedProvider => {
    const slice: StateSlice<unknown> = {
      get data() {
        return store.data[m.name]
      },
      update: (fn, options) =>
        store.update((state) =>
          fn(state[m.name], {
            schedule: (type, ref, delayMs) => scheduler.schedule(core(state), `${m.name}.${type}`, ref, delayMs),
            deliver: (input) =>
              webhooks.enqueue(core(state).webhooks, (ref, delayMs) => scheduler.schedule(core(state), JOB_WEBHOOK_ATTEMPT, ref, delayMs), m.name, input),
            forget: (gone) => forgetResources(state.core as CoreRecords, m.name, gone),
          }),
        options),
    }
    const provider = m.create({
      state: slice,
      clock,
      ids,
      logger: logger.child({ provider: m.name }),
      env,
      onJob: (type, run) => scheduler.register(`${m.name}.${type}`, (job) => run(job.ref)),
      signWebhooks: (signer) => webhooks.registerSigner(m.name, signer),
      webhookPolicy: (policy) => webhooks.registerPolicy(m.name, policy),
      isSelfUrl,
    })
    Object.assign(configuredUrls, provider.configuredWebhookUrls)
    const operations = extractOperations(specs[i]!)
    if (provider.recover) recoverers.push({ name: m.name, recover: provider.recover.bind(provider) })
    formatters[m.name] = (err) => provider.formatError(err)
    const handle = mountProvider({ provider, operations, validators: createValidators(operations), generate, idempotency, logger, faults })
    return { name: m.name, handle, operationCount: operations.length, admin: provider.admin, pages: provider.pages, dashboard: provider.dashboard }
  })

  /** schedules what unfinished resources lack (see Provider.recover); answers how many */
  const recoverJobs = async (): Promise<number> => {
    const known = new Set<string>()
    for (const job of Object.values(jobs().jobs)) known.add(`${job.type}|${parseRef(job.ref).id}`)
    let count = await webhooks.recover((id) => known.has(`${JOB_WEBHOOK_ATTEMPT}|${id}`))
    for (const r of recoverers) count += await r.recover((type, id) => known.has(`${r.name}.${type}|${id}`))
    if (count > 0) logger.warn({ rescheduled: count }, 'unfinished resources without a scheduled job were given one')
    return count
  }
  if (restored) await recoverJobs()

  const journal = createJournal(coreSettings.journalSize)
  let loadedAtRunTime = 0
  const adminToken = options.adminToken ?? env.ADMIN_TOKEN
  const express = createApp({ providers, logger, version: VERSION, admin: createAdminRouter({
      clock,
      scheduler,
      webhooks,
      store,
      providers,
      token: adminToken,
      journal,
      faults,
      inboxes,
      reset: async () => {
        inboxes.clear()
        loadFaults()
        // a state restored from DATA_FILE was never seeded here: it is, once
        if (prepared.ready) await store.replace(prepared.take())
        else await seed(seeded(registry.scenarios()))
        clock.setMode(bootClockMode)
      },
      loadScenario: async (json, replace) => {
        const scenario = parseScenario(modules, json, 'request body')
        const name = `request body #${loadedAtRunTime + 1}`
        if (replace) {
          const state = seeded([scenario])
          registry.clear()
          registry.add(scenario, name)
          loadedAtRunTime++
          loadFaults()
          await seed(state)
          return { loaded: true }
        }
        if (!registry.check(scenario)) return { loaded: false }
        // the prepared copy first: the live state is touched only once the scenario applied cleanly
        const next = prepared.draft()
        if (next) apply(next, scenario)
        registry.add(scenario, name)
        loadedAtRunTime++
        for (const rule of scenario.faults ?? []) faults.add(rule)
        // before the live update's write: a reset meanwhile already includes it
        if (next) prepared.adopt(next)
        await store.update((state) => apply(state, scenario))
        return { loaded: true }
      },
      checkState: (value) => {
        const check = validateState(modules, value, ['state'])
        return check.ok ? [] : check.issues
      },
      bodyLimit: coreSettings.adminBodyLimit,
      recoverJobs,
      specs: modules.map((m, i) => ({ name: m.name, spec: specs[i] })),
      // the dashboard's header; uptime counts from here
      about: { name: PRODUCT, version: VERSION, startedAt: Date.now() },
    }) })
  const app = createListener({
    app: express,
    apis: providers.map((p) => ({ name: p.name, handle: p.handle, pagesPaths: p.pages?.map((page) => page.path) })),
    logger,
    requestId: randomUUID,
    onFinish: journal.record,
  })
  scheduler.arm()
  return {
    app,
    store,
    clock,
    ids,
    logger,
    providers,
    scheduler,
    webhooks,
    inboxes,
    restored,
    journal,
    onClientError: createClientErrorHandler(formatters),
    listening: async (address) => {
      self = address
      for (const [setting, url] of Object.entries(configuredUrls)) {
        if (url && (await isSelfUrl(url))) throw new ConfigError(`invalid configuration: ${setting}: ${SELF_URL_PROBLEM}`)
      }
      if (!adminToken && !isLoopbackHost(address.host)) {
        logger.warn({ host: address.host, port: address.port }, `/__admin is open to anyone who can reach ${address.host}:${address.port} (reset, snapshot, state with secrets): set ADMIN_TOKEN to require Authorization: Bearer <ADMIN_TOKEN>`)
      }
    },
    close: async () => {
      scheduler.stop()
      inboxes.close()
      prepared.stop()
      // a disk that refuses the final compaction loses nothing: the log already holds every acknowledged change
      await store.close().catch((err: unknown) => logger.warn({ dataFile: config.dataFile }, `DATA_FILE ${config.dataFile}: could not compact on stop (${(err as Error).message}); the log keeps every acknowledged change`))
    },
  }
}
