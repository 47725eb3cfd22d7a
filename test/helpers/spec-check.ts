import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { type OpenApiDocument, loadSpec } from '../../src/core/spec/load.js'
import { extractOperations, type JsonSchema, type Operation } from '../../src/core/spec/operations.js'
import { createRouteMatcher } from '../../src/core/spec/router.js'
import { fromRoot } from '../../src/paths.js'
import type { SpecRecord } from '../global-spec-record.js'

// Holds recorded 2xx bodies to their operation's response schema for the status actually sent, and webhook
// deliveries to the spec's `webhooks:` entry for their event type. Pure once the specs are loaded.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

/** where each provider's deliveries name their event, i.e. the key of the spec's `webhooks:` entry */
const EVENT_FIELD: Record<string, string> = { fintoc: 'type', monato: 'msg_name' }

type Content = { content?: Record<string, { schema?: JsonSchema }> }

interface ProviderSpec {
  match: ReturnType<typeof createRouteMatcher>
  /** the declared response for a status, exact code first, then `2XX` */
  response(op: Operation, status: number): Content | undefined
  webhook(eventType: string): JsonSchema | undefined
}

export type SpecSet = Map<string, ProviderSpec>

export interface Finding {
  kind: SpecRecord['kind']
  provider: string
  /** `GET /v2/accounts/{id} (getAccount)` or the event type */
  target: string
  /** the concrete path (responses) or URL (deliveries) */
  at: string
  status?: number
  problem: string
  body: string
  /** the test file the body came from, when known */
  source?: string
}

export interface CheckResult {
  responses: Record<string, number>
  /** `provider operationId` of every operation seen answering 2xx */
  operations: Set<string>
  deliveries: number
  /** `provider event` of every delivered event type */
  eventTypes: Set<string>
  findings: Finding[]
}

export type SourcedRecord = SpecRecord & { source?: string }

function jsonSchemaOf(c: Content | undefined): JsonSchema | undefined {
  const entry = Object.entries(c?.content ?? {}).find(([type]) => /\bjson\b/.test(type))
  return entry?.[1].schema
}

function providerSpec(doc: OpenApiDocument): ProviderSpec {
  const raw = doc as unknown as {
    paths?: Record<string, Record<string, { responses?: Record<string, Content> }>>
    webhooks?: Record<string, { post?: { requestBody?: Content } }>
  }
  return {
    match: createRouteMatcher(extractOperations(doc)),
    response: (op, status) => {
      const responses = raw.paths?.[op.path]?.[op.method]?.responses ?? {}
      return responses[String(status)] ?? responses[`${String(status)[0]}XX`]
    },
    webhook: (eventType) => jsonSchemaOf(raw.webhooks?.[eventType]?.post?.requestBody),
  }
}

/** each provider's dereferenced spec, by provider name */
export async function loadSpecSet(files: Record<string, string>): Promise<SpecSet> {
  const entries = await Promise.all(Object.entries(files).map(async ([name, file]) => [name, providerSpec(await loadSpec(fromRoot(file)))] as const))
  return new Map(entries)
}

export function checkRecords(specs: SpecSet, records: Iterable<SourcedRecord>): CheckResult {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }))
  // schemas are objects of the dereferenced spec: one compile per schema, whatever the number of bodies
  const compiled = new Map<JsonSchema, ValidateFunction>()
  const validate = (schema: JsonSchema, value: unknown): string | null => {
    let fn = compiled.get(schema)
    if (!fn) {
      fn = ajv.compile(schema)
      compiled.set(schema, fn)
    }
    return fn(value) ? null : ajv.errorsText(fn.errors, { dataVar: 'body', separator: '; ' })
  }
  const result: CheckResult = { responses: {}, operations: new Set(), deliveries: 0, eventTypes: new Set(), findings: [] }

  for (const r of records) {
    const spec = specs.get(r.provider)
    const base = { kind: r.kind, provider: r.provider, body: r.body, ...(r.source ? { source: r.source } : {}) }
    let body: unknown
    try {
      body = JSON.parse(r.body)
    } catch {
      body = undefined
    }
    if (r.kind === 'response') {
      result.responses[r.provider] = (result.responses[r.provider] ?? 0) + 1
      const at = `${r.method} ${r.path}`
      const fail = (target: string, problem: string) => result.findings.push({ ...base, target, at, status: r.status, problem })
      if (!spec) {
        fail(at, `no spec for provider ${r.provider}`)
        continue
      }
      const prefix = `/${r.provider}`
      const found = spec.match(r.method, r.path.startsWith(prefix) ? r.path.slice(prefix.length) || '/' : r.path)
      if (found.kind !== 'found') {
        fail(at, `no operation in the spec answers ${at}`)
        continue
      }
      const op = found.operation
      const target = `${op.method.toUpperCase()} ${op.path} (${op.operationId})`
      result.operations.add(`${r.provider} ${op.operationId}`)
      const declared = spec.response(op, r.status)
      const schema = jsonSchemaOf(declared)
      if (body === undefined) fail(target, 'the body is not JSON')
      else if (!declared) fail(target, `status ${r.status} is not a declared response`)
      else if (!schema) fail(target, `status ${r.status} declares no JSON body`)
      else {
        const errors = validate(schema, body)
        if (errors) fail(target, errors)
      }
      continue
    }

    result.deliveries++
    const field = EVENT_FIELD[r.provider]
    const named = field && body && typeof body === 'object' ? (body as Record<string, unknown>)[field] : undefined
    const eventType = typeof named === 'string' ? named : r.eventType
    result.eventTypes.add(`${r.provider} ${eventType}`)
    const fail = (problem: string) => result.findings.push({ ...base, target: eventType, at: r.url, problem })
    if (!spec || !field) fail(`no spec for provider ${r.provider} (a delivery the sandbox's log does not hold?)`)
    else if (body === undefined) fail('the body is not JSON')
    else if (typeof named !== 'string') fail(`the body has no string ${field}`)
    else if (named !== r.eventType) fail(`the body's ${field} is ${named} but the delivery log says ${r.eventType}`)
    else {
      const schema = spec.webhook(named)
      if (!schema) fail(`the spec has no webhook schema for ${named}`)
      else {
        const errors = validate(schema, body)
        if (errors) fail(errors)
      }
    }
  }
  return result
}
