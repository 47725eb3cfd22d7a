import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// The image contract, checked without a Docker engine: parse the Dockerfile, check what the image
// promises (Node 24, non-root, listens on 0.0.0.0:4010, health check, production dependencies only,
// specs and scenarios shipped), then replay its steps in temp directories: one directory per stage
// stands for that stage's filesystem, COPY copies from a clean build context (git's files minus
// .dockerignore) or from an earlier stage's directory, RUN runs with `sh -c` in the stage's WORKDIR
// and ENV. Finally the last stage's CMD is started with the image's ENV, probed on /health, checked
// with the image's own HEALTHCHECK command, and stopped with SIGTERM as `docker stop` would.
//
// Not emulated: the base image's filesystem and ENTRYPOINT (node:*-alpine's docker-entrypoint.sh
// execs its arguments), USER switching (checked statically, plus every shipped file must be readable
// by other users), and the Node version (the steps run with whatever `node` is on PATH here).
// RUN commands must therefore stay inside the WORKDIR: they run on this machine.
// SMOKE_KEEP_TMP=1 keeps the temp directory for inspection.

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const DOCKERFILE = path.join(REPO, 'Dockerfile')
const IMAGE_PORT = '4010'
const STOP_TIMEOUT_MS = 10_000

// ---------------------------------------------------------------------------------------------
// Parsing

interface Instruction {
  keyword: string
  args: string
  line: number
}

/** Logical instructions: continuation lines joined, comments and blank lines dropped. */
function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = []
  let current: Instruction | undefined
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const trimmed = raw.trim()
    // comment lines are removed before continuation processing, as docker does
    if (trimmed.startsWith('#')) continue
    if (trimmed === '' && !current) continue
    const continued = /\\\s*$/.test(raw)
    const body = continued ? raw.replace(/\\\s*$/, '') : raw
    if (!current) {
      const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(body)
      if (!m) throw new Error(`Dockerfile line ${i + 1}: cannot parse "${raw}"`)
      current = { keyword: m[1]!.toUpperCase(), args: m[2] ?? '', line: i + 1 }
    } else {
      current.args += ` ${body.trim()}`
    }
    if (!continued) {
      current.args = current.args.trim()
      out.push(current)
      current = undefined
    }
  }
  if (current) {
    current.args = current.args.trim()
    out.push(current)
  }
  return out
}

function renderInstructions(list: Instruction[]): string {
  return `${list.map((i) => `${i.keyword} ${i.args}`).join('\n')}\n`
}

type Vars = Record<string, string>

function readVar(s: string, i: number, vars: Vars): [string, number] {
  const rest = s.slice(i)
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}/.exec(rest)
  if (braced) {
    const value = vars[braced[1]!]
    if (braced[2] === '-') return [value ? value : (braced[3] ?? ''), i + braced[0].length]
    if (braced[2] === '+') return [value ? (braced[3] ?? '') : '', i + braced[0].length]
    return [value ?? '', i + braced[0].length]
  }
  const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)
  if (plain) return [vars[plain[1]!] ?? '', i + plain[0].length]
  return ['$', i + 1]
}

/** Split like docker's word parser: quotes, backslash escapes, $VAR and ${VAR} expansion. */
function shellWords(input: string, vars?: Vars): string[] {
  const words: string[] = []
  let cur = ''
  let inWord = false
  let i = 0
  while (i < input.length) {
    const c = input[i]!
    if (/\s/.test(c)) {
      if (inWord) words.push(cur)
      cur = ''
      inWord = false
      i++
      continue
    }
    inWord = true
    if (c === "'") {
      const end = input.indexOf("'", i + 1)
      if (end < 0) throw new Error(`unterminated quote in: ${input}`)
      cur += input.slice(i + 1, end)
      i = end + 1
    } else if (c === '"') {
      i++
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && i + 1 < input.length) {
          cur += input[i + 1]
          i += 2
        } else if (input[i] === '$' && vars) {
          const [value, next] = readVar(input, i, vars)
          cur += value
          i = next
        } else {
          cur += input[i]
          i++
        }
      }
      if (i >= input.length) throw new Error(`unterminated quote in: ${input}`)
      i++
    } else if (c === '\\' && i + 1 < input.length) {
      cur += input[i + 1]
      i += 2
    } else if (c === '$' && vars) {
      const [value, next] = readVar(input, i, vars)
      cur += value
      i = next
    } else {
      cur += c
      i++
    }
  }
  if (inWord) words.push(cur)
  return words
}

/** Leading `--flag[=value]` options, and the rest of the arguments. */
function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {}
  let rest = args
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest)
    if (!m) break
    flags[m[1]!] = m[2] ?? 'true'
    rest = rest.slice(m[0].length)
  }
  return { flags, rest: rest.trim() }
}

type Command = { exec: string[] } | { shell: string }

