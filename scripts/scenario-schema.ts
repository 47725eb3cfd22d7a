import { writeFileSync } from 'node:fs'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import { scenarioJsonSchema } from '../src/scenario/load.js'

// Regenerates data/scenario.schema.json from the zod schema (a test fails while it is stale).
writeFileSync(fromRoot('data/scenario.schema.json'), `${JSON.stringify(scenarioJsonSchema(defaultModules), null, 2)}\n`)
