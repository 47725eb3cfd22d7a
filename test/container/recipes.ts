import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { IMAGE, MACHINE_RUN_FLAGS, podman, runQuiet, TEST_LABEL } from './podman.js'

// The recipes of docs/ci.md, run as written: the fenced block after a marker naming `(recipe: NAME)`, its `docker`
// going through bin/docker (podman, this machine's flags, the built image), its ports moved to free ones.

const ROOT = new URL('../../', import.meta.url)
const DOC = 'docs/ci.md'

export const docsImage = (): string => (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { config: { image: string } }).config.image

/** every recipe block of docs/ci.md by name */
export function recipes(): Map<string, { lang: string; code: string; line: number }> {
  const lines = readFileSync(new URL(DOC, ROOT), 'utf8').split('\n')
  const found = new Map<string, { lang: string; code: string; line: number }>()
  lines.forEach((line, i) => {
    const name = /^<!--.*\(recipe: ([\w-]+)\)\s*-->$/.exec(line)?.[1]
    const fence = /^```(\w*)$/.exec(lines[i + 1] ?? '')
    if (!name) return
    if (!fence) throw new Error(`${DOC}:${i + 1}: recipe ${name} is not followed by a fence`)
    const end = lines.findIndex((l, j) => j > i + 1 && l === '```')
    if (found.has(name)) throw new Error(`${DOC}:${i + 1}: recipe ${name} twice`)
    found.set(name, { lang: fence[1]!, code: lines.slice(i + 2, end).join('\n'), line: i + 2 })
  })
  return found
}

export function recipe(name: string): string {
  const block = recipes().get(name)
  if (!block) throw new Error(`${DOC} has no recipe ${name}`)
  return block.code
}

/** the documented ports moved to this run's: 4010 (the sandbox) and 8080 (the tests' webhook receiver) */
export const movePorts = (text: string, ports: { sandbox: number; receiver: number }): string =>
  text.replaceAll('4010', String(ports.sandbox)).replaceAll('8080', String(ports.receiver))

export interface Shell {
  /** the folder the recipe runs in (what the job's checkout would be) */
  cwd: string
  run(script: string, env?: Record<string, string>, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>
  /** `docker` arguments through the shim, as a service of a workflow is started */
  docker(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>
  /** removes, by id, every container the recipes started */
  cleanup(): Promise<void>
}

export function shell(): Shell {
  const cwd = mkdtempSync(path.join(tmpdir(), 'fmm-recipe-'))
  const shimDir = mkdtempSync(path.join(tmpdir(), 'fmm-shim-'))
  const env = {
    ...process.env,
    PATH: `${new URL('bin', import.meta.url).pathname}:${process.env.PATH ?? ''}`,
    SHIM_IMAGE: IMAGE,
    SHIM_DOCS_IMAGE: docsImage(),
    SHIM_DIR: shimDir,
    SHIM_SUFFIX: path.basename(shimDir),
    SHIM_LABEL: TEST_LABEL,
    SHIM_RUN_FLAGS: MACHINE_RUN_FLAGS.join(' '),
  }
  const exec = (file: string, args: string[], extra: Record<string, string>, timeoutMs: number) => runQuiet(file, args, { cwd, env: { ...env, ...extra }, timeoutMs })
  return {
    cwd,
    // GitHub's `run` shell: bash -e with pipefail
    run: (script, extra = {}, timeoutMs = 60_000) => exec('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], extra, timeoutMs),
    docker: (args) => exec(new URL('bin/docker', import.meta.url).pathname, args, {}, 60_000),
    async cleanup() {
      const ids = readdirSync(shimDir)
        .filter((f) => f.startsWith('cid.'))
        .map((f) => readFileSync(path.join(shimDir, f), 'utf8').trim())
        .filter(Boolean)
      if (ids.length > 0) await podman(['rm', '--force', '--ignore', '--time', '0', ...ids])
    },
  }
}
