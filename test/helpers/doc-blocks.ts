import { readdirSync, readFileSync } from 'node:fs'
import { fromRoot } from '../../src/paths.js'

// The fenced code blocks of README.md and docs/*.md, each with the marker on the line before its fence:
//   <!-- runnable -->              run by test/docs-examples.test.ts (sh/bash, ts, js)
//   <!-- scenario -->              a scenario document (json), validated against the scenario schema
//   <!-- not runnable: <reason> --> shown only (Docker, Python, YAML, sample output…)

export type Marker = { kind: 'runnable' } | { kind: 'scenario' } | { kind: 'not-runnable'; reason: string }

export interface DocBlock {
  /** path relative to the repository root, e.g. `docs/fintoc.md` */
  file: string
  /** 1-based line of the opening fence */
  line: number
  /** the info string's first word (`sh`, `ts`…), '' when none */
  lang: string
  code: string
  /** undefined: no marker, or one this parser does not know */
  marker: Marker | undefined
}

export const RUNNABLE_LANGS = ['sh', 'bash', 'ts', 'js'] as const

const FENCE = /^(`{3,}|~{3,})\s*([^\s`]*)/
const MARKER = /^<!--\s*(runnable|scenario|not runnable:\s*(\S.*?))\s*-->\s*$/

/** README.md first, then docs/*.md in name order */
export function docFiles(): string[] {
  const docs = readdirSync(fromRoot('docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
  return ['README.md', ...docs.map((f) => `docs/${f}`)]
}

export function parseMarker(line: string | undefined): Marker | undefined {
  const m = MARKER.exec(line?.trim() ?? '')
  if (!m) return undefined
  if (m[1] === 'runnable') return { kind: 'runnable' }
  if (m[1] === 'scenario') return { kind: 'scenario' }
  return { kind: 'not-runnable', reason: m[2]! }
}

export function parseDocBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n')
  const blocks: DocBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!)
    if (!open) continue
    const fence = open[1]!
    // a closing fence: the same character, at least as many times, nothing else
    const closes = (l: string) => l.trim().length >= fence.length && l.trim() === fence.charAt(0).repeat(l.trim().length)
    let end = i + 1
    while (end < lines.length && !closes(lines[end]!)) end++
    blocks.push({ file, line: i + 1, lang: open[2]!.toLowerCase(), code: lines.slice(i + 1, end).join('\n'), marker: parseMarker(lines[i - 1]) })
    i = end
  }
  return blocks
}

export function readDocBlocks(file: string): DocBlock[] {
  return parseDocBlocks(file, readFileSync(fromRoot(file), 'utf8'))
}
