import type { ProviderModule } from '../providers/types.js'
import type { LoadedScenario } from './scenarios.js'

// The startup banner: what a newcomer needs before the first request (where to point clients, which credentials
// the scenarios hold, whether requests must be signed, whether the state came from disk). A block of text on a
// terminal, one JSON log line otherwise; both say `listening on <url>`, which scripts wait for.

export interface ProviderLines {
  /** per loaded scenario: its source and, by provider, what it declares */
  scenarios: Array<{ source: string; declares: Record<string, string[]> }>
  /** by provider: settings worth knowing, each with how to change it */
  notes: Record<string, string[]>
}

/** Asks every provider what to say; reads (and so checks) their settings before anything is opened. */
export function describeProviders(modules: ProviderModule[], loaded: LoadedScenario[], env: NodeJS.ProcessEnv): ProviderLines {
  const scenarios = loaded.map(({ source, scenario }) => ({
    source,
    declares: Object.fromEntries(
      modules.flatMap((m) => (scenario[m.name] === undefined || !m.describeScenario ? [] : [[m.name, m.describeScenario(scenario[m.name])]])).filter(([, lines]) => lines!.length > 0),
    ),
  }))
  const notes = Object.fromEntries(
    modules.map((m) => [m.name, m.describeSettings?.(env, loaded.flatMap(({ scenario }) => (scenario[m.name] === undefined ? [] : [scenario[m.name]]))) ?? []]).filter(([, lines]) => lines!.length > 0),
  )
  return { scenarios, notes }
}

export interface Banner extends ProviderLines {
  version: string
  /** `http://host:port` */
  base: string
  providers: string[]
  clock: string
  adminToken: boolean
  dataFile?: string
  restored: boolean
}

const restoredHint = (file: string) =>
  `the state was restored from it, so the scenarios were not applied again; to start fresh: POST /__admin/reset (back to the scenarios), or stop, delete ${file} and ${file}.log, and start again`

const adminLine = (b: Banner) =>
  b.adminToken ? 'requires Authorization: Bearer <ADMIN_TOKEN>' : 'open to anyone who reaches the port (set ADMIN_TOKEN to require a token)'

/** the fields of the JSON `listening on` line */
export function bannerFields(b: Banner): Record<string, unknown> {
  return {
    version: b.version,
    ...Object.fromEntries(b.providers.map((p) => [p, `${b.base}/${p}`])),
    admin: `${b.base}/__admin`,
    adminToken: b.adminToken,
    scenarios: b.scenarios.map((s) => ({ source: s.source, ...s.declares })),
    clock: b.clock,
    ...(Object.keys(b.notes).length > 0 ? { notes: b.notes } : {}),
    dataFile: b.dataFile ?? null,
    restored: b.restored,
    ...(b.restored && b.dataFile ? { hint: restoredHint(b.dataFile) } : {}),
  }
}

/** the block shown on a terminal */
export function bannerText(b: Banner): string {
  const rows: Array<[string, string]> = [
    ...b.providers.map((p): [string, string] => [p, `${b.base}/${p}`]),
    ['admin', `${b.base}/__admin  ${adminLine(b)}`],
  ]
  const scenarioLines = b.scenarios.flatMap((s) => [s.source, ...Object.entries(s.declares).flatMap(([p, lines]) => lines.map((l) => `  ${p}: ${l}`))])
  for (const [i, line] of (scenarioLines.length > 0 ? scenarioLines : ['none']).entries()) rows.push([i === 0 ? 'scenarios' : '', line])
  rows.push(['clock', b.clock === 'manual' ? 'manual (time moves only through POST /__admin/clock/advance or /clock/set)' : 'real'])
  for (const [p, lines] of Object.entries(b.notes)) for (const line of lines) rows.push([p, line])
  rows.push(['data', b.dataFile ? (b.restored ? `${b.dataFile}: ${restoredHint(b.dataFile)}` : `${b.dataFile} (new)`) : 'in memory (set DATA_FILE to keep it across restarts)'])
  const width = Math.max(...rows.map(([k]) => k.length))
  return `fintoc-monato-mock ${b.version} listening on ${b.base}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`
}
