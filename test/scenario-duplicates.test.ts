import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makeClabe } from '../src/core/clabe.js'
import { defaultModules } from '../src/providers/index.js'
import { parseScenario, ScenarioError } from '../src/scenario/load.js'
import { spawnMain } from './helpers/process.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §6: an id declared twice (in one scenario or across loaded ones) is refused by JSON path;
// the same scenario loaded again is a no-op.

let sb: TestSandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const CLABE = makeClabe('734180', 990001)
const SECRET = 'a_client_secret_long_enough_0123'
const hook = 'http://127.0.0.1:9/hook'

/** every id kind declared twice */
const duplicated = {
  fintoc: {
    organizations: [
      { api_key: 'sk_test_dup_a', accounts: [{ id: 'acc_Same1', account_numbers: [{ id: 'acno_Same1' }] }], webhook_endpoints: [{ id: 'we_Same1', url: hook }] },
      { api_key: 'sk_test_dup_b', accounts: [{ id: 'acc_Same1', account_numbers: [{ id: 'acno_Same1' }] }], webhook_endpoints: [{ id: 'we_Same1', url: hook }] },
      { api_key: 'sk_test_dup_a' },
    ],
  },
  monato: {
    banks: [
      { id: uuid(1), name: 'A', code: '40002' },
      { id: uuid(1), name: 'B', code: '40012' },
      { id: uuid(2), name: 'C', code: '40012' },
    ],
    clients: [
      {
        id: uuid(10),
        api_key: 'monato_dup_api_key',
        client_secret: SECRET,
        credential_id: uuid(11),
        accounts: [{ id: uuid(12), instrument_id: uuid(13), clabe: CLABE }],
        customers: [{ id: uuid(14) }],
        instruments: [{ id: uuid(13), holder_name: 'X', clabe: '012180015530983477' }],
        webhooks: [{ id: uuid(15), type: 'MONEY_IN', url: hook, token: 't' }],
      },
      {
        id: uuid(10),
        api_key: 'monato_dup_api_key',
        client_secret: SECRET,
        credential_id: uuid(11),
        accounts: [{ id: uuid(12), clabe: CLABE }],
        customers: [{ id: uuid(14) }],
        webhooks: [{ id: uuid(15), type: 'MONEY_IN', url: hook, token: 't' }],
      },
    ],
  },
}

const expectedPairs: Array<[string, string, string]> = [
  ['$.fintoc.organizations[0].api_key', '$.fintoc.organizations[2].api_key', 'the same key'],
  ['$.fintoc.organizations[0].accounts[0].id', '$.fintoc.organizations[1].accounts[0].id', 'the same account id'],
  ['$.fintoc.organizations[0].accounts[0].account_numbers[0].id', '$.fintoc.organizations[1].accounts[0].account_numbers[0].id', 'the same account number id'],
  ['$.fintoc.organizations[0].webhook_endpoints[0].id', '$.fintoc.organizations[1].webhook_endpoints[0].id', 'the same webhook endpoint id'],
  ['$.monato.banks[0].id', '$.monato.banks[1].id', 'the same bank id'],
  ['$.monato.banks[1].code', '$.monato.banks[2].code', 'the same bank code'],
  ['$.monato.clients[0].id', '$.monato.clients[1].id', 'the same client id'],
  ['$.monato.clients[0].api_key', '$.monato.clients[1].api_key', 'the same API key'],
  ['$.monato.clients[0].credential_id', '$.monato.clients[1].credential_id', 'the same credential id'],
  ['$.monato.clients[0].accounts[0].id', '$.monato.clients[1].accounts[0].id', 'the same account id'],
  ['$.monato.clients[0].accounts[0].clabe', '$.monato.clients[1].accounts[0].clabe', 'the same CLABE'],
  ['$.monato.clients[0].accounts[0].instrument_id', '$.monato.clients[0].instruments[0].id', 'the same instrument id'],
  ['$.monato.clients[0].customers[0].id', '$.monato.clients[1].customers[0].id', 'the same customer id'],
  ['$.monato.clients[0].webhooks[0].id', '$.monato.clients[1].webhooks[0].id', 'the same webhook id'],
]

function problemsOf(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ScenarioError) return err.problems
    throw err
  }
  return []
}

async function writeScenario(name: string, body: object): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-dup-')), name)
  await writeFile(file, JSON.stringify(body))
  return file
}

const fintocBalances = async (box: TestSandbox, key: string) =>
  ((await box.http.get('/fintoc/v2/accounts').set('Authorization', key)).body as Array<{ available_balance: number }>).map((a) => a.available_balance).sort((a, b) => a - b)

