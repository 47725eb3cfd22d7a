import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { loadSpec } from '../../src/core/spec/load.js'
import { extractOperations } from '../../src/core/spec/operations.js'
import { fromRoot } from '../../src/paths.js'

// Validates a response body against the success schema its operation declares in the spec.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

export async function specValidator(file: string) {
  const ops = extractOperations(await loadSpec(fromRoot(file)))
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }))
  return (operationId: string, body: unknown): string | null => {
    const op = ops.find((o) => o.operationId === operationId)
    if (!op?.successSchema) throw new Error(`no success schema for ${operationId}`)
    const validate = ajv.compile(op.successSchema)
    return validate(body) ? null : ajv.errorsText(validate.errors)
  }
}
