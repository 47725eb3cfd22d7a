import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { fromRoot } from '../src/paths.js'
import { RUN_LOG_ENV } from './global-run-log.js'
import { isFullRun } from './helpers/full-run.js'
import { collectLiteralSecrets, type SecretFinding, scanText } from './helpers/secret-scan.js'

// globalSetup: gives every worker a folder for its sandboxes' log output (test/global-run-log.ts), then
// scans everything the run logged for secrets in full. A leak, or a log too small to prove anything, fails the run.

// a full run logs well above these (~140 sources, ~130 of them with requests, ~11,500 lines of which ~1,500
// outside the fuzz test, 11 process request lines); far below them the scan could pass vacuously
const MIN_SOURCES = 100
const MIN_SOURCES_WITH_REQUESTS = 80
const MIN_LINES = 1_000
const MIN_REQUEST_LINES = 1_000
const MIN_PROCESS_REQUEST_LINES = 5
const MAX_REPORTED = 20

async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((e) => e.isFile() && e.name.endsWith(suffix)).map((e) => path.join(e.parentPath, e.name))
}

/** the literal secrets the tests and shipped scenarios give the sandbox: none may appear in a log */
async function knownSecrets(): Promise<string[]> {
  const sources = [...(await filesUnder(fromRoot('test'), '.ts')), ...(await filesUnder(fromRoot('data/scenarios'), '.json'))]
  const all = new Set<string>()
  for (const file of sources) for (const s of collectLiteralSecrets(await readFile(file, 'utf8'))) all.add(s)
  return [...all]
}

interface Totals {
  sources: number
  sourcesWithRequests: number
  lines: number
  requestLines: number
  processRequestLines: number
  leaks: Array<SecretFinding & { file: string }>
}

async function scanFolder(dir: string): Promise<Totals> {
  const literals = await knownSecrets()
  const totals: Totals = { sources: 0, sourcesWithRequests: 0, lines: 0, requestLines: 0, processRequestLines: 0, leaks: [] }
  for (const name of (await readdir(dir)).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8')
    const lines = text.split('\n').filter((l) => l.trim() !== '')
    const requests = lines.filter((l) => l.includes('"msg":"request"')).length
    totals.sources += name.endsWith('.process-stderr.log') ? 0 : 1
    totals.sourcesWithRequests += requests > 0 ? 1 : 0
    totals.lines += lines.length
    totals.requestLines += requests
    if (name.endsWith('.process-stdout.log')) totals.processRequestLines += requests
    for (const f of scanText(text, literals)) totals.leaks.push({ file: name, ...f })
  }
  return totals
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'fmm-run-log-'))
  process.env[RUN_LOG_ENV] = dir
  return async () => {
    const t = await scanFolder(dir)
    const full = await isFullRun(project)
    const n = (v: number) => v.toLocaleString('en-US')
    console.log(
      `secret scan: ${n(t.lines)} log lines (${n(t.requestLines)} requests) from ${n(t.sources)} sandboxes and processes, ${t.leaks.length} leaks${full ? '' : ' (partial run: volume minimums not applied)'}`,
    )
    const problems = t.leaks.slice(0, MAX_REPORTED).map((l) => `${path.join(dir, l.file)}:${l.line} ${l.kinds.join(', ')}: ${l.excerpt}`)
    if (t.leaks.length > MAX_REPORTED) problems.push(`… and ${t.leaks.length - MAX_REPORTED} more`)
    if (full) {
      if (t.sources < MIN_SOURCES) problems.push(`only ${t.sources} log sources (sandboxes and processes) were collected; expected at least ${MIN_SOURCES}`)
      if (t.sourcesWithRequests < MIN_SOURCES_WITH_REQUESTS) problems.push(`only ${t.sourcesWithRequests} log sources logged a request; expected at least ${MIN_SOURCES_WITH_REQUESTS}`)
      if (t.lines < MIN_LINES) problems.push(`only ${t.lines} log lines were collected; expected at least ${MIN_LINES}`)
      if (t.requestLines < MIN_REQUEST_LINES) problems.push(`only ${t.requestLines} request log lines; expected at least ${MIN_REQUEST_LINES}`)
      if (t.processRequestLines < MIN_PROCESS_REQUEST_LINES) problems.push(`only ${t.processRequestLines} request lines from server processes; expected at least ${MIN_PROCESS_REQUEST_LINES}`)
    }
    if (problems.length === 0) {
      await rm(dir, { recursive: true, force: true })
      return
    }
    // vitest 4 only logs an error thrown here ("error during close") and still exits 0: the exit code is set by hand
    process.exitCode = 1
    throw new Error(`the run's log output failed the secret scan (logs kept in ${dir}):\n${problems.join('\n')}`)
  }
}
