import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitCodeOf, IMAGE, logsOf, podman, podmanOk, removeContainers } from './podman.js'
import { type SandboxContainer, startContainer } from './sandbox-container.js'

// Issue #16: the image built from the Dockerfile runs as its users run it: /health, uid 1000, node as PID 1, its own
// HEALTHCHECK, and `podman stop` ends it with exit code 0 within 3 s.

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
let sandbox: SandboxContainer

beforeAll(async () => {
  sandbox = await startContainer()
})

afterAll(async () => {
  await removeContainers()
})

describe(`${IMAGE}, running`, () => {
  it('answers /health with the package version and both providers', async () => {
    const res = await fetch(`${sandbox.base}/health`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { status: string; version: string; providers: Record<string, { operations: number }> }
    expect(body).toMatchObject({ status: 'ok', version: pkg.version })
    for (const provider of ['fintoc', 'monato']) expect(body.providers[provider]?.operations, provider).toBeGreaterThan(0)
  })

  it('runs node as PID 1, as uid and gid 1000', async () => {
    // seen from the host: rootful podman maps no user namespace, so these are the real ids
    const pid = await podmanOk(['inspect', '--format', '{{.State.Pid}}', sandbox.id])
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    expect(status).toMatch(/^Uid:\s+1000\s+1000\s+1000\s+1000$/m)
    expect(status).toMatch(/^Gid:\s+1000\s+1000\s+1000\s+1000$/m)
    // and from inside: PID 1 is node itself, not a shell or npm that would swallow SIGTERM
    const inside = await podmanOk(['exec', sandbox.id, 'node', '-p', "require('fs').readFileSync('/proc/1/cmdline', 'utf8').split('\\0').join(' ').trim()"])
    expect(inside).toBe('node --min-semi-space-size=16 dist/main.js')
  })

  it('passes its own HEALTHCHECK, whose command fails when nothing answers', async () => {
    const run = await podman(['healthcheck', 'run', sandbox.id])
    expect(run.code, run.stdout + run.stderr).toBe(0)
    // the same command on a port nothing listens on: a check that cannot fail proves nothing
    const test = JSON.parse(await podmanOk(['inspect', '--format', '{{json .Config.Healthcheck.Test}}', sandbox.id])) as string[]
    expect(test[0]).toBe('CMD')
    const failing = await podman(['exec', '-e', 'PORT=1', sandbox.id, ...test.slice(1)])
    expect(failing.code).not.toBe(0)
  })

  it('stops on `podman stop` with exit code 0 within 3 s', async () => {
    const started = performance.now()
    await podmanOk(['stop', '--time', '10', sandbox.id])
    const ms = performance.now() - started
    console.log(`podman stop: exit code 0 after ${Math.round(ms)} ms`)
    expect(await exitCodeOf(sandbox.id)).toBe(0)
    expect(ms).toBeLessThan(3000)
    expect(await logsOf(sandbox.id)).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"[\s\S]*"msg":"stopped"/)
  })
})
