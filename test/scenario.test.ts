import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import { parseScenario, readScenario, ScenarioError } from '../src/scenario/load.js'
import { fintocError, makeSandbox } from './helpers/sandbox.js'

describe('scenario files', () => {
  it('the default scenario is valid and seeds the Monato client and the SPEI catalog', async () => {
    const s = (await readScenario(defaultModules, fromRoot('data/scenarios/default.json'))) as { monato: { banks: Array<{ code: string; name: string }>; clients: unknown[] } }
    expect(s.monato.clients).toHaveLength(1)
    const codes = new Map(s.monato.banks.map((b) => [b.code, b.name]))
    expect(codes.get('40002')).toBe('BANAMEX')
    expect(codes.get('40012')).toBe('BBVA MEXICO')
    expect(codes.get('90734')).toBe('FINCO PAY')
    expect(codes.get('90646')).toBe('STP')
    expect(new Set(s.monato.banks.map((b) => b.code)).size).toBe(s.monato.banks.length)
  })

  it('a bad file lists every problem by JSON path', () => {
    const bad = {
      monato: {
        clients: [{ id: 'not-a-uuid', api_key: 'k', client_secret: 'short', accounts: [{ balance: '10.5', clabe: '123' }] }],
        banks: [{ id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', name: 'X', code: '2' }],
      },
      fintoc: { organizations: [{ api_key: 'sk_live_nope' }] },
      unknown_section: {},
    }
    let error: ScenarioError | undefined
    try {
      parseScenario(defaultModules, bad, 'bad.json')
    } catch (err) {
      error = err as ScenarioError
    }
    expect(error).toBeInstanceOf(ScenarioError)
    const text = error!.message
    expect(text).toContain('bad.json')
    for (const p of [
      '$.monato.clients[0].id',
      '$.monato.clients[0].api_key',
      '$.monato.clients[0].client_secret',
      '$.monato.clients[0].accounts[0].balance',
      '$.monato.clients[0].accounts[0].clabe',
      '$.monato.banks[0].code',
      '$.fintoc.organizations[0].api_key',
    ]) {
      expect(text).toContain(p)
    }
    expect(text).toMatch(/unknown_section/)
  })

  it('unreadable and non-JSON files are reported with the file name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fmm-'))
    const file = path.join(dir, 'broken.json')
    await writeFile(file, '{ "monato": ')
    await expect(readScenario(defaultModules, file)).rejects.toThrow(/broken\.json[\s\S]*not valid JSON/)
    await expect(readScenario(defaultModules, path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json[\s\S]*ENOENT/)
  })

  it('SCENARIO files seed Fintoc organizations too', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fmm-'))
    const file = path.join(dir, 'org.json')
    await writeFile(file, JSON.stringify({ fintoc: { organizations: [{ api_key: 'sk_test_seeded_org', holder_name: 'ACME Inc.', holder_id: '76123456-7' }] } }))
    const sb = await makeSandbox({ env: { SCENARIO: `data/scenarios/default.json,${file}` } })
    const res = await sb.http.get('/fintoc/v2/entities').set('Authorization', 'sk_test_seeded_org')
    expect(res.body[0]).toMatchObject({ holder_name: 'ACME Inc.', holder_id: '76123456-7', is_root: true })
    const missing = await sb.http.get('/fintoc/v2/entities/ent_3MPwT779GQl24fbn8h92Cm2iXJX').set('Authorization', 'sk_test_seeded_org')
    expect(fintocError(missing.body).code).toBe('missing_resource')
    await sb.close()
  })
})

describe('the published JSON Schema', () => {
  it('is up to date with the zod schema (npm run scenario-schema) and is what the shipped scenarios reference', async () => {
    const { readFile } = await import('node:fs/promises')
    const { scenarioJsonSchema } = await import('../src/scenario/load.js')
    const committed = JSON.parse(await readFile(fromRoot('data/scenario.schema.json'), 'utf8'))
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema(defaultModules))))
    const def = JSON.parse(await readFile(fromRoot('data/scenarios/default.json'), 'utf8'))
    expect(def.$schema).toBe('../scenario.schema.json')
  })

  it('accepts the shipped scenarios (checked with Ajv, as an editor would)', async () => {
    const { readFile } = await import('node:fs/promises')
    const { Ajv2020 } = await import('ajv/dist/2020.js')
    const schema = JSON.parse(await readFile(fromRoot('data/scenario.schema.json'), 'utf8'))
    const validate = new Ajv2020({ strict: false }).compile(schema)
    const def = JSON.parse(await readFile(fromRoot('data/scenarios/default.json'), 'utf8'))
    expect(validate(def)).toBe(true)
    expect(validate({ monato: { clients: [{ id: 'x' }] } })).toBe(false)
  })
})

