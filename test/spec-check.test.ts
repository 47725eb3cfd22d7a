import { existsSync, readFileSync, statSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultModules } from '../src/providers/index.js'
import type { SpecRecord } from './global-spec-record.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { checkRecords, type SpecSet, loadSpecSet } from './helpers/spec-check.js'

// The run-wide spec check (test/global-spec-check.ts) on real bodies and on planted ones: the recorder records,
// what the sandbox sends passes, and each kind of non-conforming body is reported.

const KEY = 'sk_test_spec_check'
const CLABE = '734180000001233635'
const monatoBase = `/monato/v1/clients/${MONATO.clientId}`

let specs: SpecSet
let sb: TestSandbox
let hook: Receiver
let transferId: string
const recorded = () => readFileSync(sb.specRecordFile!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SpecRecord)
const size = () => (existsSync(sb.specRecordFile!) ? statSync(sb.specRecordFile!).size : 0)

beforeAll(async () => {
  specs = await loadSpecSet(Object.fromEntries(defaultModules.map((m) => [m.name, m.specFile])))
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0', MONATO_SETTLE_DELAY_MS: '0' } })
  // without the globalSetup's folder nothing is recorded and every test below would prove nothing
  if (!sb.specRecordFile) throw new Error('no spec record folder: run under vitest.config.ts, whose globalSetup creates it')
  hook = await startReceiver()
  // one Fintoc transfer and one Monato credit, each with its webhook
  await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url: hook.url, enabled_events: ['transfer.inbound.succeeded'] })
  const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body[0]
  const send = { account_number_id: account.root_account_number_id, amount: 1500, currency: 'MXN' }
  transferId = (await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send(send)).body.id
  const token = await monatoToken(sb)
  await sb.http.post(`${monatoBase}/webhooks`).set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, url: hook.url, token: 'tok-spec', webhook_type: 'MONEY_IN' })
  await sb.http.post('/__admin/monato/money_in').send({ clabe: CLABE, amount: '12.00', payer_name: 'Juan Perez', payer_institution: '40002' })
  await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
  await sb.http.get(`/fintoc/v2/transfers/${transferId}?expand=x`).set('Authorization', KEY)
  await sb.http.get(`${monatoBase}/accounts`).set('Authorization', `Bearer ${token}`)
})
afterAll(async () => {
  await hook.close()
  await sb.close()
})

/** a record the sandbox made, with the value at `at` in its body replaced (undefined: removed, as JSON drops it) */
function planted<K extends SpecRecord['kind']>(kind: K, find: (r: SpecRecord) => boolean, at: Array<string | number> = [], value?: unknown) {
  const r = recorded().find((x) => x.kind === kind && find(x))
  if (!r) throw new Error(`no ${kind} record to plant from`)
  const body = JSON.parse(r.body) as Record<string | number, unknown>
  const parent = at.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, body)
  if (at.length) parent[at.at(-1)!] = value
  return { ...r, body: JSON.stringify(body) } as Extract<SpecRecord, { kind: K }>
}
const fintocTransfer = (r: SpecRecord) => r.kind === 'response' && r.method === 'GET' && r.path.startsWith('/fintoc/v2/transfers/tr_')
const monatoAccounts = (r: SpecRecord) => r.kind === 'response' && r.method === 'GET' && r.path === `${monatoBase}/accounts`
const delivery = (provider: string) => (r: SpecRecord) => r.kind === 'delivery' && r.provider === provider
const check = (r: SpecRecord) => checkRecords(specs, [r]).findings

