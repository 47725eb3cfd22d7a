import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { FaultRuleSchema, type FaultRuleInput } from '../core/faults.js'
import type { ProviderModule } from '../providers/types.js'
import { jsonPath } from '../core/json-path.js'
import { duplicateProblems, scenarioIds } from './ids.js'

export { jsonPath }

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

/** sandbox settings a scenario may carry; env vars of the same name take precedence */
export const ScenarioSettingsSchema = z
  .object({
    CLOCK: z.enum(['real', 'manual']).optional(),
    FINTOC_SETTLE_DELAY_MS: z.number().int().min(0).optional(),
    MONATO_SETTLE_DELAY_MS: z.number().int().min(0).optional(),
    WEBHOOK_TIMEOUT_MS: z.number().int().min(1).optional(),
    WEBHOOK_MAX_RETRIES: z.number().int().min(0).max(50).optional(),
    WEBHOOK_FIRST_RETRY_MS: z.number().int().min(0).optional(),
    FINTOC_JWS: z.enum(['enforce', 'off']).optional(),
    MONATO_CLABE_CHECK: z.enum(['on', 'off']).optional(),
    MONATO_IDEMPOTENCY: z.enum(['lenient', 'strict']).optional(),
  })
  .strict()

export type Scenario = Record<string, unknown> & { $schema?: string; id?: string; faults?: FaultRuleInput[]; settings?: z.infer<typeof ScenarioSettingsSchema> }

/** the provider-independent keys of a scenario (scenario/input.ts types the same shape for users) */
export const scenarioBaseShape = {
  $schema: z.string().optional(),
  id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('names the scenario: loading one with a loaded id again is a no-op (without an id, the same content is)'),
  description: z.string().optional(),
  faults: z.array(FaultRuleSchema).optional(),
  settings: ScenarioSettingsSchema.optional(),
}

export function scenarioSchema(modules: ProviderModule[]) {
  return z
    .object({
      ...scenarioBaseShape,
      ...Object.fromEntries(modules.map((m) => [m.name, m.scenarioSchema.optional()])),
    })
    .strict()
}

const sources = new WeakMap<Scenario, string>()

/** where a parsed scenario came from (its file, or what parseScenario was told) */
export const scenarioSource = (scenario: Scenario): string => sources.get(scenario) ?? 'scenario'

export function parseScenario(modules: ProviderModule[], json: unknown, file: string): Scenario {
  const result = scenarioSchema(modules).safeParse(json)
  if (!result.success) {
    throw new ScenarioError(file, result.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`))
  }
  const scenario = result.data as Scenario
  // an id named twice would merge, move or double records without a word
  const duplicates = duplicateProblems(scenarioIds(modules, scenario))
  if (duplicates.length > 0) throw new ScenarioError(file, duplicates)
  sources.set(scenario, file)
  return scenario
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