describe('ids declared twice in one scenario', () => {
  it('are refused, each line naming both JSON paths; API keys are not printed', () => {
    const problems = problemsOf(() => parseScenario(defaultModules, duplicated, 'dup.json'))
    for (const [a, b, what] of expectedPairs) {
      expect(problems.some((p) => p.startsWith(`${a} and ${b} are ${what}`)), `${a} / ${b}\n${problems.join('\n')}`).toBe(true)
    }
    expect(problems).toHaveLength(expectedPairs.length)
    expect(problems.join('\n')).not.toContain('sk_test_dup_a')
    expect(problems.join('\n')).not.toContain('monato_dup_api_key')
    // values that are not secrets are shown, to find them in a large file
    expect(problems.join('\n')).toContain('acc_Same1')
  })

  it('POST /__admin/scenarios answers 400 listing them, and nothing is loaded', async () => {
    const box = await makeSandbox()
    sb = box
    const before = (await box.http.get('/__admin/state')).body
    const res = await box.http.post('/__admin/scenarios').send(duplicated)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe('invalid scenario')
    expect(res.body.error.issues).toContain('$.fintoc.organizations[0].api_key and $.fintoc.organizations[2].api_key are the same key')
    expect(res.body.error.issues).toHaveLength(expectedPairs.length)
    expect((await box.http.get('/__admin/state')).body).toEqual(before)
  })

  it('a bad file stops the boot with one line per problem', async () => {
    const file = await writeScenario('dup.json', duplicated)
    const failure = await makeSandbox({ env: { SCENARIO: file } }).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(failure).toBeInstanceOf(ScenarioError)
    const message = (failure as ScenarioError).message
    expect(message).toContain('dup.json')
    expect(message).toContain('\n  $.monato.clients[0].accounts[0].clabe and $.monato.clients[1].accounts[0].clabe are the same CLABE')
  })
})

describe('ids already loaded by another scenario', () => {
  it('a second SCENARIO file reusing an id stops the boot, naming both files and paths', async () => {
    const a = await writeScenario('a.json', { fintoc: { organizations: [{ api_key: 'sk_test_shared', balance: 100 }] } })
    const b = await writeScenario('b.json', {
      fintoc: { organizations: [{ api_key: 'sk_test_other' }, { api_key: 'sk_test_shared', balance: 5 }] },
      monato: { clients: [{ id: MONATO.clientId, api_key: 'another_key_123', client_secret: SECRET }] },
    })
    const failure = await makeSandbox({ env: { SCENARIO: `data/scenarios/default.json,${a},${b}` } }).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(failure).toBeInstanceOf(ScenarioError)
    const { problems, file } = failure as ScenarioError
    expect(file).toBe(b)
    expect(problems).toEqual([
      `$.fintoc.organizations[1].api_key is the same key as $.fintoc.organizations[0].api_key in ${a}, already loaded`,
      expect.stringMatching(/^\$\.monato\.clients\[0\]\.id is the same client id \(c2d1d1e3-3340-4170-980e-e9269bbbc551\) as \$\.monato\.clients\[0\]\.id in .*default\.json, already loaded$/),
    ])
  })

  it('the server process exits 1 with one line per problem and no stack trace', async () => {
    const b = await writeScenario('clash.json', { monato: { clients: [{ id: MONATO.clientId, api_key: 'another_key_123', client_secret: SECRET }, { id: uuid(5), api_key: 'another_key_123', client_secret: SECRET }] } })
    const p = spawnMain({ SCENARIO: `data/scenarios/default.json,${b}` })
    expect(await p.exited).toBe(1)
    const lines = p.stderr().trim().split('\n')
    expect(lines[0]).toContain('clash.json')
    expect(lines.slice(1)).toEqual(['  $.monato.clients[0].api_key and $.monato.clients[1].api_key are the same API key'])
    expect(p.stderr()).not.toContain('another_key_123')
  })

  it('a client named again by a later scenario with its own key adds to it (all-outcomes.json extends default.json)', async () => {
    const box = await makeSandbox({ env: { SCENARIO: 'data/scenarios/default.json,data/scenarios/all-outcomes.json' } })
    sb = box
    const token = await monatoToken(box)
    const instruments = (await box.http.get(`/monato/v1/clients/${MONATO.clientId}/instruments`).set('Authorization', `Bearer ${token}`)).body
    expect(instruments.totalItems ?? instruments.data.length).toBeGreaterThanOrEqual(4)
    // with another key it is another client under a taken id
    const other = await box.http.post('/__admin/scenarios').send({ monato: { clients: [{ id: MONATO.clientId, api_key: 'another_key_123', client_secret: SECRET }] } })
    expect(other.status).toBe(400)
    expect(other.body.error.issues).toEqual([expect.stringMatching(/^\$\.monato\.clients\[0\]\.id is the same client id \(c2d1d1e3-3340-4170-980e-e9269bbbc551\) as /)])
  })

  it('POST /__admin/scenarios reusing an id of a loaded scenario answers 400 and changes nothing', async () => {
    const box = await makeSandbox()
    sb = box
    const before = (await box.http.get('/__admin/state')).body
    const res = await box.http.post('/__admin/scenarios').send({
      monato: { clients: [{ id: uuid(77), api_key: 'fresh_key_1234', client_secret: SECRET, accounts: [{ instrument_id: MONATO.sourceInstrumentId }] }] },
    })
    expect(res.status).toBe(400)
    expect(res.body.error.issues).toEqual([expect.stringMatching(/^\$\.monato\.clients\[0\]\.accounts\[0\]\.instrument_id is the same instrument id \(\S+\) as \$\.monato\.clients\[0\]\.accounts\[0\]\.instrument_id in .*default\.json/)])
    expect((await box.http.get('/__admin/state')).body).toEqual(before)
    // a scenario loaded at run time counts too
    expect((await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: 'sk_test_run_time' }] } })).status).toBe(201)
    const again = await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: 'sk_test_run_time', balance: 1 }] } })
    expect(again.status).toBe(400)
    expect(again.body.error.issues).toEqual(['$.fintoc.organizations[0].api_key is the same key as $.fintoc.organizations[0].api_key in request body #1, already loaded'])
  })
})

