import { describe, expect, it } from 'vitest'
import { listeningLine } from './helpers/cli.js'
import { startMain } from './helpers/process.js'

// Issue #15 item 2: a flag wins over its env var, an env var over a scenario's `settings`, which wins over the default.

const withSettings = (settings: Record<string, unknown>) => JSON.stringify({ id: 'precedence', settings })

async function bootClock(env: Record<string, string>, args: string[]): Promise<string> {
  const server = await startMain(env, [], args)
  try {
    const res = await fetch(`${server.baseUrl}/__admin/clock`)
    return ((await res.json()) as { mode: string }).mode
  } finally {
    server.child.kill('SIGKILL')
  }
}

describe('precedence: flags > env vars > scenario settings > defaults', () => {
  it('CLOCK: the scenario sets it alone; an env var overrides it; a flag overrides both, with or without the env var', async () => {
    const scenario = { SCENARIO_JSON: withSettings({ CLOCK: 'manual' }) }
    const modes = await Promise.all([
      bootClock(scenario, []),
      bootClock({ ...scenario, CLOCK: 'real' }, []),
      bootClock({ ...scenario, CLOCK: 'real' }, ['--clock', 'manual']),
      // the flag alone: a scenario's CLOCK used to win over it when no CLOCK env var was set
      bootClock(scenario, ['--clock', 'real']),
    ])
    expect(modes).toEqual(['manual', 'real', 'manual', 'real'])
  }, 60_000)

  it('a provider setting: the scenario turns FINTOC_JWS off unless the env var says otherwise, and the banner says which', async () => {
    const scenario = { SCENARIO_JSON: withSettings({ FINTOC_JWS: 'off' }) }
    const [fromScenario, fromEnv] = await Promise.all([startMain(scenario), startMain({ ...scenario, FINTOC_JWS: 'enforce' })])
    try {
      const jws = (stdout: string) => (listeningLine(stdout).notes as { fintoc: string[] }).fintoc[0]
      expect(jws(fromScenario.stdout())).toMatch(/^JWS off/)
      expect(jws(fromEnv.stdout())).toMatch(/^JWS enforced/)
      expect(listeningLine(fromScenario.stdout()).scenarios).toContainEqual({ source: 'SCENARIO_JSON' })
    } finally {
      fromScenario.child.kill('SIGKILL')
      fromEnv.child.kill('SIGKILL')
    }
  }, 60_000)
})
