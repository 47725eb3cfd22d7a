import { readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSpec } from '../src/core/spec/load.js'
import { extractOperations, type Operation } from '../src/core/spec/operations.js'
import { createRouteMatcher } from '../src/core/spec/router.js'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import type { ProviderModule } from '../src/providers/types.js'
import { readSection, writeSection } from './helpers/generated-section.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'
import { classify, fintocSdkTable, type OperationRow, operationsTable, type SdkRow } from './helpers/sdk-coverage.js'
import { tapExchanges } from './helpers/sdk-exchanges.js'
import { type Made, placeholderCall, RECIPES, REFUSED_BY_DESIGN, SESSION } from './helpers/sdk-recipes.js'
import { savePaymentMethod } from '../src/providers/fintoc/payment-methods.js'
import type { FintocState } from '../src/providers/fintoc/state.js'
import { createSubscription } from '../src/providers/fintoc/subscriptions.js'
import { sdkMethods } from './helpers/sdk-walk.js'

// Issue #15 item 5: the SDK coverage tables of docs/sdk-coverage.md come from calling every method of the installed
// `fintoc` SDK against a sandbox, so they cannot claim what the sandbox does not do. UPDATE_DOCS=1 rewrites them.

const require = createRequire(import.meta.url)
const DOC = 'docs/sdk-coverage.md'
const KEY = 'sk_test_sdk_coverage'
const CLABE = '012180015530983477'

// the handlers each provider registers: the lookup mount.ts makes to answer from state or generate
const handlers: Record<string, Partial<Record<string, unknown>>> = {}
const modules: ProviderModule[] = defaultModules.map((m) => ({
  ...m,
  create(deps) {
    const provider = m.create(deps)
    handlers[m.name] = provider.handlers
    return provider
  },
}))

let sb: TestSandbox
let server: Server
let base: string
const tap = { exchanges: [] as ReturnType<typeof tapExchanges>['exchanges'] }

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: KEY, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as T
}

type Rec = { id: string; root_account_number_id?: string }

/** the resources the recipes read, update, return, expire or delete */
async function makeResources(): Promise<Made> {
  const [account] = await api<Rec[]>('GET', '/fintoc/v2/accounts')
  const other = await api<Rec>('POST', '/fintoc/v2/accounts', { description: 'Other' })
  const receive = (amount: number) => api<Rec>('POST', '/fintoc/v2/simulate/receive_transfer', { account_number_id: account!.root_account_number_id, amount, currency: 'MXN' })
  // money for the outbound transfer, and apart from it a transfer to return
  await receive(100_000)
  const inbound = await receive(5_000)
  // settles both: a return needs a succeeded transfer, an outbound one available money
  await api('POST', '/__admin/clock/advance', { ms: 60_000 })
  const [movement] = await api<Rec[]>('GET', `/fintoc/v2/accounts/${account!.id}/movements`)
  const [entity] = await api<Rec[]>('GET', '/fintoc/v2/entities')
  const hook = { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] }
  return {
    account: account!.id,
    otherAccount: other.id,
    accountNumber: account!.root_account_number_id!,
    movement: movement!.id,
    entity: entity!.id,
    inbound: inbound.id,
    verification: (await api<Rec>('POST', '/fintoc/v2/account_verifications', { account_number: CLABE })).id,
    paymentIntent: (await api<Rec>('POST', '/fintoc/v1/payment_intents', { amount: 1000, currency: 'MXN' })).id,
    openPaymentIntent: (await api<Rec>('POST', '/fintoc/v1/payment_intents', { amount: 2000, currency: 'MXN' })).id,
    ...(await paidAndRefunded()),
    endpoint: (await api<Rec>('POST', '/fintoc/v1/webhook_endpoints', hook)).id,
    spareEndpoint: (await api<Rec>('POST', '/fintoc/v1/webhook_endpoints', hook)).id,
    ...(await savedMethodAndSubscription(account!.id)),
    checkoutSession: (await api<Rec>('POST', '/fintoc/v1/checkout_sessions', SESSION)).id,
    checkoutSessionV2: (await api<Rec>('POST', '/fintoc/v2/checkout_sessions', SESSION)).id,
    customer: (await api<Rec>('POST', '/fintoc/v2/customers', { email: 'made@example.com', name: 'Made' })).id,
  }
}

/** no API saves a payment method or makes a subscription yet (sessions will): the domain's own functions do */
async function savedMethodAndSubscription(accountId: string): Promise<Pick<Made, 'paymentMethod' | 'subscription'>> {
  const orgId = (sb.store.data.fintoc as FintocState).accounts[accountId]!.orgId
  const deps = { ids: sb.ids, clock: sb.clock }
  const pm = await sb.store.update((s) => savePaymentMethod(s.fintoc as FintocState, deps, orgId, { customerId: null, type: 'pac', details: { status: 'active' } }))
  const sub = await sb.store.update((s) => createSubscription(s.fintoc as FintocState, deps, orgId, { customerId: 'cus_sdk_coverage', items: [{ price: 'price_sdk', quantity: 1 }] }))
  return { paymentMethod: pm.id, subscription: sub.id }
}