describe('the shipped scenarios', () => {
  it('fintoc-funded: a funded organization with an extra account and a webhook endpoint', async () => {
    const sb = await makeSandbox({ env: { SCENARIO: 'data/scenarios/fintoc-funded.json' } })
    const accounts = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_funded')).body
    expect(accounts.map((a: { available_balance: number }) => a.available_balance).sort()).toEqual([10_000_000, 2_500_000].sort())
    const payouts = (await sb.http.get('/fintoc/v2/accounts/acc_FundedPayoutsAccount00000000000').set('Authorization', 'sk_test_funded')).body
    expect(payouts.description).toBe('Payouts')
    // balances arrive as transfers with movements, so balance = Σ movements
    const movements = (await sb.http.get(`/fintoc/v2/accounts/${payouts.id}/movements`).set('Authorization', 'sk_test_funded')).body
    expect(movements.map((m: { amount: number }) => m.amount)).toEqual([2_500_000])
    expect((await sb.http.get('/fintoc/v2/account_numbers/acno_FundedPayoutsClient42000000000').set('Authorization', 'sk_test_funded')).body.metadata).toEqual({ client_id: '42' })
    expect((await sb.http.get('/fintoc/v1/webhook_endpoints').set('Authorization', 'sk_test_funded')).body).toHaveLength(1)
    await sb.close()
  })

  it('monato-two-accounts: a second client with private accounts, customers and instruments', async () => {
    const sb = await makeSandbox({ env: { SCENARIO: 'data/scenarios/default.json,data/scenarios/monato-two-accounts.json' } })
    const id = '5f0c6a57-8a0e-4f6b-9f2a-3d7e1c2b4a90'
    const token = (await sb.http.post(`/monato/v1/clients/${id}/auth/credential-tokens`).set('x-api-key', 'monato_two_accounts_api_key').send({ client_id: id, client_secret: 'two_accounts_client_secret_0123456789abcdef' })).body.token
    const accounts = (await sb.http.get(`/monato/v1/clients/${id}/accounts`).set('Authorization', `Bearer ${token}`)).body
    expect(accounts.data.map((a: { accountType: string; availableBalance: string }) => [a.accountType, a.availableBalance])).toEqual([
      ['CENTRALIZING_ACCOUNT', '50000.00'],
      ['PRIVATE_ACCOUNT', '1200.50'],
      ['PRIVATE_ACCOUNT', '0.00'],
    ])
    const ana = (await sb.http.get(`/monato/v1/clients/${id}/instruments?customer_id=0b7f8c2e-1d3a-4e5f-8a9b-2c4d6e8f0a1b`).set('Authorization', `Bearer ${token}`)).body
    expect(ana.data).toHaveLength(1)
    expect(ana.data[0].instrumentDetail.clabeNumber).toBe('012180015530983477')
    expect((await sb.http.get(`/monato/v1/clients/${id}/webhooks`).set('Authorization', `Bearer ${token}`)).body.totalItems).toBe(1)
    await sb.close()
  })

  it('all-outcomes: every rule is loaded on top of the built-in ones', async () => {
    const sb = await makeSandbox({ env: { SCENARIO: 'data/scenarios/default.json,data/scenarios/all-outcomes.json', FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0' } })
    const fintoc = sb.store.data.fintoc as { outcomeRules: unknown[] }
    const monato = sb.store.data.monato as { outcomeRules: unknown[]; instruments: Record<string, unknown> }
    expect(fintoc.outcomeRules).toHaveLength(5)
    expect(monato.outcomeRules).toHaveLength(2)
    expect(Object.keys(monato.instruments)).toHaveLength(4)
    const account = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_outcomes')).body[0]
    const t = (await sb.http.post('/fintoc/v2/transfers').set('Authorization', 'sk_test_outcomes').send({ amount: 1111, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })).body
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect((await sb.http.get(`/fintoc/v2/transfers/${t.id}`).set('Authorization', 'sk_test_outcomes')).body.status).toBe('failed')
    await sb.close()
  })
})

describe('settings in scenario files', () => {
  it('set the clock mode and provider settings, under explicit env vars of the same name', async () => {
    const { createSandbox } = await import('../src/sandbox.js')
    const { loadConfig } = await import('../src/config.js')
    const { createLogger } = await import('../src/core/logger.js')
    const scenario = parseScenario(defaultModules, { settings: { CLOCK: 'manual', FINTOC_SETTLE_DELAY_MS: 0, FINTOC_JWS: 'off', WEBHOOK_MAX_RETRIES: 2 } }, 'settings.json')
    const sandbox = await createSandbox({ config: loadConfig({}), scenarios: [scenario], env: { FINTOC_JWS: 'enforce' }, logger: createLogger('silent') })
    expect(sandbox.clock.mode()).toBe('manual')
    const { default: supertest } = await import('supertest')
    const http = supertest(sandbox.app)
    const account = (await http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_settings')).body[0]
    // FINTOC_JWS=enforce from the env wins over the scenario's off
    const unsigned = await http.post('/fintoc/v2/transfers').set('Authorization', 'sk_test_settings').send({ amount: 1, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
    expect(fintocError(unsigned.body).code).toBe('missing_jws_signature_header')
    // FINTOC_SETTLE_DELAY_MS=0 from the scenario: an advance of 0 settles
    const t = (await http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', 'sk_test_settings').send({ account_number_id: account.root_account_number_id, amount: 5, currency: 'MXN' })).body
    await http.post('/__admin/clock/advance').send({ ms: 0 })
    expect((await http.get(`/fintoc/v2/transfers/${t.id}`).set('Authorization', 'sk_test_settings')).body.status).toBe('succeeded')
    await sandbox.close()
  })

  it('reject unknown settings by JSON path', () => {
    expect(() => parseScenario(defaultModules, { settings: { SETTLE_FAST: true } }, 's.json')).toThrow(/\$\.settings/)
  })
})
