import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Commands run as a user of the repository would run them: this machine's tools, not the repo's node_modules/.bin.

export const REPO = fileURLToPath(new URL('../../', import.meta.url))

/**
 * What a command may see of this machine: PATH without the repo's node_modules/.bin (it must not find tsc there),
 * HOME, locale, and the CA and proxy settings npm needs to reach the registry (without NODE_EXTRA_CA_CERTS npm under
 * Node 24 is very slow here). Not NODE_ENV=test or VITEST.
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

/** Runs a command to completion (an argv directly, a string with `sh -c`), killed after timeoutMs. */
export function runCommand(command: string[] | string, options: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<RunResult> {
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