describe('the same scenario loaded again', () => {
  const funded = { fintoc: { organizations: [{ api_key: 'sk_test_twice', balance: 5000, accounts: [{ id: 'acc_TwiceLoaded1', balance: 700, account_numbers: [{ id: 'acno_TwiceLoaded1' }] }] }] } }

  it('POST /__admin/scenarios with an identical body is a no-op answering already_loaded', async () => {
    const box = await makeSandbox()
    sb = box
    const first = await box.http.post('/__admin/scenarios').send(funded)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ loaded: true, replaced: false, already_loaded: false })
    const second = await box.http.post('/__admin/scenarios').send(funded)
    expect(second.status).toBe(200)
    expect(second.body).toMatchObject({ loaded: true, replaced: false, already_loaded: true })
    expect(await fintocBalances(box, 'sk_test_twice')).toEqual([700, 5000])
    // key order does not make it another scenario
    const reordered = { fintoc: { organizations: [{ accounts: [{ account_numbers: [{ id: 'acno_TwiceLoaded1' }], balance: 700, id: 'acc_TwiceLoaded1' }], balance: 5000, api_key: 'sk_test_twice' }] } }
    expect((await box.http.post('/__admin/scenarios').send(reordered)).body.already_loaded).toBe(true)
    await box.http.post('/__admin/reset')
    expect(await fintocBalances(box, 'sk_test_twice')).toEqual([700, 5000])
  })

  it('a scenario id names it: the same id again is a no-op, with other content it is refused', async () => {
    const box = await makeSandbox()
    sb = box
    expect((await box.http.post('/__admin/scenarios').send({ id: 'payouts-v1', ...funded })).status).toBe(201)
    const same = await box.http.post('/__admin/scenarios').send({ id: 'payouts-v1', ...funded })
    expect(same.body).toMatchObject({ loaded: true, already_loaded: true })
    const changed = await box.http.post('/__admin/scenarios').send({ id: 'payouts-v1', fintoc: { organizations: [{ api_key: 'sk_test_changed' }] } })
    expect(changed.status).toBe(400)
    expect(changed.body.error.issues).toEqual([expect.stringMatching(/^\$\.id: scenario "payouts-v1" is already loaded .*with other content/)])
    expect(await fintocBalances(box, 'sk_test_twice')).toEqual([700, 5000])
  })

  it('a file listed twice in SCENARIO is loaded once', async () => {
    const box = await makeSandbox({ env: { SCENARIO: 'data/scenarios/default.json,data/scenarios/fintoc-funded.json,data/scenarios/default.json,data/scenarios/fintoc-funded.json' } })
    sb = box
    expect(await fintocBalances(box, 'sk_test_funded')).toEqual([2_500_000, 10_000_000])
    const token = await monatoToken(box)
    const accounts = (await box.http.get(`/monato/v1/clients/${MONATO.clientId}/accounts`).set('Authorization', `Bearer ${token}`)).body.data
    expect(accounts.map((a: { availableBalance: string }) => a.availableBalance)).toEqual(['1000000.00'])
  })
})
