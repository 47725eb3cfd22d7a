import type { Scenario } from './load.js'

/** The settings the sandbox reads: scenario `settings` (a later scenario wins) under env vars of the same name (empty = unset). */
export function settingsEnv(scenarios: readonly Scenario[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const fromScenarios: Record<string, string> = {}
  for (const sc of scenarios) for (const [k, v] of Object.entries(sc.settings ?? {})) if (v !== undefined) fromScenarios[k] = String(v)
  return { ...fromScenarios, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) }
}
