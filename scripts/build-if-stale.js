#!/usr/bin/env node
// prestart: builds dist/ only when a source is newer than its output (a full tsc takes 6-10 s and needs the dev
// dependencies), and builds nothing where there is no src/ to build from (an installed package, the image).
// `--check` only says whether dist/ is current: exit 0 if so, 1 with the reason if not.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const src = path.join(root, 'src')
const dist = path.join(root, 'dist')

/** why dist/ is out of date, or null */
function staleness() {
  const configs = ['tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(root, f)).filter((f) => existsSync(f))
  const configTime = Math.max(0, ...configs.map((f) => statSync(f).mtimeMs))
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue
    const source = path.join(entry.parentPath, entry.name)
    const rel = path.relative(src, source)
    const built = statSync(path.join(dist, rel.replace(/\.ts$/, '.js')), { throwIfNoEntry: false })
    if (!built) return `dist/ has no output for src/${rel}`
    if (statSync(source).mtimeMs > built.mtimeMs) return `src/${rel} changed since the last build`
    if (configTime > built.mtimeMs) return 'a tsconfig changed since the last build'
  }
  return null
}

if (!existsSync(src)) process.exit(0)
const why = staleness()
if (process.argv.includes('--check')) {
  if (why) console.error(why)
  process.exit(why ? 1 : 0)
}
if (!why) process.exit(0)
if (!existsSync(path.join(root, 'node_modules', 'typescript'))) {
  console.error(`fintoc-monato-mock: dist/ is out of date (${why}) and TypeScript is not installed: run npm ci first`)
  process.exit(1)
}
console.error(`fintoc-monato-mock: dist/ is out of date (${why}): building`)
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
process.exit(build.status ?? 1)
