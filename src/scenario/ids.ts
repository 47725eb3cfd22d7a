import { jsonPath } from '../core/json-path.js'
import type { DeclaredId, ProviderModule } from '../providers/types.js'

// Ids a scenario fixes, with their JSON paths: an id named twice would merge or move records silently.

export interface ScenarioId extends DeclaredId {
  /** `<provider>:<kind>`: the namespace the value must be unique in */
  namespace: string
  /** JSON path in the whole document, e.g. `$.fintoc.organizations[0].api_key` */
  at: string
}

const listed = new WeakMap<object, ScenarioId[]>()

/** every id the scenario fixes (listed once per scenario: parse, check and load all ask) */
export function scenarioIds(modules: ProviderModule[], scenario: Record<string, unknown>): ScenarioId[] {
  const known = listed.get(scenario)
  if (known) return known
  const out: ScenarioId[] = []
  for (const m of modules) {
    const section = scenario[m.name]
    if (section === undefined) continue
    for (const id of m.scenarioIds(section)) out.push({ ...id, namespace: `${m.name}:${id.kind}`, at: jsonPath([m.name, ...id.path]) })
  }
  listed.set(scenario, out)
  return out
}

/** `the same account id (acc_…)`; secrets are not shown */
export const sameWhat = (id: ScenarioId) => `the same ${id.kind}${id.secret ? '' : ` (${id.value})`}`

const slot = (id: ScenarioId) => `${id.namespace}\u0000${id.value}`

/** one line per id named again within the same scenario */
export function duplicateProblems(ids: ScenarioId[]): string[] {
  const first = new Map<string, ScenarioId>()
  const problems: string[] = []
  for (const id of ids) {
    const earlier = first.get(slot(id))
    if (earlier) problems.push(`${earlier.at} and ${id.at} are ${sameWhat(id)}`)
    else first.set(slot(id), id)
  }
  return problems
}

/** ids of the loaded scenarios, for collisions with the next one */
export class TakenIds {
  private readonly taken = new Map<string, { at: string; name: string; sameWhen: string | undefined }>()

  /** one line per id of `ids` that a loaded scenario already names */
  collisions(ids: ScenarioId[]): string[] {
    const problems: string[] = []
    for (const id of ids) {
      if (id.acrossScenarios === false) continue
      const owner = this.taken.get(slot(id))
      // the same record named again to add to it (a client extended by a later scenario)
      if (owner && id.sameWhen !== undefined && owner.sameWhen === id.sameWhen) continue
      if (owner) problems.push(`${id.at} is ${sameWhat(id)} as ${owner.at} in ${owner.name}, already loaded`)
    }
    return problems
  }

  add(ids: ScenarioId[], name: string): void {
    for (const id of ids) if (id.acrossScenarios !== false && !this.taken.has(slot(id))) this.taken.set(slot(id), { at: id.at, name, sameWhen: id.sameWhen })
  }

  clear(): void {
    this.taken.clear()
  }
}
