import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import type { ClockMode, LogLevel, Scenario, StartOptions } from '../src/api-types.js'
import type { Config } from '../src/config.js'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import { typedScenarioSchema } from '../src/scenario/input.js'
import { scenarioSchema } from '../src/scenario/load.js'

// The public types stay what the sandbox accepts: the typed scenario schema is the one it validates with, and the
// option unions are the configuration's (the type checks run in `npm run typecheck`).

describe('public types', () => {
  it('Scenario is typed from the schema the sandbox validates scenarios with', () => {
    const json = (schema: z.ZodType) => z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' })
    expect(json(typedScenarioSchema)).toEqual(json(scenarioSchema(defaultModules)))
  })

  it('every shipped scenario is a Scenario', () => {
    for (const file of readdirSync(fromRoot('data/scenarios'))) {
      const result = typedScenarioSchema.safeParse(JSON.parse(readFileSync(fromRoot('data/scenarios', file), 'utf8')))
      expect(result.error?.issues, file).toBeUndefined()
    }
  })

  it('options are the configuration unions; a misspelt scenario key is a type error', () => {
    expectTypeOf<LogLevel>().toEqualTypeOf<Config['logLevel']>()
    expectTypeOf<ClockMode>().toEqualTypeOf<Config['clock']>()
    expectTypeOf<NonNullable<StartOptions['logLevel']>>().toEqualTypeOf<LogLevel>()
    expectTypeOf<{ fintoc: { organizations: [{ api_key: string }] } }>().toExtend<Scenario>()
    expectTypeOf<{ fintoc: { organisations: [] } }>().not.toExtend<Scenario>()
    expectTypeOf<{ settings: { FINTOC_JWS: 'disabled' } }>().not.toExtend<Scenario>()
  })
})
