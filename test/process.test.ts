import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { MONATO } from './helpers/sandbox.js'
import { spawnMain, startMain } from './helpers/process.js'
import { loadSpec } from '../src/core/spec/load.js'
import { extractOperations } from '../src/core/spec/operations.js'
import { fromRoot } from '../src/paths.js'

/** what /health reports is the spec's own count: a new operation must not need this test edited */
const operationCount = async (file: string) => extractOperations(await loadSpec(fromRoot(file))).length

describe('the server process', () => {
  it('serves /health, logs JSON with request ids, and never logs a secret in full', async () => {
    const server = await startMain()
    try {
      const health = await fetch(`${server.baseUrl}/health`)
      expect(health.status).toBe(200)
      const body = await health.json()
      expect(body).toMatchObject({ status: 'ok', version: expect.any(String), providers: { fintoc: { operations: await operationCount('specs/fintoc.yaml') }, monato: { operations: await operationCount('specs/monato-fincore.yaml') } } })

      const fintocKey = 'sk_test_process_secret_key_0123456789'
      await fetch(`${server.baseUrl}/fintoc/v2/accounts`, { headers: { Authorization: fintocKey } })
      await fetch(`${server.baseUrl}/fintoc/v2/accounts`, { headers: { Authorization: 'sk_live_should_not_be_logged_987654' } })
      const tokenRes = await fetch(`${server.baseUrl}/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`, {
        method: 'POST',
        headers: { 'x-api-key': MONATO.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret }),
      })
      const { token } = (await tokenRes.json()) as { token: string }
      await fetch(`${server.baseUrl}/monato/v1/banks`, { headers: { Authorization: `Bearer ${token}` } })
      await fetch(`${server.baseUrl}/monato/v1/clients/${MONATO.clientId}/credentials`, { headers: { 'x-api-key': MONATO.apiKey } })

      await new Promise((r) => setTimeout(r, 200))
      const logs = server.stdout()
      const lines = logs.trim().split('\n')
      for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow()
      const requestLines = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request')
      expect(requestLines.length).toBeGreaterThanOrEqual(5)
      for (const l of requestLines) expect(l.reqId).toMatch(/^[0-9a-f-]{36}$/)
      for (const secret of [fintocKey, 'sk_live_should_not_be_logged_987654', MONATO.apiKey, MONATO.clientSecret, token]) {
        expect(logs).not.toContain(secret)
      }
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('SIGTERM lets an in-flight request finish, flushes the data file and exits 0', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'state.json')
    const server = await startMain({ DATA_FILE: file })
    const { hostname, port } = new URL(server.baseUrl)
    // a request whose body is still arriving when the signal comes
    const socket = createConnection({ host: hostname, port: Number(port) })
    await new Promise<void>((r) => socket.once('connect', () => r()))
    let response = ''
    socket.on('data', (c: Buffer) => {
      response += c.toString()
    })
    const body = '{"description":"in flight"}'
    socket.write(`POST /fintoc/v2/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: sk_test_inflight\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`)
    await new Promise((r) => setTimeout(r, 300))
    server.child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    socket.write(body.slice(5))
    const code = await server.exited
    expect(code).toBe(0)
    expect(response).toMatch(/^HTTP\/1\.1 (200|201) /)
    // the clean stop left one self-contained JSON document
    const saved = JSON.parse(await readFile(file, 'utf8'))
    expect(Object.keys(saved.state.fintoc.orgs)).toHaveLength(1)
    expect(server.stdout()).toMatch(/"msg":"stopped"/)
  })

  it('a bad config value stops it with a clear message and no stack trace', async () => {
    const p = spawnMain({ PORT: 'abc' })
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toMatch(/PORT: must be between 1 and 65535/)
    expect(p.stderr()).not.toMatch(/\n\s+at /)
  })

  it('a bad scenario file stops it naming the file and the JSON path', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'bad-scenario.json')
    await writeFile(file, JSON.stringify({ monato: { clients: [{ id: 'c2d1d1e3-3340-4170-980e-e9269bbbc551', api_key: 'x', client_secret: 'y' }] } }))
    const p = spawnMain({ SCENARIO: file })
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toContain('bad-scenario.json')
    expect(p.stderr()).toContain('$.monato.clients[0].api_key')
    expect(p.stderr()).not.toMatch(/\n\s+at /)
  })

  it('a port already in use is reported plainly', async () => {
    const first = await startMain()
    try {
      const p = spawnMain({ PORT: new URL(first.baseUrl).port })
      expect(await p.exited).toBe(1)
      expect(p.stderr()).toMatch(/is in use; pass --port or PORT/)
    } finally {
      first.child.kill('SIGKILL')
    }
  })
})
