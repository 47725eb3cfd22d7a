import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import supertest from 'supertest'
import { afterEach, describe, expect, it } from 'vitest'
import { adminJsonBody } from '../src/admin/body.js'
import type { AdminError } from '../src/admin/errors.js'
import { heapProblem, parsedHeapEstimate } from '../src/admin/json-heap.js'
import { readCoreSettings } from '../src/core/settings.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §5: /__admin bodies are bounded by ADMIN_BODY_LIMIT, refused with 413 before they are parsed.

let sb: TestSandbox | undefined
let server: Server | undefined
afterEach(async () => {
  server?.close()
  server = undefined
  await sb?.close()
  sb = undefined
})

async function listen(box: TestSandbox): Promise<number> {
  server = createServer(box.app)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

/** sends `chunks` with Transfer-Encoding: chunked (no Content-Length), one per tick */
function chunked(port: number, path: string, chunks: string[]): Promise<{ status: number; body: unknown; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0
    let done = false
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      done = true
      let text = ''
      res.on('data', (c: Buffer) => {
        text += c.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), sent }))
    })
    req.on('error', (err) => (done ? undefined : reject(err)))
    const next = () => {
      if (done) return void req.destroy()
      const chunk = chunks.shift()
      if (chunk === undefined) return void req.end()
      sent += chunk.length
      req.write(chunk, () => setImmediate(next))
    }
    next()
  })
}

describe('ADMIN_BODY_LIMIT', () => {
  it('refuses a larger body with 413 in the admin envelope, by its Content-Length, before reading it', async () => {
    const box = await makeSandbox({ env: { ADMIN_BODY_LIMIT: '1kb' } })
    sb = box
    const big = { fintoc: { organizations: [{ api_key: 'sk_test_too_big', holder_name: 'x'.repeat(100) }] }, description: 'y'.repeat(2000) }
    const res = await box.http.post('/__admin/scenarios').send(big)
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: { message: expect.stringMatching(/ADMIN_BODY_LIMIT \(1024 bytes\)/), issues: [] } })
    expect((await box.http.post('/__admin/snapshot').send({ version: 1, state: { padding: 'z'.repeat(5000) } })).status).toBe(413)
    // nothing was loaded; a body under the limit still is
    expect((await box.http.get('/fintoc/v2/entities').set('Authorization', 'sk_test_too_big')).body[0].holder_name).not.toBe('x'.repeat(100))
    expect((await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: 'sk_test_small' }] } })).status).toBe(201)
  })

  it('refuses a chunked body once it goes past the limit, without reading the rest', async () => {
    const box = await makeSandbox({ env: { ADMIN_BODY_LIMIT: '4kb' } })
    sb = box
    const port = await listen(box)
    const chunks = ['{"description":"', ...Array.from({ length: 200 }, () => 'x'.repeat(1024)), '"}']
    const res = await chunked(port, '/__admin/scenarios', chunks)
    expect(res.status).toBe(413)
    expect(res.body).toEqual({ error: { message: expect.stringMatching(/ADMIN_BODY_LIMIT/), issues: [] } })
    expect(res.sent).toBeLessThan(100 * 1024)
    const ok = await chunked(port, '/__admin/scenarios', ['{"fintoc":', '{"organizations":[{"api_key":"sk_test_chunked"}]}}'])
    expect(ok.status).toBe(201)
  })

  it('defaults to 500 MB, accepts sizes in b/kb/mb/gb up to V8\'s longest string, and a bad value names the variable', () => {
    expect(readCoreSettings({}).adminBodyLimit).toBe(500 * 1024 * 1024)
    expect(readCoreSettings({ ADMIN_BODY_LIMIT: '100mb' }).adminBodyLimit).toBe(100 * 1024 * 1024)
    expect(readCoreSettings({ ADMIN_BODY_LIMIT: '64KB' }).adminBodyLimit).toBe(64 * 1024)
    expect(readCoreSettings({ ADMIN_BODY_LIMIT: '2048' }).adminBodyLimit).toBe(2048)
    expect(() => readCoreSettings({ ADMIN_BODY_LIMIT: 'lots' })).toThrow(/ADMIN_BODY_LIMIT: must be a size/)
    expect(() => readCoreSettings({ ADMIN_BODY_LIMIT: '0' })).toThrow(/ADMIN_BODY_LIMIT: must be at least/)
    expect(() => readCoreSettings({ ADMIN_BODY_LIMIT: '1gb' })).toThrow(/ADMIN_BODY_LIMIT: must be at most 512mb/)
  })
})

describe('a body under the limit that would not fit in the heap', () => {
  it('is estimated from its bytes: dense JSON costs far more heap than its size', () => {
    const dense = Buffer.from(`[${'{},'.repeat(10_000)}{}]`)
    const snapshotLike = Buffer.from(JSON.stringify({ transfers: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`tr_${i}`, { id: `tr_${i}`, status: 'succeeded', amount: i, comment: 'x'.repeat(40) }])) }))
    expect(parsedHeapEstimate(dense) / dense.length).toBeGreaterThan(20)
    expect(parsedHeapEstimate(snapshotLike) / snapshotLike.length).toBeLessThan(3)
    // quotes and brackets inside strings are text, not structure
    expect(parsedHeapEstimate(Buffer.from('{"a":"{[,\\"}"}'))).toBeLessThan(parsedHeapEstimate(Buffer.from('{"a":[{},{},{}]}')))
    expect(heapProblem(dense, 10 * 2 ** 20)).toBeUndefined()
    expect(heapProblem(dense, 100_000)).toMatch(/would need about 1 MB of heap to parse and 1 MB are free: .*--max-old-space-size/)
  })

  it('is refused with 413 before it is parsed, in the admin envelope', async () => {
    const app = express()
    app.use(adminJsonBody(1024 * 1024, () => 200_000))
    app.post('/', (req, res) => void res.json({ got: req.body }))
    app.use((err: AdminError, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(err.status).json({ error: { message: err.message, issues: err.issues } }))
    const http = supertest(app)
    const res = await http.post('/').set('Content-Type', 'application/json').send(`[${'{},'.repeat(20_000)}{}]`)
    expect(res.status).toBe(413)
    expect(res.body.error.message).toMatch(/would need about \d+ MB of heap/)
    expect((await http.post('/').send({ small: true })).body).toEqual({ got: { small: true } })
  })
})