/** Exec (JSON array) form, or shell form when the text is not a JSON array of strings. */
function parseCommand(text: string): Command {
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return { exec: parsed as string[] }
    } catch {
      // not JSON: shell form, as docker does
    }
  }
  return { shell: text }
}

function commandText(c: Command): string {
  return 'exec' in c ? c.exec.join(' ') : c.shell
}

type Step =
  | { kind: 'workdir'; path: string; line: number; text: string }
  | {
      kind: 'copy'
      from?: string
      sources: string[]
      dest: string
      destIsDir: boolean
      flags: Record<string, string>
      line: number
      text: string
    }
  | { kind: 'run'; command: Command; env: Vars; line: number; text: string }

interface Healthcheck {
  command?: Command
  options: Record<string, string>
}

interface Stage {
  index: number
  name?: string
  base: string
  /** index of the earlier stage this one starts from, when FROM names a stage */
  baseStage?: number
  line: number
  steps: Step[]
  env: Vars
  args: Vars
  workdir: string
  user?: string
  expose: string[]
  volumes: string[]
  healthcheck?: Healthcheck
  cmd?: Command
  entrypoint?: Command
  stopSignal?: string
}

interface Image {
  stages: Stage[]
  final: Stage
}

const SUPPORTED_COPY_FLAGS = new Set(['from', 'chown', 'chmod', 'link'])

/** Interpret instructions into stages: config (ENV, USER, CMD...) and filesystem steps. */
function resolveImage(list: Instruction[]): Image {
  const stages: Stage[] = []
  const globalArgs: Vars = {}
  let stage: Stage | undefined
  for (const ins of list) {
    const where = `Dockerfile line ${ins.line} (${ins.keyword})`
    const text = `${ins.keyword} ${ins.args}`
    if (ins.keyword === 'FROM') {
      const { rest } = splitFlags(ins.args)
      const words = shellWords(rest, globalArgs)
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toLowerCase() === 'as')) {
        throw new Error(`${where}: expected FROM <image> [AS <name>]`)
      }
      const base = words[0]!
      const baseStage = stages.findIndex((s) => s.name === base.toLowerCase())
      const parent = baseStage >= 0 ? stages[baseStage] : undefined
      stage = {
        index: stages.length,
        name: words[2]?.toLowerCase(),
        base,
        baseStage: parent ? baseStage : undefined,
        line: ins.line,
        steps: [],
        env: { ...parent?.env },
        args: {},
        workdir: parent?.workdir ?? '/',
        user: parent?.user,
        expose: [...(parent?.expose ?? [])],
        volumes: [...(parent?.volumes ?? [])],
        healthcheck: parent?.healthcheck,
        cmd: parent?.cmd,
        entrypoint: parent?.entrypoint,
        stopSignal: parent?.stopSignal,
      }
      stages.push(stage)
      continue
    }
    if (ins.keyword === 'ARG') {
      const target = stage ? stage.args : globalArgs
      for (const word of shellWords(ins.args)) {
        const eq = word.indexOf('=')
        const name = eq < 0 ? word : word.slice(0, eq)
        const value = eq < 0 ? globalArgs[name] : word.slice(eq + 1)
        if (value !== undefined) target[name] = value
      }
      continue
    }
    if (!stage) throw new Error(`${where}: instruction before the first FROM`)
    const vars = { ...stage.args, ...stage.env }
    switch (ins.keyword) {
      case 'WORKDIR': {
        const dir = shellWords(ins.args, vars).join(' ')
        stage.workdir = path.posix.resolve(stage.workdir, dir)
        stage.steps.push({ kind: 'workdir', path: stage.workdir, line: ins.line, text })
        break
      }
      case 'ENV': {
        const words = shellWords(ins.args, vars)
        if (words.length === 0) throw new Error(`${where}: empty ENV`)
        if (words[0]!.includes('=')) {
          for (const word of words) {
            const eq = word.indexOf('=')
            if (eq <= 0) throw new Error(`${where}: expected KEY=VALUE, got "${word}"`)
            stage.env[word.slice(0, eq)] = word.slice(eq + 1)
          }
        } else {
          stage.env[words[0]!] = words.slice(1).join(' ')
        }
        break
      }
      case 'COPY': {
        const { flags, rest } = splitFlags(ins.args)
        for (const flag of Object.keys(flags)) {
          if (!SUPPORTED_COPY_FLAGS.has(flag)) throw new Error(`${where}: COPY --${flag} is not emulated`)
        }
        const command = parseCommand(rest)
        const words = 'exec' in command ? command.exec : shellWords(rest, vars)
        if (words.length < 2) throw new Error(`${where}: COPY needs a source and a destination`)
        const destWord = words[words.length - 1]!
        const sources = words.slice(0, -1)
        stage.steps.push({
          kind: 'copy',
          from: flags.from?.toLowerCase(),
          sources,
          dest: path.posix.resolve(stage.workdir, destWord),
          destIsDir: destWord.endsWith('/') || destWord === '.' || sources.length > 1,
          flags,
          line: ins.line,
          text,
        })
        break
      }
      case 'RUN': {
        const { rest } = splitFlags(ins.args)
        stage.steps.push({ kind: 'run', command: parseCommand(rest), env: { ...vars }, line: ins.line, text })
        break
      }
      case 'USER':
        stage.user = shellWords(ins.args, vars).join(' ')
        break
      case 'EXPOSE':
        stage.expose.push(...shellWords(ins.args, vars))
        break
      case 'VOLUME': {
        const command = parseCommand(ins.args)
        const dirs = 'exec' in command ? command.exec : shellWords(ins.args, vars)
        stage.volumes.push(...dirs.map((d) => path.posix.resolve(stage!.workdir, d)))
        break
      }
      case 'HEALTHCHECK': {
        if (/^none$/i.test(ins.args.trim())) {
          stage.healthcheck = { options: {} }
          break
        }
        const { flags, rest } = splitFlags(ins.args)
        const m = /^CMD\s+([\s\S]+)$/i.exec(rest)
        if (!m) throw new Error(`${where}: expected HEALTHCHECK [options] CMD ... or HEALTHCHECK NONE`)
        stage.healthcheck = { command: parseCommand(m[1]!.trim()), options: flags }
        break
      }
      case 'CMD':
        stage.cmd = parseCommand(ins.args)
        break
      case 'ENTRYPOINT':
        stage.entrypoint = parseCommand(ins.args)
        // docker resets an inherited CMD when ENTRYPOINT is set
        stage.cmd = undefined
        break
      case 'STOPSIGNAL':
        stage.stopSignal = ins.args.trim()
        break
      case 'LABEL':
      case 'MAINTAINER':
        break
      default:
        throw new Error(`${where}: ${ins.keyword} is not supported by this emulation`)
    }
  }
  const final = stages[stages.length - 1]
  if (!final) throw new Error('Dockerfile has no FROM')
  return { stages, final }
}

