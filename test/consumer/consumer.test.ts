import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyDir, copyWorkTree, installedVersion, linkNodeModules, repoPackage, step } from './workspace.js'

// The package as its users get it: `npm pack` of a clean copy of the work tree (prepare builds dist/), installed
// from the tarball into a fresh project beside the official fintoc SDK, Vitest, Jest and TypeScript from the npm
// registry (through the npm cache). Then the same copy installed as a git dependency. CONSUMER_KEEP_TMP=1 keeps
// the temp folder.

const FIXTURE = fileURLToPath(new URL('./fixture/', import.meta.url))
const work = mkdtempSync(path.join(tmpdir(), 'consumer-'))
const packageDir = path.join(work, 'package')
const app = path.join(work, 'app')
const npmInstall = ['npm', 'install', '--no-audit', '--no-fund', '--prefer-offline']
let tarball = ''

beforeAll(async () => {
  copyWorkTree(packageDir)
  // committed before anything is built or linked: the git install clones this
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=consumer-test', '-c', 'user.email=consumer-test@localhost', ...args], { cwd: packageDir, stdio: 'pipe' })
  git('init', '-q')
  git('add', '-A')
  git('commit', '-q', '--no-verify', '-m', 'work tree')
  linkNodeModules(packageDir)
  await step('npm pack (prepare builds dist/)', ['npm', 'pack', '--pack-destination', work], { cwd: packageDir })
  tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!)

  copyDir(FIXTURE, app)
  writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }, null, 2)}\n`)
  const tools = ['fintoc', 'vitest', 'typescript'].map((name) => `${name}@${installedVersion(name)}`)
  // two Jest majors: the CommonJS users the package must serve
  await step('npm install (tarball, fintoc, vitest, typescript, jest 30 and 29)', [...npmInstall, tarball, ...tools, 'jest@30', 'jest29@npm:jest@29'], { cwd: app })
}, 900_000)

afterAll(() => {
  if (process.env.CONSUMER_KEEP_TMP) console.log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
})

describe(`${repoPackage.name} installed from its npm pack tarball`, () => {
  it('ships the builds, types, specs, scenarios, README, docs, licence and changelog, and no sources, tests or source maps', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''))
    for (const needed of ['package.json', 'README.md', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/main.js', 'specs/fintoc.yaml', 'specs/monato-fincore.yaml', 'data/scenarios/default.json', 'data/scenario.schema.json', 'docs/configuration.md', 'LICENSE', 'CHANGELOG.md']) {
      expect(files, needed).toContain(needed)
    }
    expect(files.filter((f) => /^(src|test|scripts|\.ci)\/|\.map$|^tsconfig|\.db\.json$/.test(f))).toEqual([])
  })

  it('works in an ESM project under Vitest with the fintoc SDK', async () => {
    const output = await step('vitest run (ESM, import)', ['node', 'node_modules/vitest/vitest.mjs', 'run'], { cwd: app })
    expect(output).toMatch(/1 passed/)
  })

  it.each([['jest', '30'], ['jest29', '29']])('works in a CommonJS project under Jest %s (require) with the fintoc SDK', async (dir, major) => {
    const output = await step(`jest ${major} (CommonJS, require)`, ['node', `node_modules/${dir}/bin/jest.js`, '--ci'], { cwd: app })
    expect(output).toMatch(/Tests:\s+2 passed, 2 total/)
  })

  it('runs its bin through npx', async () => {
    const output = await step('npx fintoc-monato-mock --version', ['npx', '--no', '--', 'fintoc-monato-mock', '--version'], { cwd: app })
    expect(output).toContain(repoPackage.version)
  })

  it('type-checks under strict tsc with skipLibCheck false (import, require, node10 resolution), typos being errors', async () => {
    const output = await step('tsc --noEmit (skipLibCheck: false, types: [])', ['node', 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--listFiles'], { cwd: app })
    // the .mts file read the import types, the .cts file the require types
    expect(output).toMatch(/fintoc-monato-mock[\\/]dist[\\/]index\.d\.ts/)
    expect(output).toMatch(/fintoc-monato-mock[\\/]dist[\\/]index\.d\.cts/)
    // the public types are spelt out: nothing of zod's (nor express's) is read
    expect(output).not.toMatch(/node_modules[\\/](zod|express|@types)[\\/]/)
    await step('tsc --noEmit, module commonjs and moduleResolution node10', ['node', 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.node10.json'], { cwd: app })
  })
})

describe(`${repoPackage.name} installed as a git dependency`, () => {
  it('is built by its prepare script and loads through import and require', async () => {
    const gitApp = path.join(work, 'git-app')
    mkdirSync(gitApp)
    writeFileSync(path.join(gitApp, 'package.json'), `${JSON.stringify({ name: 'git-app', version: '0.0.0', private: true }, null, 2)}\n`)
    await step('npm install git+file://… (clone, install, prepare)', [...npmInstall, `git+file://${packageDir}`], { cwd: gitApp, timeoutMs: 480_000 })
    const health = "const s = await m.startSandbox(); const r = await fetch(s.url + '/health'); await s.close(); if (r.status !== 200) throw new Error('health ' + r.status)"
    await step('import() the git install', ['node', '--input-type=module', '-e', `const m = await import('fintoc-monato-mock'); ${health}`], { cwd: gitApp })
    await step('require() the git install', ['node', '-e', `(async () => { const m = require('fintoc-monato-mock'); ${health} })().catch((e) => { console.error(e); process.exit(1) })`], { cwd: gitApp })
  }, 600_000)
})