describe('the recorder', () => {
  it('records every 2xx JSON body on a provider path and every delivery once, with its provider and event type, and nothing else', async () => {
    const before = size()
    expect((await sb.http.get('/fintoc/v2/entities').set('Authorization', KEY)).status).toBe(200)
    expect(size()).toBeGreaterThan(before)
    const n = recorded().length
    // errors, admin and health answers are not the check's business
    expect((await sb.http.get('/fintoc/v2/entities')).status).toBe(401)
    expect((await sb.http.get('/health')).status).toBe(200)
    expect(recorded()).toHaveLength(n)

    const summary = recorded().map((r) => (r.kind === 'response' ? `${r.status} ${r.method} ${r.path}` : `${r.provider} ${r.eventType}`))
    expect(summary).toEqual(
      expect.arrayContaining([
        '201 POST /fintoc/v2/simulate/receive_transfer',
        // the query string is left out: it is no part of the route
        `200 GET /fintoc/v2/transfers/${transferId}`,
        `200 GET ${monatoBase}/accounts`,
        'fintoc transfer.inbound.succeeded',
        'monato MONEY_IN',
      ]),
    )
    expect(hook.received).toHaveLength(2)
    expect(recorded().filter((r) => r.kind === 'delivery')).toHaveLength(2)
  })
})

describe('checkRecords', () => {
  it('passes what the sandbox sent, and counts it', () => {
    const r = checkRecords(specs, recorded())
    expect(r.findings.map((f) => `${f.target}: ${f.problem}`)).toEqual([])
    expect(r.operations).toEqual(new Set(['fintoc createWebhookEndpoint', 'fintoc listAccounts', 'fintoc simulateReceiveTransfer', 'fintoc getTransfer', 'fintoc listEntities', 'monato createCredentialToken', 'monato createClientWebhook', 'monato listAccounts']))
    expect(r.eventTypes).toEqual(new Set(['fintoc transfer.inbound.succeeded', 'monato MONEY_IN']))
    expect(r.deliveries).toBe(2)
    expect(r.responses.fintoc).toBeGreaterThanOrEqual(5)
  })

  it('reports a Fintoc transfer with a string amount', () => {
    const f = check(planted('response', fintocTransfer, ['amount'], '1500'))
    expect(f).toHaveLength(1)
    expect(f[0]).toMatchObject({ provider: 'fintoc', target: 'GET /v2/transfers/{id} (getTransfer)', status: 200, problem: 'body/amount must be integer' })
  })

  it('reports a Monato account missing a required field', () => {
    const f = check(planted('response', monatoAccounts, ['data', 0, 'clabeNumber'], undefined))
    expect(f.map((x) => x.problem)).toEqual(["body/data/0 must have required property 'clabeNumber'"])
  })

  it('reports a status the operation does not declare, and a path no operation serves', () => {
    const transfer = planted('response', fintocTransfer)
    expect(check({ ...transfer, status: 202 }).map((x) => x.problem)).toEqual(['status 202 is not a declared response'])
    expect(check({ ...transfer, path: '/fintoc/v2/teleports' }).map((x) => x.problem)).toEqual(['no operation in the spec answers GET /fintoc/v2/teleports'])
    expect(check({ ...transfer, body: '{"amount":' }).map((x) => x.problem)).toEqual(['the body is not JSON'])
  })

  it('reports a delivery of an event type the spec has no webhook for', () => {
    const d = planted('delivery', delivery('fintoc'), ['type'], 'transfer.inbound.teleported')
    expect(check({ ...d, eventType: 'transfer.inbound.teleported' }).map((x) => x.problem)).toEqual(['the spec has no webhook schema for transfer.inbound.teleported'])
  })

  it('reports a delivery with a field of the wrong type, and one whose body names another event than the log', () => {
    const d = planted('delivery', delivery('monato'), ['body', 'amount'], 12)
    expect(check(d)).toMatchObject([{ kind: 'delivery', provider: 'monato', target: 'MONEY_IN', problem: 'body/body/amount must be string' }])
    const other = planted('delivery', delivery('monato'), ['msg_name'], 'CEP')
    expect(check(other).map((x) => x.problem)).toEqual(["the body's msg_name is CEP but the delivery log says MONEY_IN"])
  })

  it('reports a delivery the sandbox log did not hold', () => {
    const d = planted('delivery', delivery('fintoc'))
    expect(check({ ...d, provider: 'unknown', eventType: 'unknown' })).toHaveLength(1)
  })
})
