import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

// The types of the CommonJS entry: dist/index.d.ts and the declarations it imports, copied as .d.cts files whose
// relative imports name .cjs, so TypeScript reads them as CommonJS where a consumer require()s the package.

const RELATIVE = /(from\s+|import\(\s*)(['"])(\.\.?\/[^'"]+)\.js\2/g

/** writes a .d.cts beside every declaration file reachable from `entry`; returns them, relative to `dir` */
export function writeCjsTypes(dir, entry = 'index.d.ts') {
  const written = []
  const pending = [entry]
  const seen = new Set()
  while (pending.length > 0) {
    const file = pending.pop()
    if (seen.has(file)) continue
    seen.add(file)
    const full = path.join(dir, file)
    if (!existsSync(full)) throw new Error(`${file} is imported by a declaration file but was not emitted`)
    const text = readFileSync(full, 'utf8')
    for (const m of text.matchAll(RELATIVE)) pending.push(path.join(path.dirname(file), `${m[3]}.d.ts`))
    const cts = file.replace(/\.d\.ts$/, '.d.cts')
    writeFileSync(path.join(dir, cts), text.replace(RELATIVE, '$1$2$3.cjs$2'))
    written.push(file, cts)
  }
  return written.sort()
}