function parseDockerfile(text: string): Image {
  return resolveImage(parseInstructions(text))
}

/** argv docker would run for the container: exec-form ENTRYPOINT + CMD, or `sh -c` for shell form. */
function containerArgv(stage: Stage): string[] | undefined {
  const toArgv = (c: Command) => ('exec' in c ? c.exec : ['/bin/sh', '-c', c.shell])
  if (stage.entrypoint) {
    if ('shell' in stage.entrypoint) return toArgv(stage.entrypoint)
    return [...stage.entrypoint.exec, ...(stage.cmd && 'exec' in stage.cmd ? stage.cmd.exec : [])]
  }
  return stage.cmd ? toArgv(stage.cmd) : undefined
}

// ---------------------------------------------------------------------------------------------
// The contract

interface ContractFacts {
  /** build-context files the final stage must contain, e.g. specs/fintoc.yaml */
  requiredFiles: string[]
  port: string
}

const NODE_24_IMAGE = /^(?:(?:docker\.io\/)?library\/|docker\.io\/)?node:24(?:[.-]|$)/
const PROD_FLAG = /--omit[= ]dev\b|--production\b|--only[= ](?:prod|production)\b/

type DepsState = 'none' | 'all' | 'prod' | 'context'

function applyRun(state: DepsState, run: Extract<Step, { kind: 'run' }>): DepsState {
  let next = state
  for (const segment of commandText(run.command).split(/&&|\|\||;/)) {
    const prod = PROD_FLAG.test(segment) || /\bNODE_ENV=production\b/.test(segment) || run.env.NODE_ENV === 'production'
    if (/\bnpm\s+(?:ci|clean-install|install|i)\b/.test(segment)) next = prod ? 'prod' : 'all'
    else if (/\bnpm\s+prune\b/.test(segment) && prod && next !== 'none') next = 'prod'
  }
  return next
}

function depsStateOf(image: Image, index: number): DepsState {
  const stage = image.stages[index]!
  let state: DepsState = stage.baseStage === undefined ? 'none' : depsStateOf(image, stage.baseStage)
  for (const step of stage.steps) {
    if (step.kind === 'run') state = applyRun(state, step)
    if (step.kind !== 'copy') continue
    // a COPY that brings a node_modules directory along decides where the dependencies come from
    const fromIndex = step.from === undefined ? undefined : stageIndex(image, step.from, stage.index)
    const nodeModulesDest = path.posix.join(stage.workdir, 'node_modules')
    const bringsNodeModules = step.sources.some((src) => {
      if (path.posix.basename(src) === 'node_modules') return true
      if (fromIndex === undefined) return false
      const from = image.stages[fromIndex]!
      const abs = path.posix.resolve('/', src)
      const theirs = path.posix.join(from.workdir, 'node_modules')
      return theirs === abs || theirs.startsWith(abs === '/' ? '/' : `${abs}/`)
    })
    if (bringsNodeModules || step.dest === nodeModulesDest) {
      state = fromIndex === undefined ? 'context' : depsStateOf(image, fromIndex)
    }
  }
  return state
}

