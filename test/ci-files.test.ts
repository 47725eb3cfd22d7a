import { readdirSync, readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { fromRoot } from '../src/paths.js'

// Issue #16 item 4: the workflows that will test and release the repository once it is public, checked for the jobs,
// steps and permissions they need; the image name comes from package.json alone; the shipped scenarios say when their
// webhook addresses are wrong inside a container.

const read = (file: string) => readFileSync(fromRoot(file), 'utf8')

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
  id?: string
}
interface Job {
  uses?: string
  needs?: string | string[]
  permissions?: Record<string, string>
  strategy?: { matrix?: Record<string, unknown[]> }
  steps?: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, Job>
}

const workflow = (name: string) => parse(read(`.github/workflows/${name}`)) as Workflow
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps ?? [])
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run ? [s.run] : []))
const needs = (j: Job | undefined) => [j?.needs ?? []].flat()
/** a GitHub Actions expression as the workflow writes it */
const gh = (expression: string) => `\${{ ${expression} }}`
const pkg = JSON.parse(read('package.json')) as { version: string; license: string; repository: { url: string }; config: { image: string } }

describe('.github/workflows/ci.yml', () => {
  const ci = workflow('ci.yml')

  it('runs on pushes, pull requests and for the release, reading the repository only', () => {
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push', 'workflow_call'])
    expect(ci.permissions).toEqual({ contents: 'read' })
  })

  it('runs every npm script .ci/run runs', () => {
    const local = [...read('.ci/run').matchAll(/(?:^|\s)npm (?:run ([\w:-]+)|(test))\b/gm)].map((m) => m[1] ?? m[2]!)
    // far fewer would mean the pattern lost them
    expect(local.length).toBeGreaterThanOrEqual(6)
    const remote = runs(ci).join('\n')
    expect(local.filter((script) => !new RegExp(script === 'test' ? /\bnpm test\b/.source : `\\bnpm run ${script}\\b`).test(remote))).toEqual([])
  })

  it('tests on the oldest Node package.json allows and on the image\'s Node 24', () => {
    expect(ci.jobs.test?.strategy?.matrix?.node).toEqual([20, 24])
    expect(read('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:24-alpine$/m)
  })
})

describe('.github/workflows/release.yml', () => {
  const release = workflow('release.yml')
  const { check, names, image, npm } = release.jobs

  it('runs on version tags, after the checks of ci.yml, with read-only defaults', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
    expect(release.permissions).toEqual({ contents: 'read' })
    expect(check?.uses).toBe('./.github/workflows/ci.yml')
    for (const job of [image, npm]) expect(needs(job)).toEqual(expect.arrayContaining(['check', 'names']))
  })

  it('refuses a tag that is not package.json\'s version and an image name that is not config.image', () => {
    const script = names?.steps?.find((s) => s.id === 'names')?.run ?? ''
    expect(script).toContain('"$GITHUB_REF_NAME" = "v$version"')
    expect(script).toContain(`"$image" = "ghcr.io/\${GITHUB_REPOSITORY,,}"`)
    expect(script).toContain('require("./package.json").config.image')
  })

  it('pushes a multi-arch image to GHCR with OCI labels', () => {
    expect(image?.permissions).toMatchObject({ contents: 'read', packages: 'write', 'id-token': 'write' })
    const uses = (prefix: string) => image?.steps?.find((s) => s.uses?.startsWith(prefix))
    expect(uses('docker/login-action@')?.with?.registry).toBe('ghcr.io')
    expect(uses('docker/setup-qemu-action@')).toBeDefined()
    expect(uses('docker/metadata-action@')?.with?.images).toBe(gh('needs.names.outputs.image'))
    expect(String(uses('docker/metadata-action@')?.with?.labels)).toContain(`org.opencontainers.image.licenses=${pkg.license}`)
    const build = uses('docker/build-push-action@')?.with ?? {}
    expect(String(build.platforms).split(',').sort()).toEqual(['linux/amd64', 'linux/arm64'])
    expect(build).toMatchObject({ push: true, labels: gh('steps.meta.outputs.labels'), tags: gh('steps.meta.outputs.tags') })
  })

  it('publishes to npm with provenance', () => {
    expect(npm?.permissions).toMatchObject({ contents: 'read', 'id-token': 'write' })
    expect(runs({ ...release, jobs: { npm: npm! } }).some((r) => /^npm publish --provenance\b/.test(r))).toBe(true)
  })
})

describe('the image name', () => {
  // https://github.com/<owner>/<name>
  const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')
  const [owner, name] = new URL(repository).pathname.slice(1).split('/')

  it('is package.json config.image: ghcr.io/<owner>/<name> of package.json repository', () => {
    expect(pkg.config.image).toBe(`ghcr.io/${owner!.toLowerCase()}/${name!.toLowerCase()}`)
    expect(read('Dockerfile')).toContain(`org.opencontainers.image.source="${repository}"`)
    expect(read('Dockerfile')).toMatch(new RegExp(`^ARG VERSION=${pkg.version.replaceAll('.', '\\.')}$`, 'm'))
  })

  it('is the only one the docs give, and no repository address there is a placeholder', () => {
    const docs = ['README.md', ...readdirSync(fromRoot('docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'))
    const wrong = docs.flatMap((file) =>
      [...read(file).matchAll(/ghcr\.io\/[\w.-]+\/[\w.-]+|github\.com\/[\w.-]+\/fintoc-monato-mock/g)]
        .map((m) => m[0])
        .filter((ref) => ref !== pkg.config.image && ref !== `github.com/${owner}/${name}`)
        .map((ref) => `${file}: ${ref}`),
    )
    expect(wrong).toEqual([])
  })
})

describe('the shipped scenarios', () => {
  it('say when a webhook address of theirs is wrong inside a container, and docs/ci.md names them', () => {
    const ci = read('docs/ci.md')
    const files = readdirSync(fromRoot('data/scenarios')).filter((f) => f.endsWith('.json'))
    const loopback = files.filter((f) => /"url":\s*"https?:\/\/(127\.\d+\.\d+\.\d+|localhost)[:/]/.test(read(`data/scenarios/${f}`)))
    // fintoc-funded.json and monato-two-accounts.json today: a scan that finds none would pass vacuously
    expect(loopback.length).toBeGreaterThanOrEqual(2)
    for (const file of loopback) {
      expect((JSON.parse(read(`data/scenarios/${file}`)) as { description: string }).description, file).toMatch(/container/)
      expect(ci, file).toContain(`\`${file}\``)
    }
  })
})
