import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ImageFacts, imageProblems, type PackageFacts, packageFacts } from './image-contract.js'
import { imageFacts, imageSize } from './image-facts.js'
import { IMAGE, removeContainers } from './podman.js'

// Issue #16 item 2: the image built from the Dockerfile is multi-stage, production dependencies only, no dev tooling
// or test files, non-root, node as PID 1 (exec-form CMD), labelled; each check shown able to fail on a mutated copy.

const pkg: PackageFacts = packageFacts(new URL('../../', import.meta.url))
const base = process.env.NODE_IMAGE ?? 'localhost/node24-standin'
let facts: ImageFacts

beforeAll(async () => {
  facts = await imageFacts(base)
})

afterAll(async () => {
  await removeContainers()
})

describe(`${IMAGE}, inspected`, () => {
  it('keeps the image contract', () => {
    // a listing that found almost nothing would pass vacuously
    expect(facts.packages.length).toBeGreaterThan(50)
    expect(facts.files.length).toBeGreaterThan(20)
    // the Dockerfile's runtime stage: LABEL, WORKDIR, ENV, COPY…, USER, EXPOSE, HEALTHCHECK, CMD
    expect(facts.history.length).toBeGreaterThanOrEqual(10)
    expect(imageProblems(facts, pkg)).toEqual([])
  })

  it.each<[string, (f: ImageFacts) => ImageFacts, RegExp]>([
    ['root user', (f) => ({ ...f, user: '' }), /runs as root/],
    ['shell-form CMD', (f) => ({ ...f, cmd: ['/bin/sh', '-c', 'node dist/main.js'] }), /CMD must start node directly/],
    ['HOST on loopback', (f) => ({ ...f, env: { ...f.env, HOST: '127.0.0.1' } }), /HOST must be 0\.0\.0\.0/],
    ['no heap cap', (f) => ({ ...f, env: { ...f.env, NODE_OPTIONS: '' } }), /--max-old-space-size=1536/],
    ['no young-generation floor', (f) => ({ ...f, cmd: f.cmd.filter((a) => !a.startsWith('--min-semi')) }), /--min-semi-space-size=16/],
    ['curl health check', (f) => ({ ...f, healthcheck: ['CMD', 'curl', '-f', 'http://127.0.0.1:4010/health'] }), /curl or wget/],
    ['VOLUME /app/data', (f) => ({ ...f, volumes: ['/app/data'] }), /hides the shipped scenarios/],
    ['no licence label', (f) => ({ ...f, labels: { ...f.labels, 'org.opencontainers.image.licenses': '' } }), /licenses is/],
    ['single stage', (f) => ({ ...f, history: ['/bin/sh -c npm ci --no-audit', ...f.history] }), /built by: \/bin\/sh -c npm ci/],
    ['sources shipped', (f) => ({ ...f, files: [...f.files, 'src/main.ts', 'test/store.test.ts'] }), /ships src\/main\.ts/],
    ['dev dependencies', (f) => ({ ...f, packages: [...f.packages, 'node_modules/vitest'], bins: [...f.bins, 'vitest'] }), /dev-only package.*vitest[\s\S]*dev tool vitest/],
    ['no scenarios', (f) => ({ ...f, files: f.files.filter((x) => !x.startsWith('data/')) }), /does not ship data\/scenarios\/default\.json/],
  ])('notices a broken image: %s', (_name, mutate, expected) => {
    expect(imageProblems(mutate(facts), pkg).join('\n')).toMatch(expected)
  })

  it('prints its size; the application adds little to its base', async () => {
    const [size, baseSize] = await Promise.all([imageSize(IMAGE), imageSize(base)])
    const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`
    console.log(`image ${IMAGE}: ${mb(size)} (base ${base}: ${mb(baseSize)}, the application's layers: ${mb(size - baseSize)})`)
    // the production dependencies and dist/ are about 30 MB; the dev dependencies would add about 270
    expect(size - baseSize).toBeLessThan(60e6)
  })
})
