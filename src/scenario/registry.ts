import { createHash } from 'node:crypto'
import type { ProviderModule } from '../providers/types.js'
import { scenarioIds, TakenIds } from './ids.js'
import { type Scenario, ScenarioError, scenarioSource } from './load.js'

// The loaded scenarios: loading one again is a no-op, and one whose ids collide with a loaded one is refused.

/** JSON with sorted keys, so key order does not make another scenario */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const digests = new WeakMap<Scenario, string>()

/** what makes two scenarios the same one: its content (`$schema`, a path for editors, aside) */
export function scenarioDigest(scenario: Scenario): string {
  let digest = digests.get(scenario)
  if (digest === undefined) {
    const { $schema: _editorOnly, ...content } = scenario
    digest = createHash('sha256').update(canonical(content)).digest('hex')
    digests.set(scenario, digest)
  }
  return digest
}

interface Loaded {
  scenario: Scenario
  name: string
  digest: string
}

export function createScenarioRegistry(modules: ProviderModule[]) {
  let loaded: Loaded[] = []
  const taken = new TakenIds()
  /** identity: the scenario's `id` when it has one, else its content */
  const find = (scenario: Scenario, digest: string) => loaded.find((l) => (scenario.id === undefined ? l.scenario.id === undefined && l.digest === digest : l.scenario.id === scenario.id))

  return {
    scenarios: (): Scenario[] => loaded.map((l) => l.scenario),

    /**
     * Checks `scenario` against the loaded ones without loading it: false when it is already loaded (a no-op),
     * true when it may be; throws a ScenarioError when it names an id a loaded scenario names.
     */
    check(scenario: Scenario): boolean {
      const digest = scenarioDigest(scenario)
      const same = find(scenario, digest)
      const file = scenarioSource(scenario)
      if (same && same.digest === digest) return false
      if (same) throw new ScenarioError(file, [`$.id: scenario "${scenario.id}" is already loaded (from ${same.name}) with other content; load it with ?replace=true, or give it another id`])
      const problems = taken.collisions(scenarioIds(modules, scenario))
      if (problems.length > 0) throw new ScenarioError(file, problems)
      return true
    },

    /** records a scenario that passed `check`, under `name` */
    add(scenario: Scenario, name = scenarioSource(scenario)): void {
      loaded.push({ scenario, name, digest: scenarioDigest(scenario) })
      taken.add(scenarioIds(modules, scenario), name)
    },

    clear(): void {
      loaded = []
      taken.clear()
    },
  }
}

export type ScenarioRegistry = ReturnType<typeof createScenarioRegistry>
