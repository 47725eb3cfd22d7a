import type { OpenApiDocument } from './load.js'

// Flattens a dereferenced OpenAPI document into the list of operations the router serves.

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'
export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete']

export type JsonSchema = Record<string, unknown>

export interface ParamSpec {
  name: string
  in: 'path' | 'query' | 'header'
  required: boolean
  schema: JsonSchema
}

export interface Operation {
  operationId: string
  method: HttpMethod
  /** template as written in the spec, e.g. `/v2/accounts/{id}` */
  path: string
  parameters: ParamSpec[]
  requestBody?: { required: boolean; schema: JsonSchema }
  successStatus: number
  successSchema?: JsonSchema
  /** security requirement objects: any one of them satisfies the operation */
  security: Array<Record<string, string[]>>
  deprecated: boolean
  /** `x-*` extensions of the operation */
  extensions: Record<string, unknown>
}

type RawOperation = Record<string, unknown> & {
  operationId?: string
  parameters?: Array<Record<string, unknown>>
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> }
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>
  security?: Array<Record<string, string[]>>
  deprecated?: boolean
}

export function extractOperations(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = []
  const globalSecurity = (doc.security ?? []) as Array<Record<string, string[]>>
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item) continue
    const shared = ((item as Record<string, unknown>).parameters ?? []) as Array<Record<string, unknown>>
    for (const method of HTTP_METHODS) {
      const raw = (item as Record<string, unknown>)[method] as RawOperation | undefined
      if (!raw) continue
      if (!raw.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`)
      const params = new Map<string, ParamSpec>()
      for (const p of [...shared, ...(raw.parameters ?? [])]) {
        const spec: ParamSpec = {
          name: String(p.name),
          in: p.in as ParamSpec['in'],
          required: Boolean(p.required) || p.in === 'path',
          schema: (p.schema ?? {}) as JsonSchema,
        }
        params.set(`${spec.in}:${spec.name}`, spec)
      }
      const success = Object.keys(raw.responses ?? {})
        .filter((s) => /^2\d\d$/.test(s))
        .sort()[0]
      const body = raw.requestBody?.content?.['application/json']?.schema
      ops.push({
        operationId: raw.operationId,
        method,
        path,
        parameters: [...params.values()],
        requestBody: body ? { required: Boolean(raw.requestBody?.required), schema: body } : undefined,
        successStatus: success ? Number(success) : 200,
        successSchema: success ? raw.responses?.[success]?.content?.['application/json']?.schema : undefined,
        security: raw.security ?? globalSecurity,
        deprecated: Boolean(raw.deprecated),
        extensions: Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('x-'))),
      })
    }
  }
  return ops
}