/** a payment intent paid through the widget stand-in, and a pending refund of part of it */
async function paidAndRefunded(): Promise<Pick<Made, 'paidPaymentIntent' | 'refund'>> {
  const paid = await api<Rec>('POST', '/fintoc/v1/payment_intents', { amount: 3000, currency: 'MXN' })
  await api('POST', `/__admin/fintoc/payment_intents/${paid.id}/pay`, { account: '5555555555' })
  await api('POST', '/__admin/clock/advance', { ms: 5000 })
  const refund = await api<Rec>('POST', '/fintoc/v1/refunds', { resource_type: 'payment_intent', resource_id: paid.id, amount: 500 })
  return { paidPaymentIntent: paid.id, refund: refund.id }
}

const operationsOf = async (file: string) => extractOperations(await loadSpec(fromRoot(file)))
const answerOf = (provider: string, op: Operation) => (handlers[provider]?.[op.operationId] ? 'state' : 'generated')

describe('SDK coverage (docs/sdk-coverage.md)', () => {
  let rows: SdkRow[]
  const problems: string[] = []

  beforeAll(async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off' }, modules })
    const tapped = tapExchanges(sb.app, '/fintoc')
    tap.exchanges = tapped.exchanges
    server = createServer(tapped.listener)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    base = `http://127.0.0.1:${port}`
    await sb.listening({ host: '127.0.0.1', port })
    // the SDK reads its base URL from this module when a client is made
    require('fintoc/build/main/lib/constants').API_BASE_URL = `${base}/fintoc`
    const { Fintoc } = require('fintoc') as { Fintoc: new (key: string) => object }
    const made = await makeResources()
    const match = createRouteMatcher(await operationsOf('specs/fintoc.yaml'))
    const find = (method: string, path: string) => {
      const m = match(method, path)
      return m.kind === 'found' ? m.operation : undefined
    }
    rows = []
    for (const { manager, method, call } of sdkMethods(new Fintoc(KEY))) {
      const name = `${manager}.${method}`
      const before = tap.exchanges.length
      const recipe = RECIPES[name]
      let thrown: unknown
      try {
        await (recipe ?? placeholderCall(method))(call, made)
      } catch (err) {
        thrown = err
      }
      const row = classify(name, tap.exchanges.slice(before), find, REFUSED_BY_DESIGN[name])
      if (typeof row === 'string') {
        problems.push(thrown ? `${row} (the SDK threw: ${String(thrown).split('\n')[0]})` : row)
        continue
      }
      if (row.answer !== 'not served' && thrown && !row.refusal) problems.push(`${name}: answered 2xx, yet the SDK threw: ${String(thrown).split('\n')[0]}`)
      if (row.answer === 'not served' && recipe) problems.push(`${name} has a recipe but is not served: drop the recipe`)
      rows.push(row)
    }
  })
  afterAll(async () => {
    server?.close()
    await sb?.close()
  })

  it('every SDK method either succeeds from the sandbox or is refused as not served', () => {
    expect(problems).toEqual([])
    // a walk that finds little would make an empty table look true
    expect(rows.length).toBeGreaterThan(60)
    expect(rows.filter((r) => r.answer === 'state').length).toBeGreaterThan(25)
  })

  it('an operation an SDK method reached answered as its handler map says', async () => {
    const ops = await operationsOf('specs/fintoc.yaml')
    const disagree = rows.flatMap((r) =>
      r.answer === 'not served' ? [] : r.reached.map((x) => ops.find((o) => o.operationId === x.operationId)).filter((o) => !o || answerOf('fintoc', o) !== r.answer).map((o) => `${r.call}: ${o?.operationId ?? 'no operation'}`),
    )
    expect(disagree).toEqual([])
  })

  it('the committed tables are what the SDK and the sandbox show', async () => {
    const sdkVersion = (JSON.parse(readFileSync(fromRoot('node_modules/fintoc/package.json'), 'utf8')) as { version: string }).version
    const fintocOps: OperationRow[] = (await operationsOf('specs/fintoc.yaml')).map((operation) => ({
      operation,
      answer: answerOf('fintoc', operation),
      sdk: rows.filter((r) => r.answer !== 'not served' && r.reached.some((x) => x.operationId === operation.operationId)).map((r) => r.call),
    }))
    const monatoOps: OperationRow[] = (await operationsOf('specs/monato-fincore.yaml')).map((operation) => ({ operation, answer: answerOf('monato', operation) }))
    const sections: Record<string, string> = {
      'fintoc-sdk': fintocSdkTable(rows, sdkVersion),
      'fintoc-operations': operationsTable(fintocOps, true),
      'monato-operations': operationsTable(monatoOps, false),
    }
    let doc = readFileSync(fromRoot(DOC), 'utf8')
    if (process.env.UPDATE_DOCS === '1') {
      for (const [name, content] of Object.entries(sections)) doc = writeSection(doc, name, content)
      writeFileSync(fromRoot(DOC), doc)
    }
    for (const [name, content] of Object.entries(sections)) {
      expect(readSection(doc, name), `${DOC} "${name}" is out of date: UPDATE_DOCS=1 npx vitest run test/sdk-coverage.test.ts`).toBe(content)
    }
  })
})
