import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import { hostEnv, REPO, runCommand } from '../helpers/child-run.js'

// Temp folders for the consumer test: a copy of the work tree to pack, projects to install into, and commands whose
// output is printed whenever they fail.

export const repoPackage = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string }

/** the version installed in the repo, so the consumer gets what the repo's own tests use (and the npm cache has) */
export const installedVersion = (name: string): string => (JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version

/** What a clean checkout holds (tracked and new, not ignored files): no dist/, so packing must build it. */
export function copyWorkTree(dest: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).split('\0')
  for (const file of new Set(listed)) {
    if (file === '') continue
    mkdirSync(path.dirname(path.join(dest, file)), { recursive: true })
    try {
      copyFileSync(path.join(REPO, file), path.join(dest, file))
    } catch (err) {
      // listed by git but deleted in the work tree
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
}

/** `prepare` needs the dev dependencies (tsc, esbuild): the repo's, linked rather than installed again */
export const linkNodeModules = (dir: string) => symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir')

export function copyDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true })
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyDir(path.join(from, entry.name), path.join(to, entry.name))
    else copyFileSync(path.join(from, entry.name), path.join(to, entry.name))
  }
}

const NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|UNABLE_TO_GET_ISSUER_CERT\w*|SELF_SIGNED_CERT\w*)\b/

/** Runs a step to completion; a failure throws with the step's whole output (the last 20,000 characters). */
export async function step(what: string, argv: string[], options: { cwd: string; timeoutMs?: number; env?: Record<string, string> }): Promise<string> {
  const started = performance.now()
  // the host's environment without the outer run's npm_*, VITEST and node_modules/.bin
  const result = await runCommand(argv, { cwd: options.cwd, env: { ...hostEnv(), ...options.env }, timeoutMs: options.timeoutMs ?? 240_000 })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  if (result.code === 0) {
    console.log(`${seconds.padStart(6)} s  ${what}`)
    return result.output
  }
  // one clear line when the npm registry is out of reach; the output still goes to the log
  const network = argv[0] === 'npm' ? NETWORK.exec(result.output) : null
  if (network) {
    console.error(result.output)
    throw new Error(`${what}: the npm registry is unreachable (${network[1]}); the consumer test installs fintoc, vitest, jest and typescript from it`)
  }
  throw new Error(`${what} failed (exit ${result.code}, ${seconds} s): ${argv.join(' ')}\n${result.output}`)
}
