import { execFileSync } from 'node:child_process'
import { readdirSync, rmSync, unlinkSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleCjs } from './package/cjs-bundle.mjs'
import { writeCjsTypes } from './package/cjs-types.mjs'
import { writeScenarioType } from './package/scenario-type.mjs'

// What `prepare` runs (npm install from git or a folder, npm pack, npm publish): a clean dist/ with the ESM build
// (npm run build), a CommonJS bundle for require() and the declaration files a consumer's tsc reads.

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = path.join(root, 'dist')
const started = performance.now()

// a file left from a removed source would ship
rmSync(dist, { recursive: true, force: true })
const npm = process.env.npm_execpath
execFileSync(npm ? process.execPath : 'npm', [...(npm ? [npm] : []), 'run', 'build'], { cwd: root, stdio: 'inherit' })
const { external, bundled } = await bundleCjs(root)
writeScenarioType(root, dist)
const types = writeCjsTypes(dist)

// declarations outside the public API would import what only the dev dependencies type (express)
const keep = new Set(types)
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
for (const file of walk(dist)) {
  const rel = path.relative(dist, file)
  if (rel.endsWith('.d.ts') && !keep.has(rel)) unlinkSync(file)
}
console.log(`dist/ built in ${((performance.now() - started) / 1000).toFixed(1)} s: ESM, index.cjs (bundled: ${bundled.join(', ')}; external: ${external.join(', ')}), types ${types.join(', ')}`)
