import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSandbox, startSandbox } from '../src/index.js'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import { parseScenario } from '../src/scenario/load.js'
import { type DocBlock, docFiles, RUNNABLE_LANGS, readDocBlocks } from './helpers/doc-blocks.js'
import { blockFileName, isVitestFile, pointAt, prepareWorkDir, type RunResult, runBlock, typeCheck, writeBlock } from './helpers/doc-run.js'

// Issue #15: every code block of README.md and docs/ says whether it runs, and the runnable ones run, against a
// sandbox started here (docs/development.md, "How the docs are tested"). An example that stops working fails CI.

const blocks = docFiles().flatMap(readDocBlocks)
const where = (b: DocBlock) => `${b.file}:${b.line}`
const runnable = blocks.filter((b) => b.marker?.kind === 'runnable')
const fileBlocks = runnable.filter((b) => b.lang === 'ts' || b.lang === 'js')
const tsBlocks = runnable.filter((b) => b.lang === 'ts')

describe('code blocks of README.md and docs/', () => {
  it('each carries a marker: <!-- runnable -->, <!-- scenario --> or <!-- not runnable: why -->', () => {
    const unmarked = blocks.filter((b) => !b.marker).map((b) => `${where(b)} (${b.lang || 'no language'})`)
    expect(unmarked, 'put a marker on the line before each of these fences').toEqual([])
  })

  it('runnable blocks are in a language the test runs; scenario blocks are JSON', () => {
    const wrong = blocks
      .filter((b) => (b.marker?.kind === 'runnable' && !(RUNNABLE_LANGS as readonly string[]).includes(b.lang)) || (b.marker?.kind === 'scenario' && b.lang !== 'json'))
      .map((b) => `${where(b)}: ${b.marker?.kind} ${b.lang || '(no language)'}`)
    expect(wrong).toEqual([])
  })

  it('the README runs its own examples: startSandbox, curl, the Node SDK and a Monato client', () => {
    const readme = runnable.filter((b) => b.file === 'README.md')
    expect(readme.some((b) => b.lang === 'ts' && b.code.includes('startSandbox('))).toBe(true)
    expect(readme.some((b) => b.lang === 'sh' && b.code.includes('curl'))).toBe(true)
    expect(readme.some((b) => b.lang === 'js' && b.code.includes("require('fintoc')"))).toBe(true)
    expect(readme.some((b) => b.code.includes('/monato'))).toBe(true)
    // far fewer would mean the parser or the markers lost them
    expect(runnable.length).toBeGreaterThanOrEqual(12)
  })

  it('scenario examples pass the scenario loader and the published JSON Schema', () => {
    const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
    const validate = addFormats(new Ajv2020({ strict: false })).compile(JSON.parse(readFileSync(fromRoot('data/scenario.schema.json'), 'utf8')))
    const scenarios = blocks.filter((b) => b.marker?.kind === 'scenario')
    expect(scenarios.length).toBeGreaterThanOrEqual(3)
    const problems: string[] = []
    for (const b of scenarios) {
      let json: unknown
      try {
        json = JSON.parse(b.code)
      } catch (err) {
        problems.push(`${where(b)}: not JSON: ${(err as Error).message}`)
        continue
      }
      try {
        parseScenario(defaultModules, json, where(b))
      } catch (err) {
        problems.push((err as Error).message)
      }
      if (!validate(json)) problems.push(`${where(b)}: JSON Schema: ${JSON.stringify(validate.errors)}`)
    }
    expect(problems).toEqual([])
  })
})

describe('runnable blocks', () => {
  let sandbox: RunningSandbox
  let typeErrors: Promise<string[]>
  // each block with the test's address in place of the documented one
  const pointed = new Map<DocBlock, string>()
  // a block that cannot be pointed at this sandbox fails its own test, not the others
  const unpointable = new Map<DocBlock, string>()
  const started = new Map<DocBlock, Promise<RunResult>>()

  beforeAll(async () => {
    sandbox = await startSandbox()
    for (const b of runnable) {
      try {
        pointed.set(b, pointAt(b.code, sandbox.url))
      } catch (err) {
        unpointable.set(b, (err as Error).message)
      }
    }
    const checked = tsBlocks.filter((b) => pointed.has(b))
    prepareWorkDir(checked.map(blockFileName))
    // written once: tsc checks exactly what runs
    for (const b of fileBlocks) if (pointed.has(b)) writeBlock(b, pointed.get(b)!)
    // these run beside the other blocks, each awaited by its own test: a test file starts its own sandbox
    typeErrors = typeCheck(checked, 110_000)
    for (const b of runnable) if (isVitestFile(b) && pointed.has(b)) started.set(b, runBlock(b, pointed.get(b)!, 100_000))
  })
  afterAll(() => sandbox?.close())

  // the test files, started in beforeAll, last: the other blocks run while they do
  for (const b of [...runnable].sort((x, y) => Number(isVitestFile(x)) - Number(isVitestFile(y)))) {
    it(`${where(b)} (${b.lang}) runs`, async () => {
      const problem = unpointable.get(b)
      if (problem) expect.fail(`${where(b)}: ${problem}`)
      // every block starts from the loaded scenarios, whatever the one before it did
      if (!started.has(b)) await sandbox.reset()
      const result = await (started.get(b) ?? runBlock(b, pointed.get(b)!, 50_000))
      if (result.code !== 0) expect.fail(`${where(b)}: the ${b.lang} block exited with ${result.code}; its output:\n${result.output}`)
    }, 110_000)
  }

  it('TypeScript blocks type-check (strict)', async () => {
    expect(await typeErrors).toEqual([])
  }, 120_000)
})