function stageIndex(image: Image, from: string, before: number): number | undefined {
  if (/^\d+$/.test(from)) {
    const n = Number(from)
    return n < before ? n : undefined
  }
  const found = image.stages.findIndex((s) => s.name === from)
  return found >= 0 && found < before ? found : undefined
}

function covers(source: string, file: string): boolean {
  const src = path.posix.normalize(source).replace(/^\/+/, '').replace(/\/+$/, '')
  if (src === '' || src === '.') return true
  if (/[*?[]/.test(src)) {
    const re = globToRegExp(src)
    const parts = file.split('/')
    return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')))
  }
  return file === src || file.startsWith(`${src}/`)
}

/** Everything the image promises; an empty list means the Dockerfile keeps the contract. */
function contractViolations(image: Image, facts: ContractFacts): string[] {
  const problems: string[] = []
  const { final } = image
  for (const stage of image.stages) {
    if (stage.baseStage === undefined && !NODE_24_IMAGE.test(stage.base)) {
      problems.push(`stage ${stage.name ?? stage.index} (line ${stage.line}): base image ${stage.base} is not Node 24`)
    }
  }
  const user = final.user?.split(':')[0]?.trim()
  if (!user || user === 'root' || user === '0') {
    problems.push(`final stage runs as root: USER is ${final.user ?? 'not set'}`)
  }
  if (final.env.HOST !== '0.0.0.0') {
    problems.push(`final stage must set ENV HOST=0.0.0.0 (found ${final.env.HOST ?? 'nothing'}): 127.0.0.1 is unreachable from outside the container`)
  }
  if ((final.env.PORT ?? facts.port) !== facts.port) {
    problems.push(`final stage sets PORT=${final.env.PORT} but the image is documented on ${facts.port}`)
  }
  if (!final.expose.some((p) => p.replace(/\/tcp$/i, '') === facts.port)) {
    problems.push(`final stage does not EXPOSE ${facts.port} (exposes: ${final.expose.join(', ') || 'nothing'})`)
  }
  if (!final.healthcheck?.command) {
    problems.push('final stage has no HEALTHCHECK')
  } else {
    const hc = commandText(final.healthcheck.command)
    if (!hc.includes('/health')) problems.push(`HEALTHCHECK does not probe /health: ${hc}`)
    if (/\bcurl\b/.test(hc)) problems.push('HEALTHCHECK uses curl, which node:*-alpine does not have')
  }
  if (final.stopSignal && !/^(SIGTERM|TERM|15)$/i.test(final.stopSignal)) {
    problems.push(`STOPSIGNAL ${final.stopSignal}: the server shuts down gracefully on SIGTERM`)
  }
  const argv = containerArgv(final)
  const usesShell = !!final.cmd && 'shell' in final.cmd && !final.entrypoint
  if (!argv || usesShell || (final.entrypoint && 'shell' in final.entrypoint)) {
    problems.push('CMD must be in exec (JSON) form so node is PID 1 and receives SIGTERM')
  } else if (argv[0] !== 'node') {
    problems.push(`CMD must start node directly (npm does not forward signals, and npm start rebuilds): ${argv.join(' ')}`)
  }
  for (const file of facts.requiredFiles) {
    const copied = final.steps.some(
      (s) => s.kind === 'copy' && s.from === undefined && s.sources.some((src) => covers(src, file)),
    )
    if (!copied) problems.push(`final stage does not COPY ${file} from the build context`)
  }
  const deps = depsStateOf(image, final.index)
  if (deps === 'none') problems.push('final stage has no node_modules (no production dependencies installed)')
  if (deps === 'all') problems.push('final stage node_modules includes devDependencies (no npm ci --omit=dev or npm prune --omit=dev)')
  if (deps === 'context') problems.push('final stage copies node_modules from the build context')
  const scenarios = path.posix.join(final.workdir, 'data/scenarios')
  for (const volume of final.volumes) {
    if (scenarios === volume || scenarios.startsWith(`${volume}/`)) {
      problems.push(`VOLUME ${volume} hides the shipped scenarios whenever a directory is mounted there`)
    }
  }
  return problems
}

// ---------------------------------------------------------------------------------------------
// Build context and emulation

function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*' && pattern[i + 1] === '*') {
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?'
        i += 2
      } else {
        re += '.*'
        i += 1
      }
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = pattern.indexOf(']', i)
      if (end < 0) re += '\\['
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

