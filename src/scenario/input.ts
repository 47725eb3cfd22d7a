import { z } from 'zod'
import { fintocScenarioSchema } from '../providers/fintoc/scenario.js'
import { monatoScenarioSchema } from '../providers/monato/scenario.js'
import { scenarioBaseShape } from './load.js'

// The scenario as a user writes it, typed from the zod schemas the sandbox validates it with.

/**
 * The scenario schema of the default providers, typed statically (scenarioSchema(modules) is built at run
 * time, so its type knows no provider section); test/package-types.test.ts holds the two to the same JSON Schema.
 */
export const typedScenarioSchema = z
  .object({
    ...scenarioBaseShape,
    fintoc: fintocScenarioSchema.optional(),
    monato: monatoScenarioSchema.optional(),
  })
  .strict()

/**
 * A scenario object for startSandbox: what a scenario file holds, so a misspelt key is a type error. The published
 * .d.ts spells it out (scripts/package/scenario-type.mjs): a consumer's tsc then reads no zod declarations.
 */
export type ScenarioInput = z.input<typeof typedScenarioSchema>
