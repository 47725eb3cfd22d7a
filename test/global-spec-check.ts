import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { defaultModules } from '../src/providers/index.js'
import { SPEC_RECORD_ENV, type SpecRecord } from './global-spec-record.js'
import { isFullRun } from './helpers/full-run.js'
import { type CheckResult, checkRecords, type Finding, loadSpecSet, type SourcedRecord } from './helpers/spec-check.js'

// globalSetup: gives every worker a folder for the 2xx bodies and webhook deliveries its sandboxes produce
// (test/global-spec-record.ts), then holds each one to the spec. A non-conforming body, or too few to prove anything, fails the run.

// a full run records well above these (~3,400 bodies, ~2,200 of them from the fuzz test, over all 53 operations;
// ~120 deliveries over 13 of the 17 event types); far below them the check could pass vacuously
const MIN_RESPONSES = 2_000
const MIN_OPERATIONS = 45
const MIN_DELIVERIES = 60
const MIN_EVENT_TYPES = 10
const MAX_REPORTED = 20
const MAX_EXAMPLE = 600

/** every record in the folder, with the test file it came from */
function* readRecords(dir: string): Generator<SourcedRecord> {
  for (const name of readdirSync(dir).sort()) {
    const source = name.slice(0, name.indexOf('.'))
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      if (line) yield { ...(JSON.parse(line) as SpecRecord), source }
    }
  }
}

/** the problem without item indexes or repeats: one wrong field in a list of twenty is one kind of finding */
const kindOf = (problem: string) => [...new Set(problem.replace(/\/\d+(?=\/| )/g, '/*').split('; '))].sort().join('; ')

/** identical problems of one operation or event type are one line, with a count and the first body */
function describe(findings: Finding[]): string[] {
  const groups = new Map<string, { first: Finding; count: number }>()
  for (const f of findings) {
    const key = `${f.provider}|${f.target}|${f.status ?? ''}|${kindOf(f.problem)}`
    const g = groups.get(key)
    if (g) g.count++
    else groups.set(key, { first: f, count: 1 })
  }
  const lines = [...groups.values()].slice(0, MAX_REPORTED).map(({ first: f, count }) => {
    const example = f.body.length > MAX_EXAMPLE ? `${f.body.slice(0, MAX_EXAMPLE)}…` : f.body
    const what = f.kind === 'response' ? `${f.target} ${f.status} at ${f.at}` : `delivery ${f.target} to ${f.at}`
    return `[${f.provider}] ${what}: ${kindOf(f.problem)} (${count}×, first from ${f.source ?? '?'}.test.ts)\n    ${example}`
  })
  if (groups.size > MAX_REPORTED) lines.push(`… and ${groups.size - MAX_REPORTED} more kinds of finding`)
  return lines
}

function tooFew(r: CheckResult): string[] {
  const responses = Object.values(r.responses).reduce((a, b) => a + b, 0)
  const problems: string[] = []
  if (responses < MIN_RESPONSES) problems.push(`only ${responses} 2xx bodies were recorded; expected at least ${MIN_RESPONSES}`)
  if (r.operations.size < MIN_OPERATIONS) problems.push(`only ${r.operations.size} operations answered 2xx; expected at least ${MIN_OPERATIONS}`)
  if (r.deliveries < MIN_DELIVERIES) problems.push(`only ${r.deliveries} webhook deliveries were recorded; expected at least ${MIN_DELIVERIES}`)
  if (r.eventTypes.size < MIN_EVENT_TYPES) problems.push(`only ${r.eventTypes.size} event types were delivered; expected at least ${MIN_EVENT_TYPES}`)
  return problems
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'fmm-spec-record-'))
  process.env[SPEC_RECORD_ENV] = dir
  return async () => {
    const specs = await loadSpecSet(Object.fromEntries(defaultModules.map((m) => [m.name, m.specFile])))
    const r = checkRecords(specs, readRecords(dir))
    const full = await isFullRun(project)
    const n = (v: number) => v.toLocaleString('en-US')
    const total = Object.values(r.responses).reduce((a, b) => a + b, 0)
    console.log(
      `spec check: ${n(total)} responses (${n(r.responses.fintoc ?? 0)} Fintoc, ${n(r.responses.monato ?? 0)} Monato) over ${r.operations.size} operations and ${n(r.deliveries)} deliveries over ${r.eventTypes.size} event types, ${n(r.findings.length)} non-conforming${full ? '' : ' (partial run: volume minimums not applied)'}`,
    )
    const problems = [...describe(r.findings), ...(full ? tooFew(r) : [])]
    if (problems.length === 0) {
      await rm(dir, { recursive: true, force: true })
      return
    }
    // vitest 4 only logs an error thrown here ("error during close") and still exits 0: the exit code is set by hand
    process.exitCode = 1
    throw new Error(`the run's 2xx bodies and webhook deliveries failed the spec check (records kept in ${dir}):\n${problems.join('\n')}`)
  }
}
