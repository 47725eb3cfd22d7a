import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Command, type CopyStep, covers, SIMPLE_PATH, type Stage } from './dockerfile.js'

// Replays the Dockerfile's stages without Docker: one directory per stage stands for its "/", COPY
// copies from the build context or an earlier stage's directory, RUN runs `sh -c` on this machine.

export const REPO = fileURLToPath(new URL('../../', import.meta.url))

export interface Timing {
  what: string
  ms: number
}

/** `.dockerignore` as a predicate; only plain paths and `*` patterns, anchored at the context root. */
function dockerignore(text: string): (file: string) => boolean {
  const patterns = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  for (const p of patterns) if (!SIMPLE_PATH.test(p)) throw new Error(`.dockerignore "${p}": only plain paths and * are supported by test/smoke/replay.ts`)
  return (file) => patterns.some((p) => covers(p, file))
}

/** A clean checkout's build context: tracked and new not-ignored files, minus .dockerignore. */
export function buildContext(dest: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0')
  const ignored = dockerignore(readFileSync(path.join(REPO, '.dockerignore'), 'utf8'))
  const files = [...new Set(listed)].filter((f) => f !== '' && existsSync(path.join(REPO, f)) && !ignored(f)).sort()
  for (const file of files) {
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true })
    copyFileSync(path.join(REPO, file), path.join(dest, file))
  }
  return files
}

/**
 * What a step may see of this machine: PATH without the repo's node_modules/.bin (a step must not
 * find tsc there), HOME, locale, and the CA and proxy settings npm needs to reach the registry
 * (without NODE_EXTRA_CA_CERTS npm under Node 24 is very slow here). Not NODE_ENV=test or VITEST.
 */
export function hostEnv(): Record<string, string> {
  const keep = /^(HOME|USER|LANG|LC_ALL|TZ|TMPDIR|(HTTPS?|NO)_PROXY|NODE_EXTRA_CA_CERTS|NODE_USE_SYSTEM_CA|SSL_CERT_FILE|SSL_CERT_DIR|npm_config_(registry|userconfig|cache|cafile))$/i
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && keep.test(e[0])))
  const bin = /node_modules[\\/]\.bin[\\/]?$/
  env.PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => p !== '' && !bin.test(p)).join(path.delimiter)
  return env
}

export interface RunResult {
  code: number | null
  output: string
}

/** Runs a command to completion (exec form directly, shell form with `sh -c`), killed after timeoutMs. */
export function runCommand(command: Command, options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<RunResult> {
  const [file = '', ...args] = Array.isArray(command) ? command : ['sh', '-c', command]
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

function copy(step: CopyStep, fromRoot: string, root: string): void {
  for (const source of step.sources) {
    const full = path.join(fromRoot, source)
    const name = path.basename(full)
    const matches = name.includes('*')
      ? readdirSync(path.dirname(full))
          .filter((n) => covers(name, n))
          .map((n) => path.join(path.dirname(full), n))
      : [full].filter(existsSync)
    if (matches.length === 0) throw new Error(`Dockerfile line ${step.line} "${step.text}": ${source} not found in ${step.from ? `stage ${step.from}` : 'the build context'}`)
    for (const match of matches) {
      // like docker: a directory's contents go into dest; a file goes into dest/ or becomes dest
      const isDir = statSync(match).isDirectory()
      const target = path.join(root, !isDir && step.dest.endsWith('/') ? path.posix.join(step.dest, path.basename(match)) : step.dest)
      mkdirSync(isDir ? target : path.dirname(target), { recursive: true })
      cpSync(match, target, { recursive: true, verbatimSymlinks: true })
    }
  }
}

/** Replays every stage in workRoot/<name>; returns each stage's directory standing for its "/". */
export async function replayStages(stages: Stage[], contextDir: string, workRoot: string, timings: Timing[]): Promise<Map<string, string>> {
  const roots = new Map<string, string>()
  for (const stage of stages) {
    const root = path.join(workRoot, stage.name)
    mkdirSync(path.join(root, stage.workdir), { recursive: true })
    roots.set(stage.name, root)
    for (const step of stage.steps) {
      const started = performance.now()
      if (step.kind === 'copy') copy(step, step.from ? roots.get(step.from)! : contextDir, root)
      else {
        const cwd = path.join(root, step.workdir)
        mkdirSync(cwd, { recursive: true })
        const result = await runCommand(step.script, { cwd, env: { ...hostEnv(), ...step.env }, timeoutMs: 240_000 })
        if (result.code !== 0) throw new Error(`Dockerfile line ${step.line} "${step.text}" exited with ${result.code}:\n${result.output}`)
      }
      timings.push({ what: `${stage.name} line ${step.line}: ${step.text}`, ms: performance.now() - started })
    }
  }
  return roots
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode })
    else child.once('exit', (code, signal) => resolve({ code, signal }))
  })
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