/** .dockerignore rules: patterns anchored at the context root, `!` re-includes, last match wins. */
function dockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!')
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, '').replace(/\/+$/, '')
      return { negate, re: globToRegExp(pattern) }
    })
  return (file) => {
    const parts = file.split('/')
    let excluded = false
    for (const rule of rules) {
      // a rule that matches a directory applies to everything below it
      if (parts.some((_, i) => rule.re.test(parts.slice(0, i + 1).join('/')))) excluded = !rule.negate
    }
    return excluded
  }
}

function lexists(p: string): boolean {
  try {
    lstatSync(p)
    return true
  } catch {
    return false
  }
}

/**
 * The build context of a clean checkout: files git tracks (as they are in the working tree), plus
 * new files not yet committed and not git-ignored, plus the lock file; minus .dockerignore.
 */
function buildContext(dest: string): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean)
  const ignoreFile = path.join(REPO, '.dockerignore')
  const ignored = lexists(ignoreFile) ? dockerignore(readFileSync(ignoreFile, 'utf8')) : () => false
  const files = [...new Set([...listed, 'package-lock.json'])]
    .filter((f) => lexists(path.join(REPO, f)) && !ignored(f))
    .sort()
  for (const file of files) {
    const from = path.join(REPO, file)
    const to = path.join(dest, file)
    mkdirSync(path.dirname(to), { recursive: true })
    if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to)
    else copyFileSync(from, to)
  }
  return files
}

/** Host paths matching a COPY source (with * ? [..] in any segment) under root. */
function expandSource(root: string, source: string): string[] {
  const segments = source.split('/').filter((s) => s !== '' && s !== '.')
  if (segments.includes('..')) throw new Error(`COPY source ${source} leaves the build context`)
  let current = [root]
  for (const segment of segments) {
    const next: string[] = []
    for (const dir of current) {
      if (!/[*?[]/.test(segment)) {
        const candidate = path.join(dir, segment)
        if (lexists(candidate)) next.push(candidate)
        continue
      }
      if (!statSync(dir).isDirectory()) continue
      const re = globToRegExp(segment)
      for (const name of readdirSync(dir).sort()) if (re.test(name)) next.push(path.join(dir, name))
    }
    current = next
  }
  return current
}

const host = (root: string, abs: string) => path.join(root, abs)

interface Timing {
  stage: string
  what: string
  ms: number
}

interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  output: string
  ms: number
}

function tail(text: string, max = 6000): string {
  return text.length > max ? `...${text.slice(-max)}` : text
}

function runCommand(command: Command, options: { cwd: string; env: Vars; timeoutMs?: number }): Promise<RunResult> {
  const argv = 'exec' in command ? command.exec : ['sh', '-c', command.shell]
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    const timer = options.timeoutMs
      ? setTimeout(() => {
          output += `\n[killed after ${options.timeoutMs} ms]`
          child.kill('SIGKILL')
        }, options.timeoutMs)
      : undefined
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ code, signal, output, ms: performance.now() - started })
    })
  })
}

/**
 * The host's environment as far as a step needs it (home, locale, proxies, the CA certificates the
 * registry is reached with, npm's registry and cache settings), without the variables of the test
 * run itself (NODE_ENV=test, VITEST...) and without anything that could leak the repo's own install.
 */
function hostEnv(): Vars {
  const env: Vars = {}
  const keep =
    /^(HOME|USER|LANG|LC_ALL|TZ|TMPDIR|(?:HTTPS?|NO)_PROXY|NODE_EXTRA_CA_CERTS|NODE_USE_SYSTEM_CA|SSL_CERT_FILE|SSL_CERT_DIR|npm_config_(?:registry|userconfig|cache|cafile))$/i
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && keep.test(key)) env[key] = value
  }
  // npm run puts the repo's node_modules/.bin on PATH: a step must not find tsc or vitest there
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((p) => p !== '' && !/node_modules[\\/]\.bin[\\/]?$/.test(p))
    .join(path.delimiter)
  return env
}

