import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/cli.js'
import { firstAnswer, IMAGE, podmanOk, removeContainers, runToExit, TEST_LABEL } from './podman.js'
import { startContainer } from './sandbox-container.js'

// Issue #16: how long from `podman run` to the first /health answer, beside the same server (the image's own /app)
// started outside any container. Printed; the container must answer within 15 s.

const RUNS = 3
const work = mkdtempSync(path.join(tmpdir(), 'fmm-boot-'))

afterAll(async () => {
  await removeContainers()
  rmSync(work, { recursive: true, force: true })
})

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!

/** the image's /app, copied out of a container that never starts */
async function appOfImage(): Promise<string> {
  const id = await podmanOk(['create', '--label', TEST_LABEL, IMAGE])
  try {
    await podmanOk(['cp', `${id}:/app`, work])
  } finally {
    await podmanOk(['rm', '--force', id])
  }
  return path.join(work, 'app')
}

async function bootOutside(app: string, node: string): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NODE_OPTIONS: '--max-old-space-size=1536' }
  const child = spawn(node, ['--min-semi-space-size=16', 'dist/main.js'], { cwd: app, env, stdio: 'ignore' })
  try {
    const answer = await firstAnswer(`http://127.0.0.1:${port}/health`, 30_000, () => child.exitCode === null)
    expect(answer?.status).toBe(200)
    return performance.now() - started
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)))
  }
}

describe('boot time', () => {
  it(`podman run to the first /health answer, against the same server outside a container (median of ${RUNS})`, async () => {
    const inside: number[] = []
    for (let i = 0; i < RUNS; i++) inside.push((await startContainer()).bootMs)
    await removeContainers()
    // the Node of the image where .ci/run has it (NODE24_BIN), else this process's
    const node = process.env.NODE24_BIN ?? process.execPath
    const app = await appOfImage()
    const outside: number[] = []
    for (let i = 0; i < RUNS; i++) outside.push(await bootOutside(app, node))
    const version = (await runToExit(['--entrypoint', 'node'], ['--version'])).output.trim()
    console.log(
      [
        `podman run to the first /health: ${Math.round(median(inside))} ms (runs: ${inside.map(Math.round).join(', ')}; Node ${version} in the image)`,
        `the same /app outside a container: ${Math.round(median(outside))} ms (runs: ${outside.map(Math.round).join(', ')}; ${node} ${process.env.NODE24_BIN ? '' : process.version})`,
        `the container adds ${Math.round(median(inside) - median(outside))} ms`,
      ].join('\n'),
    )
    expect(median(inside)).toBeLessThan(15_000)
  })
})
