import { afterAll, describe, expect, it } from 'vitest'
import { accounts } from './fintoc-calls.js'
import { removeContainers, runToExit } from './podman.js'
import { startContainer } from './sandbox-container.js'

// Issue #16 item 3: a scenario given inline through SCENARIO_JSON, as a service container must (it starts before the
// checkout); a bad one stops the container with exit code 1 and the JSON path, no stack trace.

afterAll(async () => {
  await removeContainers()
})

const lines = (output: string) => output.split('\n').filter((l) => l.trim() !== '')

describe('SCENARIO_JSON in the container', () => {
  it('loads an inline scenario after the shipped default', async () => {
    const scenario = { fintoc: { organizations: [{ api_key: 'sk_test_inline', balance: 4242 }] } }
    const sandbox = await startContainer(['-e', `SCENARIO_JSON=${JSON.stringify(scenario)}`])
    expect((await accounts(sandbox.base, 'sk_test_inline'))[0]?.available_balance).toBe(4242)
    // the default scenario's Monato client is still there
    const banks = await fetch(`${sandbox.base}/health`)
    expect(banks.status).toBe(200)
  })

  it('JSON that does not parse: exit code 1, one line', async () => {
    const result = await runToExit(['-e', 'SCENARIO_JSON={"fintoc": ', '-e', 'PORT=0'])
    expect(result.code).toBe(1)
    expect(lines(result.output)).toHaveLength(1)
    expect(result.output).toMatch(/^fintoc-monato-mock: cannot start: SCENARIO_JSON: not valid JSON \(/)
  })

  it('a document the schema refuses: exit code 1, the JSON path on its line', async () => {
    const scenario = { fintoc: { organizations: [{ api_key: 'live_key_not_test' }] } }
    const result = await runToExit(['-e', `SCENARIO_JSON=${JSON.stringify(scenario)}`, '-e', 'PORT=0'])
    expect(result.code).toBe(1)
    expect(lines(result.output)).toEqual(['fintoc-monato-mock: scenario SCENARIO_JSON is invalid:', '  $.fintoc.organizations[0].api_key: must be a test secret key (sk_test_...)'])
  })
})
