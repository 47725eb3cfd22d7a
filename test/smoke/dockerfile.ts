import path from 'node:path'

// Parses the subset of Dockerfile syntax our Dockerfile uses. Anything else throws, naming the line:
// the replay must never silently skip or misread an instruction.

/** Exec form (JSON array) or shell form (the raw text). */
export type Command = string[] | string

export interface CopyStep {
  kind: 'copy'
  line: number
  text: string
  from?: string
  /** paths as written: relative to the context, or absolute in the `--from` stage */
  sources: string[]
  /** absolute path in the stage; a trailing slash means "into this directory" */
  dest: string
}

export interface RunStep {
  kind: 'run'
  line: number
  text: string
  script: string
  workdir: string
  env: Record<string, string>
}

export interface Stage {
  name: string
  base: string
  line: number
  workdir: string
  env: Record<string, string>
  user?: string
  expose: string[]
  volumes: string[]
  healthcheck?: { command: Command; timeoutSeconds?: number }
  cmd?: Command
  steps: (CopyStep | RunStep)[]
}

/** Plain paths with `*` inside a name: no variables, quotes, `**`, `?` or `[...]`. */
export const SIMPLE_PATH = /^(?!.*\*\*)[\w./*-]+$/

/** Whether a COPY source or .dockerignore pattern (root-anchored, `*` = any name part) covers a path. */
export function covers(pattern: string, file: string): boolean {
  const clean = pattern.replace(/^(\.?\/)+/, '').replace(/\/+$/, '')
  if (clean === '' || clean === '.') return true
  const re = new RegExp(`^${clean.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}(/|$)`)
  return re.test(file)
}

function parseCommand(text: string, fail: (why: string) => never): Command {
  if (!text.startsWith('[')) return text
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    fail('exec form is not a valid JSON array')
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) fail('exec form must be an array of strings')
  return parsed
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = []
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fail = (why: string): never => {
      throw new Error(`Dockerfile line ${i + 1} "${line}": ${why} (test/smoke/dockerfile.ts supports only what our Dockerfile uses)`)
    }
    if (line.endsWith('\\')) fail('line continuations are not supported')
    const [, keyword = '', args = ''] = /^([A-Z]+)\s+(.*)$/.exec(line) ?? fail('expected an upper-case instruction and arguments')
    const words = args.split(/\s+/)
    if (keyword === 'FROM') {
      const [, base = '', name] = /^([\w./:-]+)(?:\s+AS\s+([\w-]+))?$/.exec(args) ?? fail('expected FROM <image> [AS <name>]')
      if (stages.some((s) => s.name === base)) fail('FROM an earlier stage is not supported')
      stages.push({ name: name ?? String(stages.length), base, line: i + 1, workdir: '/', env: {}, expose: [], volumes: [], steps: [] })
      continue
    }
    const stage = stages.at(-1) ?? fail('instruction before the first FROM')
    switch (keyword) {
      case 'WORKDIR':
        if (!/^\/[\w./-]*$/.test(args)) fail('WORKDIR must be one absolute path')
        stage.workdir = args
        break
      case 'ENV':
        for (const word of words) {
          const [, key = '', value = ''] = /^([A-Za-z_]\w*)=([^"'$\\]*)$/.exec(word) ?? fail('expected ENV KEY=value ... without quotes or variables')
          stage.env[key] = value
        }
        break
      case 'COPY': {
        const from = words[0]?.startsWith('--') ? words.shift() : undefined
        if (from !== undefined && !/^--from=[\w-]+$/.test(from)) fail('the only COPY option supported is --from=<stage>')
        const fromStage = from?.slice('--from='.length)
        if (fromStage !== undefined && !stages.slice(0, -1).some((s) => s.name === fromStage)) fail(`--from=${fromStage} is not an earlier stage`)
        const dest = words.pop() ?? ''
        if (words.length === 0 || args.startsWith('[')) fail('expected COPY [--from=<stage>] <source>... <dest>')
        if (![...words, dest].every((w) => SIMPLE_PATH.test(w) && !w.split('/').includes('..'))) fail('only plain paths and `*` are supported')
        if (dest.includes('*') || words.some((w) => w.split('/').slice(0, -1).join().includes('*'))) fail('`*` is supported in file names only')
        if ((words.length > 1 || words[0]!.includes('*')) && !dest.endsWith('/')) fail('several sources need a destination ending in /')
        const abs = path.posix.resolve(stage.workdir, dest)
        const toDir = dest.endsWith('/') || dest === '.'
        stage.steps.push({ kind: 'copy', line: i + 1, text: line, from: fromStage, sources: words, dest: toDir && abs !== '/' ? `${abs}/` : abs })
        break
      }
      case 'RUN':
        if (args.startsWith('[') || args.startsWith('--')) fail('only shell-form RUN without options is supported')
        stage.steps.push({ kind: 'run', line: i + 1, text: line, script: args, workdir: stage.workdir, env: { ...stage.env } })
        break
      case 'USER':
      case 'EXPOSE':
      case 'VOLUME':
        if (!words.every((w) => /^[\w./:-]+$/.test(w))) fail(`${keyword} takes plain words only`)
        if (keyword === 'USER') stage.user = args
        else if (keyword === 'EXPOSE') stage.expose.push(...words)
        else stage.volumes.push(...words.map((w) => path.posix.resolve(stage.workdir, w)))
        break
      case 'HEALTHCHECK': {
        const [, options = '', command = ''] = /^((?:--[a-z-]+=\d+s?\s+)*)CMD\s+(.*)$/.exec(args) ?? fail('expected HEALTHCHECK [--option=value ...] CMD <command>')
        const timeout = /--timeout=(\d+)s\b/.exec(options)?.[1]
        stage.healthcheck = { command: parseCommand(command, fail), timeoutSeconds: timeout ? Number(timeout) : undefined }
        break
      }
      case 'CMD':
        stage.cmd = parseCommand(args, fail)
        break
      default:
        fail(`${keyword} is not supported`)
    }
  }
  if (stages.length === 0) throw new Error('Dockerfile has no FROM')
  return stages
}
