import { readFileSync } from 'node:fs'

// What the image promises its users, checked on facts read off the built image. An empty list means it holds.

export interface ImageFacts {
  user: string
  entrypoint: string[]
  cmd: string[]
  env: Record<string, string>
  exposed: string[]
  /** Config.Healthcheck.Test: ["CMD", ...] in exec form */
  healthcheck: string[]
  volumes: string[]
  labels: Record<string, string>
  /** each layer's CreatedBy, newest first */
  history: string[]
  /** files under /app, outside node_modules, relative to /app */
  files: string[]
  /** installed packages as package-lock.json names them: node_modules/a, node_modules/a/node_modules/@s/b */
  packages: string[]
  /** names in /app/node_modules/.bin */
  bins: string[]
}

export interface PackageFacts {
  version: string
  license: string
  /** https URL of the repository, from package.json "repository" */
  repository: string
  /** scripts.start: the node flags the image must run with too */
  start: string
  prodPackages: string[]
  devPackages: string[]
}

/** package.json "repository" as the https URL an OCI source label holds */
export const repositoryUrl = (repository: unknown): string => {
  const url = typeof repository === 'string' ? repository : ((repository as { url?: string } | undefined)?.url ?? '')
  return url.replace(/^git\+/, '').replace(/\.git$/, '')
}

export function packageFacts(root: URL): PackageFacts {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string; license: string; repository?: unknown; scripts: Record<string, string> }
  const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }> }
  const entries = Object.entries(lock.packages).filter(([name]) => name !== '')
  return {
    version: pkg.version,
    license: pkg.license,
    repository: repositoryUrl(pkg.repository),
    start: pkg.scripts.start ?? '',
    // optional ones (other platforms' binaries) may rightly be missing
    prodPackages: entries.filter(([, p]) => !p.dev && !p.optional && !p.devOptional).map(([name]) => name),
    devPackages: entries.filter(([, p]) => p.dev).map(([name]) => name),
  }
}

const DEV_TOOLS = ['tsc', 'tsserver', 'tsx', 'vitest', 'biome', 'esbuild', 'prism', 'autocannon']
const NOT_SHIPPED = [/^src\//, /^test\//, /^scripts\//, /^docs\//, /^bench\//, /^coverage\//, /^\.git\//, /^tsconfig.*\.json$/, /^vitest.*\.ts$/, /^Dockerfile$/, /\.map$/, /(?<!\.d)\.ts$/, /\.test\.[cm]?[jt]s$/]
const SHIPPED = ['package.json', 'dist/main.js', 'data/scenarios/default.json', '.embedded/data/scenarios/default.json']

export function imageProblems(image: ImageFacts, pkg: PackageFacts): string[] {
  const problems: string[] = []
  const user = image.user.split(':')[0] ?? ''
  if (user === '' || user === 'root' || user === '0') problems.push(`runs as root: USER is ${image.user || 'not set'}`)
  if (image.cmd[0] !== 'node') problems.push(`CMD must start node directly (exec form, node is PID 1): ${image.cmd.join(' ')}`)
  if (!image.cmd.includes('dist/main.js')) problems.push(`CMD does not run dist/main.js: ${image.cmd.join(' ')}`)
  const entry = image.entrypoint.join(' ')
  if (entry !== '' && !/docker-entrypoint\.sh$/.test(entry)) problems.push(`ENTRYPOINT ${entry} may not exec node`)
  if (image.env.HOST !== '0.0.0.0') problems.push(`HOST must be 0.0.0.0, is ${image.env.HOST ?? 'not set'}: 127.0.0.1 is unreachable from outside the container`)
  if (image.env.PORT !== '4010') problems.push(`PORT must be 4010, is ${image.env.PORT ?? 'not set'}`)
  if (image.env.NODE_ENV !== 'production') problems.push(`NODE_ENV must be production, is ${image.env.NODE_ENV ?? 'not set'}`)
  const options = (image.env.NODE_OPTIONS ?? '').split(/\s+/)
  for (const flag of pkg.start.split(/\s+/).filter((w) => w.startsWith('--'))) {
    if (!options.includes(flag) && !image.cmd.includes(flag)) problems.push(`npm start runs node with ${flag}, the image neither in NODE_OPTIONS nor in CMD`)
  }
  if (!image.exposed.includes('4010/tcp')) problems.push(`does not EXPOSE 4010: ${image.exposed.join(', ') || 'nothing'}`)
  const hc = image.healthcheck.join(' ')
  if (image.healthcheck[0] !== 'CMD') problems.push(`HEALTHCHECK must be in exec form: ${hc || 'none'}`)
  if (!hc.includes('/health')) problems.push(`HEALTHCHECK does not probe /health: ${hc || 'none'}`)
  // node:*-alpine has neither
  if (/\b(curl|wget)\b/.test(hc)) problems.push(`HEALTHCHECK needs curl or wget, which the base image lacks: ${hc}`)
  for (const v of image.volumes) if ('/app/data/'.startsWith(`${v.replace(/\/$/, '')}/`)) problems.push(`VOLUME ${v} hides the shipped scenarios`)
  const labels: [string, string][] = [
    ['org.opencontainers.image.source', pkg.repository],
    ['org.opencontainers.image.version', pkg.version],
    ['org.opencontainers.image.licenses', pkg.license],
  ]
  for (const [key, want] of labels) if (image.labels[key] !== want) problems.push(`label ${key} is ${image.labels[key] ?? 'not set'}, package.json says ${want}`)
  // multi-stage: installing and compiling happen in the build stage, whose layers the final image does not carry
  for (const step of image.history) if (/npm (ci|install|run build|prune)|COPY .*\bsrc\b/.test(step)) problems.push(`a layer of the final image was built by: ${step.trim()}`)
  for (const file of image.files) if (NOT_SHIPPED.some((re) => re.test(file))) problems.push(`ships ${file}`)
  for (const file of SHIPPED) if (!image.files.includes(file)) problems.push(`does not ship ${file}`)
  if (!image.files.some((f) => /^specs\/.+\.ya?ml$/.test(f))) problems.push('ships no spec')
  const installed = new Set(image.packages)
  const dev = pkg.devPackages.filter((p) => installed.has(p))
  if (dev.length > 0) problems.push(`ships ${dev.length} dev-only package(s): ${dev.slice(0, 5).join(', ')}${dev.length > 5 ? '…' : ''}`)
  const missing = pkg.prodPackages.filter((p) => !installed.has(p))
  if (missing.length > 0) problems.push(`lacks ${missing.length} production package(s): ${missing.slice(0, 5).join(', ')}`)
  for (const bin of image.bins) if (DEV_TOOLS.includes(bin)) problems.push(`ships the dev tool ${bin}`)
  return problems
}
