import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { JSONSchemaFaker } from 'json-schema-faker'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../src/core/ids.js'
import { loadSpec } from '../src/core/spec/load.js'
import { readDataFile } from '../src/core/store-file.js'
import { extractOperations, type Operation } from '../src/core/spec/operations.js'
import { fromRoot } from '../src/paths.js'
import { fintocError, MONATO, makeSandbox, monatoError, monatoToken, rawRequest, type TestSandbox } from './helpers/sandbox.js'

// Thousands of requests generated from the specs and broken on purpose. Deterministic (seeded).

const PER_PROVIDER = 5000
const bytes = seededRandom(7)
const rnd = () => (bytes(4).reduce((a, b) => a * 256 + b, 0) >>> 0) / 2 ** 32
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!

let sb: TestSandbox
let token: string
let dataFile: string
beforeAll(async () => {
  // on a data file, so the change log is fuzzed too: it must replay to exactly the live state
  dataFile = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-fuzz-')), 'state.json')
  sb = await makeSandbox({ env: { DATA_FILE: dataFile, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0', MONATO_SETTLE_DELAY_MS: '0' }, logLevel: 'silent' })
  token = await monatoToken(sb)
  // some real money and ids to aim at
  const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_fuzz')).body[0]
  await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', 'sk_test_fuzz').send({ account_number_id: account.root_account_number_id, amount: 1_000_000, currency: 'MXN' })
  await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
})
afterAll(() => sb.close())

function valid(schema: unknown): unknown {
  JSONSchemaFaker.option({ useExamplesValue: true, alwaysFakeOptionals: rnd() < 0.5, fillProperties: false, random: rnd })
  return JSONSchemaFaker.generate(schema as never)
}

const NASTY: unknown[] = [
  null, true, -1, 0, 1.5, -0.01, 1e308, Number.MAX_SAFE_INTEGER + 2, '', ' ', 'x'.repeat(10_000), '0.001', '-1.00', '1e3', 'NaN',
  '<script>alert(1)</script>', "' OR 1=1 --", '\u0000', '🙂'.repeat(50), [], {}, [[[[[[[[]]]]]]]], { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } },
]

function mutate(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return pick(NASTY)
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(body))
  const keys = Object.keys(copy)
  switch (Math.floor(rnd() * 6)) {
    case 0:
      if (keys.length) delete copy[pick(keys)]
      return copy
    case 1:
      if (keys.length) copy[pick(keys)] = pick(NASTY)
      return copy
    case 2: {
      // dig one level down, where amounts and account numbers live
      const k = keys.find((x) => copy[x] && typeof copy[x] === 'object')
      if (k) copy[k] = mutate(copy[k])
      return copy
    }
    case 3: {
      const rest = JSON.stringify(copy).slice(1)
      return JSON.parse(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}${rest === '}' ? '' : ','} ${rest}`)
    }
    case 4: {
      let deep: unknown = copy
      for (let i = 0; i < 2000; i++) deep = { a: deep }
      return deep
    }
    default:
      return pick(NASTY)
  }
}

type Sent = { status: number; body: unknown; where: string }

// HTTP clients refuse control characters in headers, so no server ever receives them
const headerSafe = (v: unknown) => String(v).replace(/[^\x20-\x7e]/g, '?').slice(0, 300)

async function fire(provider: 'fintoc' | 'monato', op: Operation): Promise<Sent> {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name === 'clientId' && rnd() < 0.9) return MONATO.clientId
    return encodeURIComponent(String(rnd() < 0.5 ? valid(op.parameters.find((p) => p.name === name)?.schema ?? { type: 'string' }) : pick(NASTY)))
  })
  const query = rnd() < 0.3 ? `?limit=${encodeURIComponent(String(pick(NASTY)))}&page=${encodeURIComponent(String(pick(NASTY)))}` : ''
  const url = `/${provider}${path}${query}`
  const headers: Record<string, string> =
    provider === 'fintoc' ? { authorization: rnd() < 0.95 ? 'sk_test_fuzz' : headerSafe(pick(NASTY)) } : { authorization: `Bearer ${rnd() < 0.95 ? token : 'x.y.z'}`, 'x-api-key': MONATO.apiKey }
  if (rnd() < 0.2) headers['idempotency-key'] = rnd() < 0.5 ? '66c0b04f-97d6-592d-8396-199819064afa' : headerSafe(pick(NASTY))
  const mode = rnd()
  let raw: Buffer
  let type = 'application/json'
  if (mode < 0.05) raw = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])
  else if (mode < 0.1) raw = Buffer.from('{"amount": 10,')
  else if (mode < 0.13) {
    raw = Buffer.from('amount=10')
    type = 'application/x-www-form-urlencoded'
  } else if (mode < 0.16) raw = Buffer.alloc(0)
  else {
    const base = op.requestBody ? valid(op.requestBody.schema) : {}
    raw = Buffer.from(JSON.stringify(rnd() < 0.15 ? base : mutate(base)) ?? 'null')
  }
  const res = await rawRequest(sb, op.method.toUpperCase(), url, { ...headers, 'content-type': type }, raw).catch((err) => {
    throw new Error(`${op.operationId} ${op.method.toUpperCase()} ${url.slice(0, 200)} (${raw.length} bytes): ${(err as Error).message}`)
  })
  return { status: res.status, body: res.body, where: `${op.operationId} ${op.method.toUpperCase()} ${url.slice(0, 120)}` }
}

describe.each(['fintoc', 'monato'] as const)('%s: fuzzing', (provider) => {
  it(`${PER_PROVIDER} broken requests: no 5xx but the documented quirk, every error in the provider envelope`, async () => {
    const ops = extractOperations(await loadSpec(fromRoot(provider === 'fintoc' ? 'specs/fintoc.yaml' : 'specs/monato-fincore.yaml')))
    const statuses = new Map<number, number>()
    for (let i = 0; i < PER_PROVIDER; i++) {
      const sent = await fire(provider, pick(ops))
      statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1)
      const quirk = provider === 'monato' && sent.status === 500 && (sent.body as { message?: string }).message === 'Instrument not found.'
      if (sent.status >= 500 && !quirk) throw new Error(`${sent.where} → ${sent.status} ${JSON.stringify(sent.body).slice(0, 300)}`)
      if (sent.status >= 400) {
        try {
          if (provider === 'fintoc') fintocError(sent.body)
          else monatoError(sent.body)
        } catch (err) {
          throw new Error(`${sent.where} → ${sent.status}: ${(err as Error).message}`)
        }
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true)
    const health = await sb.http.get('/health')
    expect(health.status).toBe(200)
    // ~10 s alone; the whole suite shares 2 cores with it
  }, 180_000)
})

describe('after the fuzzing', () => {
  it('every Fintoc account balance equals the sum of its movements, and no Monato balance is negative', () => {
    const f = sb.store.data.fintoc as { accounts: Record<string, { available_balance: number; movementIds: string[] }>; movements: Record<string, { amount: number; direction: string }> }
    for (const a of Object.values(f.accounts)) {
      const sum = a.movementIds.reduce((s, id) => s + (f.movements[id]!.direction === 'inbound' ? 1 : -1) * f.movements[id]!.amount, 0)
      expect(a.available_balance).toBe(sum)
      expect(a.available_balance).toBeGreaterThanOrEqual(0)
    }
    const m = sb.store.data.monato as { accounts: Record<string, { balanceCents: number }> }
    for (const a of Object.values(m.accounts)) {
      expect(Number.isInteger(a.balanceCents)).toBe(true)
      expect(a.balanceCents).toBeGreaterThanOrEqual(0)
    }
  })

  it('the data file and its change log replay to exactly the live state', async () => {
    await sb.store.flush()
    expect(await readDataFile(dataFile)).toEqual(JSON.parse(JSON.stringify(sb.store.data)))
  })
})
