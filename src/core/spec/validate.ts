import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { FieldIssue } from '../errors.js'
import type { JsonSchema, Operation, ParamSpec } from './operations.js'

// One compiled validator per operation, built at boot. Unknown fields are ignored on purpose:
// the official Fintoc SDK sends `path_` and `idempotency_key` inside bodies.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

export interface OperationValidator {
  /** validates (and coerces in place) path params */
  path(params: Record<string, string>): FieldIssue[]
  /** validates query params; returns them coerced, with spec defaults applied */
  query(query: Record<string, unknown>): { value: Record<string, unknown>; issues: FieldIssue[] }
  body(body: unknown): FieldIssue[]
}

function paramsSchema(params: ParamSpec[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
    required: params.filter((p) => p.required).map((p) => p.name),
  }
}

const joinPath = (instancePath: string, extra?: string) =>
  [...instancePath.split('/').filter(Boolean).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')), ...(extra ? [extra] : [])].join('.')

const BRANCH = /\/(oneOf|anyOf)\/\d+\//

function describe(err: ErrorObject): string {
  switch (err.keyword) {
    case 'enum':
      return `must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    case 'const':
      return `must be ${JSON.stringify((err.params as { allowedValue: unknown }).allowedValue)}`
    case 'oneOf':
    case 'anyOf':
      return 'does not match any of the allowed shapes'
    default:
      return err.message ?? 'is invalid'
  }
}

export function toIssues(errors: ErrorObject[] | null | undefined, location: FieldIssue['location']): FieldIssue[] {
  if (!errors?.length) return []
  const hasBranchKeyword = errors.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
  const kept = hasBranchKeyword ? errors.filter((e) => !BRANCH.test(e.schemaPath)) : errors
  const issues = kept.map((err): FieldIssue => {
    const parent = (err.parentSchema ?? {}) as Record<string, unknown>
    if (err.keyword === 'required') {
      const missing = (err.params as { missingProperty: string }).missingProperty
      const field = joinPath(err.instancePath, missing)
      const prop = ((parent.properties ?? {}) as Record<string, Record<string, unknown>>)[missing] ?? {}
      return {
        location,
        field,
        problem: 'missing',
        message: `${field} is required`,
        providerMessage: prop['x-error-message'] as string | undefined,
      }
    }
    const field = joinPath(err.instancePath)
    return {
      location,
      field,
      problem: 'invalid',
      message: `${field || (location === 'body' ? 'request body' : location)} ${describe(err)}`,
      code: parent['x-error-code'] as string | undefined,
      providerMessage: parent['x-error-message'] as string | undefined,
    }
  })
  // a missing field is the first thing to report, as the real APIs do
  return [...issues.filter((i) => i.problem === 'missing'), ...issues.filter((i) => i.problem !== 'missing')]
}

export function createValidators(operations: Operation[]): Map<string, OperationValidator> {
  const bodyAjv = new Ajv2020({ strict: false, allErrors: true, verbose: true, validateFormats: true })
  const paramAjv = new Ajv2020({ strict: false, allErrors: true, verbose: true, coerceTypes: 'array', useDefaults: true })
  addFormats(bodyAjv)
  addFormats(paramAjv)

  const validators = new Map<string, OperationValidator>()
  for (const op of operations) {
    const pathParams = op.parameters.filter((p) => p.in === 'path')
    const queryParams = op.parameters.filter((p) => p.in === 'query')
    const vPath = pathParams.length ? paramAjv.compile(paramsSchema(pathParams)) : undefined
    const vQuery = queryParams.length ? paramAjv.compile(paramsSchema(queryParams)) : undefined
    let vBody: ValidateFunction | undefined
    const bodySchema = op.requestBody?.schema
    validators.set(op.operationId, {
      path(params) {
        if (!vPath || vPath(params)) return []
        return toIssues(vPath.errors, 'path')
      },
      query(query) {
        const value = { ...query }
        if (!vQuery || vQuery(value)) return { value, issues: [] }
        return { value, issues: toIssues(vQuery.errors, 'query') }
      },
      body(body) {
        if (!bodySchema) return []
        // compiled on first use: most operations are never called in a given run
        vBody ??= bodyAjv.compile(bodySchema)
        return vBody(body) ? [] : toIssues(vBody.errors, 'body')
      },
    })
  }
  return validators
}

export type { ValidateFunction }
