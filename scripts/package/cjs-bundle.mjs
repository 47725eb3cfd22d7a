import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { build } from 'esbuild'

// The CommonJS entry (dist/index.cjs) for require() and Jest in CommonJS mode, which cannot load ES modules:
// src/index.ts bundled with every dependency that loads an ES module anywhere below it (lowdb, jose, swagger-parser's
// ref parser); the dependencies that are CommonJS all the way down stay external.

const require = createRequire(import.meta.url)
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/')

/**
 * Keeps a bare import external when it names one of `external` and resolves, from its importer, to the copy this
 * package's own dependency resolves to (a bundled dependency needing another version of it gets that bundled).
 */
function externals(root, external) {
  return {
    name: 'package-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || !external.has(packageName(args.path))) return undefined
        const from = (dir) => {
          try {
            return require.resolve(args.path, { paths: [dir] })
          } catch {
            return undefined
          }
        }
        const ours = from(root)
        return ours !== undefined && from(args.resolveDir) === ours ? { path: args.path, external: true } : undefined
      })
    },
  }
}

/** in the probe, the sources' imports of packages resolve as the bundle's require() calls will (zod: index.cjs) */
const resolveAsRequire = {
  name: 'resolve-as-require',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.kind === 'require-call' || args.path.startsWith('node:') || args.pluginData === 'again' || args.importer.includes('node_modules')) return undefined
      const result = await b.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir, importer: args.importer, pluginData: 'again' })
      return result.errors.length > 0 ? undefined : { path: result.path, external: result.external }
    })
  },
}

/** the dependencies whose require() loads an ES module somewhere, read from a build that bundles them all */
function needingBundle(metafile, names) {
  const { inputs } = metafile
  const entries = new Map(names.map((name) => [name, []]))
  for (const input of Object.values(inputs)) for (const i of input.imports) if (!i.external) entries.get(packageName(i.original ?? ''))?.push(i.path)
  const loadsEsm = (starts) => {
    const stack = [...starts]
    const seen = new Set()
    while (stack.length > 0) {
      const file = stack.pop()
      if (seen.has(file) || !inputs[file]) continue
      seen.add(file)
      if (inputs[file].format === 'esm') return true
      for (const i of inputs[file].imports) if (!i.external) stack.push(i.path)
    }
    return false
  }
  return names.filter((name) => loadsEsm(entries.get(name)))
}

export async function bundleCjs(root) {
  const names = Object.keys(readJson(path.join(root, 'package.json')).dependencies ?? {})
  const options = {
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    outfile: 'dist/index.cjs',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // what require() in Node and Jest resolves: the require, node and default conditions (esbuild adds module)
    conditions: [],
    // Jest runs CommonJS in a vm context where import() fails without --experimental-vm-modules: require() instead
    supported: { 'dynamic-import': false },
    // src/paths.ts finds the package root from import.meta.url: in the bundle, that of dist/index.cjs
    define: { 'import.meta.url': '__packageModuleUrl' },
    banner: { js: 'const __packageModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning',
  }
  const probe = await build({ ...options, write: false, metafile: true, logLevel: 'silent', plugins: [resolveAsRequire] })
  const bundled = needingBundle(probe.metafile, names)
  const external = new Set(names.filter((name) => !bundled.includes(name)))
  const result = await build({ ...options, plugins: [externals(root, external)] })
  // a warning here (e.g. another import.meta use) would be a broken require() at run time
  if (result.warnings.length > 0) throw new Error(`esbuild warned ${result.warnings.length} time(s): see above`)
  return { external: [...external], bundled }
}