/** Replay every stage in its own directory; returns the directory standing for each stage's "/". */
async function emulate(image: Image, contextDir: string, workRoot: string, timings: Timing[]): Promise<string[]> {
  const roots: string[] = []
  const env = hostEnv()
  for (const stage of image.stages) {
    const label = stage.name ?? String(stage.index)
    const root = path.join(workRoot, `stage-${stage.index}-${label}`)
    const stageStart = performance.now()
    if (stage.baseStage !== undefined) cpSync(roots[stage.baseStage]!, root, { recursive: true, verbatimSymlinks: true })
    mkdirSync(root, { recursive: true })
    roots.push(root)
    let workdir = stage.baseStage === undefined ? '/' : image.stages[stage.baseStage]!.workdir
    for (const step of stage.steps) {
      const started = performance.now()
      const where = `Dockerfile line ${step.line}: ${step.text}`
      if (step.kind === 'workdir') {
        workdir = step.path
        mkdirSync(host(root, workdir), { recursive: true })
      } else if (step.kind === 'copy') {
        let fromRoot = contextDir
        if (step.from !== undefined) {
          const index = stageIndex(image, step.from, stage.index)
          if (index === undefined) throw new Error(`${where}: --from=${step.from} is not an earlier stage (images are not emulated)`)
          fromRoot = roots[index]!
        }
        const dest = host(root, step.dest)
        const destIsDir = step.destIsDir || (lexists(dest) && statSync(dest).isDirectory())
        for (const source of step.sources) {
          // sources from a stage are paths in that stage's filesystem; from the context, relative to it
          const matches = expandSource(fromRoot, step.from === undefined ? source : path.posix.resolve('/', source))
          if (matches.length === 0) {
            throw new Error(`${where}: ${source} not found in ${step.from === undefined ? 'the build context (git files minus .dockerignore)' : `stage ${step.from}`}`)
          }
          for (const match of matches) {
            if (lstatSync(match).isDirectory()) {
              // docker copies a directory's contents, not the directory itself
              cpSync(match, dest, { recursive: true, verbatimSymlinks: true })
            } else {
              const target = destIsDir || matches.length > 1 ? path.join(dest, path.basename(match)) : dest
              mkdirSync(path.dirname(target), { recursive: true })
              cpSync(match, target, { verbatimSymlinks: true })
            }
          }
        }
      } else {
        const cwd = host(root, workdir)
        mkdirSync(cwd, { recursive: true })
        const result = await runCommand(step.command, { cwd, env: { ...env, ...step.env } })
        if (result.code !== 0) {
          throw new Error(`${where}\nexited with ${result.code ?? result.signal} after ${(result.ms / 1000).toFixed(1)} s:\n${tail(result.output)}`)
        }
      }
      timings.push({ stage: label, what: `line ${step.line}: ${step.text}`, ms: performance.now() - started })
    }
    timings.push({ stage: label, what: 'stage total', ms: performance.now() - stageStart })
  }
  return roots
}

// ---------------------------------------------------------------------------------------------
// Helpers for the running container

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode })
    else child.once('exit', (code, signal) => resolve({ code, signal }))
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function durationMs(value: string | undefined, fallback: number): number {
  if (!value) return fallback
  let total = 0
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']
  }
  return total || fallback
}

/** Paths (files, dirs) another user could not read or traverse. */
function unreadable(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isSymbolicLink()) continue
    const mode = lstatSync(full).mode
    if (entry.isDirectory()) {
      if ((mode & 0o005) !== 0o005) out.push(`${rel}/`)
      else out.push(...unreadable(full, rel))
    } else if ((mode & 0o004) === 0) out.push(rel)
  }
  return out
}

interface PackageJson {
  version: string
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

// ---------------------------------------------------------------------------------------------

const dockerfileText = readFileSync(DOCKERFILE, 'utf8')
const pkg: PackageJson = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'))
const lock: { packages: Record<string, { dev?: boolean }> } = JSON.parse(
  readFileSync(path.join(REPO, 'package-lock.json'), 'utf8'),
)

const workRoot = mkdtempSync(path.join(tmpdir(), 'docker-steps-'))
const timings: Timing[] = []
let context: { dir: string; files: string[] } | undefined
let finalRoot: string | undefined
let server: ChildProcess | undefined

/** The build context, made once, whichever test needs it first. */
function buildContextOnce(): { dir: string; files: string[] } {
  if (!context) {
    const started = performance.now()
    const dir = path.join(workRoot, 'context')
    context = { dir, files: buildContext(dir) }
    timings.push({ stage: 'context', what: `${context.files.length} files (git ls-files minus .dockerignore)`, ms: performance.now() - started })
  }
  return context
}

function requiredFiles(): string[] {
  return buildContextOnce().files.filter((f) => f === 'package.json' || /^specs\/[^/]+\.ya?ml$/.test(f) || /^data\/scenarios\/[^/]+\.json$/.test(f))
}

function printTimings() {
  if (timings.length === 0) return
  const width = Math.max(...timings.map((t) => t.stage.length))
  const lines = timings.map((t) => {
    const what = t.what.length > 90 ? `${t.what.slice(0, 87)}...` : t.what
    return `  ${t.stage.padEnd(width)}  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${what}`
  })
  const node = execFileSync('node', ['--version'], { env: hostEnv(), encoding: 'utf8' }).trim()
  console.log(`Dockerfile steps replayed without Docker, with this machine's node ${node} (the image has Node 24):\n${lines.join('\n')}`)
}

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL')
    await exitOf(server)
  }
  printTimings()
  if (process.env.SMOKE_KEEP_TMP) console.log(`kept ${workRoot}`)
  else rmSync(workRoot, { recursive: true, force: true })
})

