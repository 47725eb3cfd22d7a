import { spawn } from 'node:child_process'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { podman, TEST_LABEL } from './podman.js'

// Issue #16, bad input: a wrong NODE_IMAGE, a missing engine, an engine that cannot be installed. Each is one line
// on stderr and a non-zero exit, and leaves no container behind.

const SCRIPTS = new URL('../../scripts/container/', import.meta.url).pathname

function script(name: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string[] }> {
  return new Promise((resolve, reject) => {
    // bash by its path: PATH may be a stub folder
    const child = spawn('/bin/bash', [path.join(SCRIPTS, name)], { env: { HOME: process.env.HOME ?? '/root', ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stderr: stderr.split('\n').filter((l) => l.trim() !== '') }))
  })
}

/** a PATH folder with these real tools linked in, and stubs (name → shell script body) */
function stubPath(real: string[], stubs: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fmm-stub-path-'))
  for (const tool of real) symlinkSync(`/usr/bin/${tool}`, path.join(dir, tool))
  for (const [name, body] of Object.entries(stubs)) writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 })
  return dir
}

const containers = async () => (await podman(['ps', '--all', '--quiet', '--filter', `label=${TEST_LABEL}`])).stdout.trim()

describe('the container scripts refuse bad input in one line', () => {
  it('a NODE_IMAGE that does not exist', async () => {
    const r = await script('build-image.sh', { PATH: process.env.PATH ?? '', NODE_IMAGE: 'localhost/no-such-node', IMAGE: 'localhost/fintoc-monato-mock:never' })
    expect(r.code).toBe(1)
    expect(r.stderr).toEqual(['image build: NODE_IMAGE localhost/no-such-node: no such local image (scripts/container/node24-standin.sh builds localhost/node24-standin)'])
    expect((await podman(['image', 'exists', 'localhost/fintoc-monato-mock:never'])).code).not.toBe(0)
  })

  it.each(['build-image.sh', 'node24-standin.sh'])('no engine: %s', async (name) => {
    const r = await script(name, { PATH: stubPath([]) })
    expect(r.code).toBe(1)
    expect(r.stderr).toHaveLength(1)
    expect(r.stderr[0]).toMatch(/: no container engine: podman not found on PATH \(scripts\/container\/engine\.sh installs it\)$/)
  })

  it('no engine, and not root to install it', async () => {
    const r = await script('engine.sh', { PATH: stubPath([], { id: 'echo 1000' }) })
    expect(r.code).toBe(1)
    expect(r.stderr).toEqual(['container engine: podman runc debootstrap not installed and not root: install them (apt-get install -y podman runc debootstrap)'])
  })

  it('no engine, and apt-get cannot install it', async () => {
    const apt = 'echo "E: Unable to locate package podman" >&2; exit 100'
    const r = await script('engine.sh', { PATH: stubPath(['grep', 'tail', 'mktemp', 'rm'], { id: 'echo 0', 'apt-get': apt }) })
    expect(r.code).toBe(1)
    expect(r.stderr).toEqual(['container engine: apt-get install -y podman runc debootstrap failed: E: Unable to locate package podman'])
    expect(await containers()).toBe('')
  })
})
