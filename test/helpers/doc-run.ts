import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fromRoot } from '../../src/paths.js'
import type { DocBlock } from './doc-blocks.js'

// Runs the runnable code blocks of the docs (see doc-blocks.ts) and type-checks their TypeScript.
//   sh/bash: bash -e -o pipefail, with `curl` failing on an HTTP error (--fail-with-body)
//   ts:      tsx; a block importing from 'vitest' is a test file, run by a child vitest
//   js:      node, as CommonJS
// Blocks are written to .tmp/docs-examples/ (gitignored), inside the repository so that 'fintoc', 'vitest'…
// resolve from its node_modules; 'fintoc-monato-mock' resolves to src/index.ts (tsconfig paths for tsx and
// tsc, an alias for vitest), so the examples run against the code, not against a stale dist/.

/** the address the docs use; a runnable block gets the test's server in its place */
export const DOC_BASE_URL = 'http://127.0.0.1:4010'
export const WORK_DIR = fromRoot('.tmp/docs-examples')

export interface RunResult {
  code: number | null
  /** stdout and stderr, interleaved as they came */
  output: string
}

/** a block pointed at `base`; throws when it names port 4010 in a form the substitution would miss */
export function pointAt(code: string, base: string): string {
  const out = code.replaceAll(DOC_BASE_URL, base)
  if (/\b4010\b/.test(out)) throw new Error(`names port 4010 other than as ${DOC_BASE_URL}, so the test cannot point it at its own server`)
  return out
}

export const isVitestFile = (b: DocBlock) => /from\s+['"]vitest['"]/.test(b.code)

/** the file a block is written to: its doc and line, so a tsc error names both */
export function blockFileName(b: DocBlock): string {
  const stem = `${b.file.replace(/[^A-Za-z0-9]+/g, '-')}-L${b.line}`
  if (b.lang === 'js') return `${stem}.cjs`
  if (b.lang === 'ts') return isVitestFile(b) ? `${stem}.test.ts` : `${stem}.ts`
  return `${stem}.sh`
}

/** a clean work folder with its package.json, tsconfig (paths, incremental cache) and vitest config */
export function prepareWorkDir(tsFiles: string[]): void {
  mkdirSync(WORK_DIR, { recursive: true })
  // the incremental tsc cache stays: it is what makes a second run fast
  for (const f of readdirSync(WORK_DIR)) if (f !== '.tsbuildinfo') rmSync(path.join(WORK_DIR, f), { recursive: true, force: true })
  const index = fromRoot('src/index.ts')
  writeFileSync(path.join(WORK_DIR, 'package.json'), `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`)
  const compilerOptions = {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    incremental: true,
    tsBuildInfoFile: './.tsbuildinfo',
    paths: { 'fintoc-monato-mock': [index] },
  }
  writeFileSync(path.join(WORK_DIR, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: tsFiles }, null, 2)}\n`)
  // generous timeouts: a full run shares two cores with this child; the examples' own waits stay as written
  const test = "{ include: ['*.test.ts'], exclude: [], testTimeout: 20_000, hookTimeout: 30_000 }"
  writeFileSync(path.join(WORK_DIR, 'vitest.config.ts'), `export default { resolve: { alias: { 'fintoc-monato-mock': ${JSON.stringify(index)} } }, test: ${test} }\n`)
}

export function writeBlock(b: DocBlock, code: string): string {
  const file = path.join(WORK_DIR, blockFileName(b))
  writeFileSync(file, code)
  return file
}

/** the environment of a child: without the parent vitest's worker variables, which would confuse a child vitest */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')))
  return { ...env, NODE_ENV: '', ...extra }
}

export function run(command: string, args: string[], timeoutMs: number, extraEnv: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: WORK_DIR, env: childEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const take = (chunk: Buffer) => {
      output += chunk.toString()
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

// an HTTP error status fails the block, as a failing command does
const SHELL_PRELUDE = 'set -eo pipefail\ncurl() { command curl --silent --show-error --fail-with-body "$@"; }\n'

const bin = (...parts: string[]) => fromRoot('node_modules', ...parts)

/** runs a block: a shell block from `code` (already pointed at the test's server), any other from its written file */
export function runBlock(b: DocBlock, code: string, timeoutMs: number): Promise<RunResult> {
  if (b.lang === 'sh' || b.lang === 'bash') return run('bash', ['-c', SHELL_PRELUDE + code], timeoutMs)
  const file = path.join(WORK_DIR, blockFileName(b))
  if (b.lang === 'js') return run(process.execPath, [file], timeoutMs)
  if (isVitestFile(b)) return run(process.execPath, [bin('vitest/vitest.mjs'), 'run', '--root', WORK_DIR, '--config', path.join(WORK_DIR, 'vitest.config.ts'), path.basename(file)], timeoutMs)
  return run(process.execPath, [bin('tsx/dist/cli.mjs'), file], timeoutMs)
}

/** tsc over every TypeScript block; errors are reported at the doc file and line they come from */
export async function typeCheck(blocks: DocBlock[], timeoutMs: number): Promise<string[]> {
  const byFile = new Map(blocks.map((b) => [blockFileName(b), b]))
  const { code, output } = await run(process.execPath, [bin('typescript/bin/tsc'), '-p', path.join(WORK_DIR, 'tsconfig.json')], timeoutMs)
  if (code === 0) return []
  const problems = output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^([^(\s]+)\((\d+),(\d+)\): (.*)$/.exec(l)
      const b = m && byFile.get(m[1]!)
      return b ? `${b.file}:${b.line + Number(m[2])}:${m[3]} ${m[4]}` : l
    })
  return problems.length > 0 ? problems : [`tsc exited with ${code}`]
}