describe('Dockerfile', () => {
  const image = parseDockerfile(dockerfileText)

  it('keeps the image contract', () => {
    expect(image.stages.length).toBeGreaterThanOrEqual(2)
    const required = requiredFiles()
    expect(required).toContain('package.json')
    expect(required).toContain('data/scenarios/default.json')
    expect(required.filter((f) => f.startsWith('specs/')).length).toBeGreaterThanOrEqual(2)
    expect(contractViolations(image, { requiredFiles: required, port: IMAGE_PORT })).toEqual([])
  })

  it('notices each way of breaking the contract', () => {
    const list = parseInstructions(dockerfileText)
    const lastFrom = list.map((i) => i.keyword).lastIndexOf('FROM')
    const isFinal = (i: Instruction) => list.indexOf(i) > lastFrom
    const facts = { requiredFiles: requiredFiles(), port: IMAGE_PORT }
    const mutations: [string, (l: Instruction[]) => Instruction[], RegExp][] = [
      ['Node 22 base', (l) => l.map((i) => (i.keyword === 'FROM' ? { ...i, args: i.args.replace(/node:24/, 'node:22') } : i)), /not Node 24/],
      ['no USER', (l) => l.filter((i) => !(isFinal(i) && i.keyword === 'USER')), /runs as root/],
      ['USER root', (l) => [...l, { keyword: 'USER', args: 'root', line: 0 }], /runs as root/],
      ['HOST=127.0.0.1', (l) => [...l, { keyword: 'ENV', args: 'HOST=127.0.0.1', line: 0 }], /HOST=0\.0\.0\.0/],
      ['PORT=8080', (l) => [...l, { keyword: 'ENV', args: 'PORT=8080', line: 0 }], /PORT=8080/],
      ['no EXPOSE', (l) => l.filter((i) => !(isFinal(i) && i.keyword === 'EXPOSE')), /EXPOSE 4010/],
      ['no HEALTHCHECK', (l) => l.filter((i) => i.keyword !== 'HEALTHCHECK'), /no HEALTHCHECK/],
      ['HEALTHCHECK NONE', (l) => [...l, { keyword: 'HEALTHCHECK', args: 'NONE', line: 0 }], /no HEALTHCHECK/],
      ['curl health check', (l) => [...l, { keyword: 'HEALTHCHECK', args: 'CMD curl -f http://127.0.0.1:4010/health', line: 0 }], /curl/],
      ['shell-form CMD', (l) => [...l, { keyword: 'CMD', args: 'node dist/main.js', line: 0 }], /exec \(JSON\) form/],
      ['npm start', (l) => [...l, { keyword: 'CMD', args: '["npm", "start"]', line: 0 }], /start node directly/],
      ['no specs', (l) => l.filter((i) => !(isFinal(i) && i.keyword === 'COPY' && /\bspecs\b/.test(i.args))), /COPY specs\//],
      ['no data', (l) => l.filter((i) => !(isFinal(i) && i.keyword === 'COPY' && /\bdata\b/.test(i.args))), /COPY data\/scenarios\/default\.json/],
      ['no package.json', (l) => l.filter((i) => !(isFinal(i) && i.keyword === 'COPY' && /package\.json/.test(i.args))), /COPY package\.json/],
      [
        'dev dependencies kept',
        (l) =>
          l
            .filter((i) => !(i.keyword === 'RUN' && /\bnpm\s+prune\b/.test(i.args)))
            .map((i) => (i.keyword === 'RUN' ? { ...i, args: i.args.replace(PROD_FLAG, '') } : i))
            .map((i) => (i.keyword === 'ENV' ? { ...i, args: i.args.replace(/NODE_ENV=production/, 'NODE_ENV=development') } : i)),
        /devDependencies/,
      ],
      ['no node_modules', (l) => l.filter((i) => !(isFinal(i) && /node_modules/.test(i.args))), /no node_modules/],
      ['VOLUME /app/data', (l) => [...l, { keyword: 'VOLUME', args: '/app/data', line: 0 }], /hides the shipped scenarios/],
      ['STOPSIGNAL SIGKILL', (l) => [...l, { keyword: 'STOPSIGNAL', args: 'SIGKILL', line: 0 }], /STOPSIGNAL/],
    ]
    for (const [name, mutate, expected] of mutations) {
      const mutated = mutate(list)
      // a mutation that changes nothing proves nothing
      expect(renderInstructions(mutated), name).not.toBe(renderInstructions(list))
      const problems = contractViolations(resolveImage(parseInstructions(renderInstructions(mutated))), facts)
      expect(problems.join('\n'), name).toMatch(expected)
    }
  })

  it('builds every stage outside Docker', async () => {
    const roots = await emulate(image, buildContextOnce().dir, path.join(workRoot, 'stages'), timings)
    finalRoot = roots[roots.length - 1]
  })

  it('ships only what the image needs, with production dependencies only', () => {
    expect(finalRoot, 'the stages were built').toBeDefined()
    const app = host(finalRoot!, image.final.workdir)

    // runtime files, identical to the repo's
    for (const file of requiredFiles()) {
      expect(lexists(path.join(app, file)), `${file} in the image`).toBe(true)
      expect(readFileSync(path.join(app, file), 'utf8'), file).toBe(readFileSync(path.join(buildContextOnce().dir, file), 'utf8'))
    }
    const argv = containerArgv(image.final)!
    const script = argv.find((a, i) => i > 0 && /\.[cm]?js$/.test(a))
    expect(script, `a script in ${argv.join(' ')}`).toBeDefined()
    expect(lexists(path.join(app, script!)), `${script} built into the image`).toBe(true)

    // production dependencies: all of them, and no devDependency
    const nodeModules = path.join(app, 'node_modules')
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      expect(lexists(path.join(nodeModules, dep, 'package.json')), `dependency ${dep} installed`).toBe(true)
    }
    for (const tool of ['vitest', 'typescript']) {
      expect(lexists(path.join(nodeModules, tool)), `${tool} must not be in the image`).toBe(false)
    }
    const devOnly = Object.entries(lock.packages)
      .filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev === true)
      .map(([key]) => key.slice('node_modules/'.length))
    expect(devOnly.length).toBeGreaterThan(0)
    const presentDevOnly = devOnly.filter((rel) => lexists(path.join(nodeModules, rel)))
    expect(presentDevOnly, 'dev-only packages (lock file "dev": true) in the image').toEqual([])

    // nothing above the app directory that node's module resolution could fall back to
    for (let dir = path.dirname(app); ; dir = path.dirname(dir)) {
      expect(lexists(path.join(dir, 'node_modules')), `${dir}/node_modules would leak into module resolution`).toBe(false)
      if (path.dirname(dir) === dir) break
    }
    // the image runs as USER node while COPY leaves files owned by root: they must be world-readable
    expect(unreadable(finalRoot!)).toEqual([])
  })

  it('starts the CMD, answers /health, passes its HEALTHCHECK and stops on SIGTERM', async () => {
    expect(finalRoot, 'the stages were built').toBeDefined()
    const app = host(finalRoot!, image.final.workdir)
    const port = await freePort()
    const env = { ...hostEnv(), ...image.final.env, PORT: String(port) }
    const argv = containerArgv(image.final)!
    const started = performance.now()
    server = spawn(argv[0]!, argv.slice(1), { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const child = server
    const exited = exitOf(child)
    let logs = ''
    child.stdout?.on('data', (c: Buffer) => {
      logs = (logs + c.toString()).slice(-50_000)
    })
    child.stderr?.on('data', (c: Buffer) => {
      logs = (logs + c.toString()).slice(-50_000)
    })

    // HOST stays 0.0.0.0 as in the image; probe over loopback
    const url = `http://127.0.0.1:${port}/health`
    let health: Response | undefined
    const deadline = Date.now() + 30_000
    while (!health && Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break
      health = await fetch(url).catch(() => undefined)
      if (!health) await sleep(100)
    }
    expect(health, `server did not answer ${url}; output:\n${tail(logs)}`).toBeDefined()
    const ready = performance.now() - started
    expect(health!.status).toBe(200)
    expect(health!.headers.get('content-type')).toMatch(/application\/json/)
    const body = (await health!.json()) as {
      status: unknown
      version: unknown
      providers: Record<string, { operations: unknown }>
    }
    expect(body.status).toBe('ok')
    expect(body.version).toBe(pkg.version)
    for (const provider of ['fintoc', 'monato']) {
      const operations = body.providers?.[provider]?.operations
      expect(Number.isInteger(operations), `${provider} operations: ${JSON.stringify(body)}`).toBe(true)
      expect(operations as number).toBeGreaterThan(0)
    }

    // the image's own health check, run the way docker runs it
    const hc = image.final.healthcheck!.command!
    const hcTimeout = durationMs(image.final.healthcheck!.options.timeout, 30_000)
    const healthy = await runCommand(hc, { cwd: app, env, timeoutMs: hcTimeout })
    expect(healthy.code, `HEALTHCHECK while running: ${healthy.output}`).toBe(0)

    const stopStart = performance.now()
    child.kill('SIGTERM')
    const exit = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const)])
    expect(exit, `no exit within ${STOP_TIMEOUT_MS} ms of SIGTERM; output:\n${tail(logs)}`).not.toBe('timeout')
    expect(exit, tail(logs)).toEqual({ code: 0, signal: null })
    timings.push({ stage: 'run', what: `CMD ${argv.join(' ')}: /health answered`, ms: ready })
    timings.push({ stage: 'run', what: 'SIGTERM to exit 0', ms: performance.now() - stopStart })

    const unhealthy = await runCommand(hc, { cwd: app, env, timeoutMs: hcTimeout })
    expect(unhealthy.code, 'HEALTHCHECK must fail once the server is gone').not.toBe(0)
  })
})
