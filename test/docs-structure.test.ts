import { usage } from '../src/cli/usage.js'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FLAGS } from '../src/config-flags.js'
import { fromRoot } from '../src/paths.js'
import { ScenarioSettingsSchema } from '../src/scenario/load.js'
import { docFiles } from './helpers/doc-blocks.js'
import { anchorsOf, deadLinks } from './helpers/doc-links.js'

// Issue #15: the README is a front page that links into docs/, and the configuration table cannot fall behind the code.

const read = (file: string) => readFileSync(fromRoot(file), 'utf8')

/** the settings the code reads from the environment: the flags' env vars and every key of a schema given to readEnv */
function settingsInCode(): string[] {
  const names = new Set<string>(FLAGS.flatMap((f) => ('env' in f ? [f.env] : [])))
  for (const key of Object.keys(ScenarioSettingsSchema.shape)) names.add(key)
  const files = readdirSync(fromRoot('src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  for (const file of files) {
    const text = read(path.join('src', file))
    // only files that read the environment through readEnv; their schema keys are the variable names
    if (!/\breadEnv\(/.test(text) || file.endsWith(`core${path.sep}env.ts`)) continue
    for (const m of text.matchAll(/^\s+([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+):/gm)) names.add(m[1]!)
  }
  return [...names].sort()
}

describe('documentation structure', () => {
  it('the README is a front page: under 15 KB, with a table of contents', () => {
    expect(statSync(fromRoot('README.md')).size).toBeLessThan(15 * 1024)
    const readme = read('README.md')
    const contents = readme.slice(readme.indexOf('## Contents'), readme.indexOf('\n## ', readme.indexOf('## Contents') + 1))
    const anchors = anchorsOf(readme)
    const listed = [...contents.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!)
    expect(listed.length).toBeGreaterThan(5)
    expect(listed.filter((a) => !anchors.has(a))).toEqual([])
  })

  it('links into docs/ every page there', () => {
    const readme = read('README.md')
    const pages = docFiles().filter((f) => f !== 'README.md')
    expect(pages.filter((p) => !readme.includes(`](${p})`))).toEqual([])
  })

  it('every relative link and anchor resolves', () => {
    expect([...docFiles(), 'CHANGELOG.md'].flatMap(deadLinks)).toEqual([])
  })

  it('the configuration table names every setting the code reads', () => {
    const table = read('docs/configuration.md')
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .join('\n')
    const names = settingsInCode()
    // a scan that finds almost nothing would pass vacuously
    expect(names.length).toBeGreaterThan(30)
    expect(names.filter((n) => !table.includes(`\`${n}\``))).toEqual([])
  })

  it('LICENSE is the MIT licence package.json declares', () => {
    expect(JSON.parse(read('package.json')).license).toBe('MIT')
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} fintoc-monato-mock contributors\n/)
  })

  it('the usage text in docs/configuration.md is what --help prints', () => {
    const doc = read('docs/configuration.md')
    const start = doc.indexOf('```text\nUsage: fintoc-monato-mock')
    expect(start).toBeGreaterThan(0)
    const block = doc.slice(start + '```text\n'.length, doc.indexOf('\n```', start + 1))
    expect(block).toBe(usage().trimEnd())
  })
})
