import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { FaultRuleSchema, type FaultRuleInput } from '../core/faults.js'
import type { ProviderModule } from '../providers/types.js'

// Scenario files: one JSON document with a section per provider, validated with zod.

export class ScenarioError extends Error {
  override name = 'ScenarioError'
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`scenario ${file} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`)
  }
}

export type Scenario = Record<string, unknown> & { $schema?: string; faults?: FaultRuleInput[] }

export function scenarioSchema(modules: ProviderModule[]) {
  return z
    .object({
      $schema: z.string().optional(),
      description: z.string().optional(),
      faults: z.array(FaultRuleSchema).optional(),
      ...Object.fromEntries(modules.map((m) => [m.name, m.scenarioSchema.optional()])),
    })
    .strict()
}

/** JSON path of a zod issue, e.g. `$.monato.clients[0].api_key` */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`
}

export function parseScenario(modules: ProviderModule[], json: unknown, file: string): Scenario {
  const result = scenarioSchema(modules).safeParse(json)
  if (!result.success) {
    throw new ScenarioError(file, result.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`))
  }
  return result.data as Scenario
}

export async function readScenario(modules: ProviderModule[], file: string): Promise<Scenario> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new ScenarioError(file, [`cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`])
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new ScenarioError(file, [`not valid JSON: ${(err as Error).message}`])
  }
  return parseScenario(modules, json, file)
}

/** the scenario format as JSON Schema, for editors (data/scenario.schema.json) */
export function scenarioJsonSchema(modules: ProviderModule[]): Record<string, unknown> {
  return {
    ...z.toJSONSchema(scenarioSchema(modules), { unrepresentable: 'any', io: 'input' }),
    title: 'fintoc-monato-mock scenario',
    description: 'Seeds the sandbox: Fintoc organizations and Monato clients, banks and outcome rules. Generated from the zod schema; do not edit.',
  }
}
