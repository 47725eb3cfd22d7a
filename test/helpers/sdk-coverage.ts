import type { Operation } from '../../src/core/spec/operations.js'
import type { Exchange } from './sdk-exchanges.js'
import { PLACEHOLDERS } from './sdk-recipes.js'

// Turns what the sandbox answered to each SDK method into the rows and markdown tables of docs/sdk-coverage.md.

export type Answer = 'state' | 'generated' | 'not served'

export interface Reached {
  method: string
  /** the spec's path template, or the request path with placeholders shown as `{id}` */
  path: string
  operationId: string | undefined
}

export interface SdkRow {
  call: string
  reached: Reached[]
  answer: Answer
  /** why a call counts as not served: `404 invalid_url`, `405 operation_not_allowed` */
  refusal?: string
}

type Match = (method: string, path: string) => Operation | undefined

const shownPath = (path: string) => Object.entries(PLACEHOLDERS).reduce((p, [ph, shown]) => p.replaceAll(ph, shown), decodeURIComponent(path))

/** a call's row, or the reason it cannot be told apart (a served route that did not answer 2xx) */
/** `expected`: the error a served method answers by design (`422 not_supported_product`), shown in its row */
export function classify(call: string, exchanges: Exchange[], match: Match, expected?: string): SdkRow | string {
  if (exchanges.length === 0) return `${call} sent no request`
  const reached = [...new Map(exchanges.map((e) => {
    const op = match(e.method, e.path)
    const r: Reached = { method: e.method, path: op?.path ?? shownPath(e.path), operationId: op?.operationId }
    return [`${r.method} ${r.path}`, r]
  })).values()]
  const refused = exchanges.find((e) => (e.status === 404 && e.code === 'invalid_url') || (e.status === 405 && e.code === 'operation_not_allowed'))
  if (refused) return { call, reached, answer: 'not served', refusal: `${refused.status} ${refused.code}` }
  const failed = exchanges.find((e) => e.status >= 300 && `${e.status} ${e.code}` !== expected)
  if (failed) return `${call}: ${failed.method} ${failed.path} answered ${failed.status} ${failed.code ?? ''}; give it a recipe in test/helpers/sdk-recipes.ts that succeeds`
  const byDesign = exchanges.some((e) => `${e.status} ${e.code}` === expected)
  // an error carries no X-Mock-Source: a refusal by design comes from the operation's handler
  const sources = new Set(exchanges.map((e) => (byDesign && `${e.status} ${e.code}` === expected ? 'state' : e.source)))
  if (sources.size !== 1 || !['state', 'generated'].includes([...sources][0] ?? '')) return `${call}: X-Mock-Source ${[...sources].join(', ')}`
  return { call, reached, answer: [...sources][0] as Answer, ...(byDesign ? { refusal: expected } : {}) }
}

const code = (s: string) => `\`${s}\``
const http = (r: Reached) => code(`${r.method} ${r.path}`)

export function fintocSdkTable(rows: SdkRow[], sdkVersion: string): string {
  const served = rows.filter((r) => r.answer !== 'not served')
  const lines = [
    `The \`fintoc\` npm package ${sdkVersion}: ${rows.length} methods, ${served.length} served (${served.filter((r) => r.answer === 'state').length} from state, ${served.filter((r) => r.answer === 'generated').length} generated), ${rows.length - served.length} not served.`,
    '',
    '| SDK method | HTTP | Sandbox answer | Spec operation |',
    '|---|---|---|---|',
    ...rows.map((r) => {
      const answer = r.answer === 'not served' ? `not served (${r.refusal})` : r.refusal ? `${r.answer} (${r.refusal}, by design)` : r.answer
      const ops = r.reached.map((x) => (x.operationId ? code(x.operationId) : '–')).join(', ')
      return `| ${code(`fintoc.${r.call}`)} | ${r.reached.map(http).join(', ')} | ${answer} | ${ops} |`
    }),
  ]
  return `${lines.join('\n')}\n`
}

export interface OperationRow {
  operation: Operation
  answer: Exclude<Answer, 'not served'>
  /** SDK methods that reach it (Fintoc only) */
  sdk?: string[]
}

/** `deprecated`, and whether the operation itself is inferred (not in the provider's docs) or only some of its details */
function notes(op: Operation): string {
  const out: string[] = []
  if (op.deprecated) out.push('deprecated')
  const reason = op.extensions['x-inferred-reason']
  if (op.extensions['x-inferred'] === true) out.push(typeof reason === 'string' && /^Not in /.test(reason) ? 'not in the docs (inferred)' : 'details inferred')
  return out.join('; ')
}

export function operationsTable(rows: OperationRow[], withSdk: boolean): string {
  const head = withSdk ? '| Operation | HTTP | Sandbox answer | SDK method | Notes |\n|---|---|---|---|---|' : '| Operation | HTTP | Sandbox answer | Notes |\n|---|---|---|---|'
  const lines = rows.map(({ operation: op, answer, sdk }) => {
    const cells = [code(op.operationId), code(`${op.method.toUpperCase()} ${op.path}`), answer]
    if (withSdk) cells.push(sdk && sdk.length > 0 ? sdk.map((s) => code(`fintoc.${s}`)).join(', ') : '–')
    cells.push(notes(op))
    return `| ${cells.join(' | ')} |`
  })
  return `${head}\n${lines.join('\n')}\n`
}
