import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fromRoot } from '../../src/paths.js'

// Relative links of the docs and the heading anchors GitHub makes, so a moved section cannot leave a dead link.

/** GitHub's heading anchor: lowercase, punctuation dropped (`_` and `-` kept), spaces as `-` */
export const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')

/** the anchors of a markdown file, duplicates numbered as GitHub numbers them */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  let fenced = false
  for (const line of text.split('\n')) {
    if (/^(`{3,}|~{3,})/.test(line)) fenced = !fenced
    const h = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line)
    if (!h) continue
    const base = slug(h[1]!)
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** `[text](target)` links outside code, with their line; absolute URLs left out */
export function relativeLinks(text: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = []
  let fenced = false
  text.split('\n').forEach((line, i) => {
    if (/^(`{3,}|~{3,})/.test(line)) fenced = !fenced
    if (fenced) return
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/i.test(m[1]!)) links.push({ line: i + 1, target: m[1]! })
    }
  })
  return links
}

/** every link of `file` (relative to the root) whose file or anchor does not exist */
export function deadLinks(file: string): string[] {
  const text = readFileSync(fromRoot(file), 'utf8')
  const dead: string[] = []
  for (const { line, target } of relativeLinks(text)) {
    const [rel, anchor] = target.split('#') as [string, string | undefined]
    const targetFile = rel === '' ? file : path.join(path.dirname(file), rel)
    if (!existsSync(fromRoot(targetFile))) {
      dead.push(`${file}:${line}: ${target} (no file ${targetFile})`)
      continue
    }
    if (anchor !== undefined && targetFile.endsWith('.md') && !anchorsOf(readFileSync(fromRoot(targetFile), 'utf8')).has(anchor)) {
      dead.push(`${file}:${line}: ${target} (no heading #${anchor} in ${targetFile})`)
    }
  }
  return dead
}
