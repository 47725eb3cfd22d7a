import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §5: a receiver streaming an endless answer was read to 3 GB, and deliveries due together ran without
// a cap (1,000 endpoints × 20 events: EMFILE).

const KEY = 'sk_test_webhook_bounds'
let sb: TestSandbox | undefined
let server: Server | undefined
afterEach(async () => {
  server?.closeAllConnections()
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  await sb?.close()
  sb = server = undefined
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
const subscribe = async (url: string) => expect((await sb!.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url, enabled_events: ['*'] })).status).toBe(201)
async function receive(amount: number) {
  const [account] = (await sb!.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body
  expect((await sb!.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount, currency: 'MXN' })).status).toBe(201)
}
const advance = (ms: number) => sb!.http.post('/__admin/clock/advance').send({ ms })

describe('webhook delivery bounds', () => {
  it("a receiver answering with an endless body: at most 64 KB is read, the connection is closed, memory stays flat", async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', WEBHOOK_TIMEOUT_MS: '5000' } })
    const chunk = Buffer.alloc(64 * 1024, 'x')
    // a safety cap so that a sandbox reading everything still ends (at 256 MB)
    const CAP = 256 * 1024 * 1024
    let sent = 0
    let closed = false
    const url = await serve((req, res) => {
      req.resume()
      res.on('close', () => {
        closed = true
      })
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' })
        const pump = () => {
          while (!closed && sent < CAP) {
            sent += chunk.length
            if (!res.write(chunk)) return void res.once('drain', pump)
          }
          if (!closed) res.end()
        }
        pump()
      })
    })
    await subscribe(`${url}/endless`)
    await receive(100)
    const used = () => {
      const m = process.memoryUsage()
      return m.heapUsed + m.arrayBuffers
    }
    const before = used()
    const rssBefore = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, used())
    }, 2)
    const started = Date.now()
    await advance(1000)
    clearInterval(sampler)
    peak = Math.max(peak, used())
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries')).body.data
    expect(d.status).toBe('succeeded')
    expect(d.attempts).toEqual([expect.objectContaining({ statusCode: 200, error: null })])
    expect(Date.now() - started).toBeLessThan(2000)
    // the receiver sees its connection closed, having written little more than what the socket buffers hold
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 20))
    expect(closed).toBe(true)
    expect(sent).toBeLessThan(16 * 1024 * 1024)
    expect(peak - before).toBeLessThan(8 * 1024 * 1024)
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * 1024 * 1024)
  })

  it('WEBHOOK_CONCURRENCY caps the attempts in flight: 20 endpoints × 2 events, at most 4 at once, all delivered', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', WEBHOOK_CONCURRENCY: '4' } })
    let inFlight = 0
    let maxInFlight = 0
    let received = 0
    const url = await serve((req, res) => {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      req.resume()
      req.on('end', () => {
        setTimeout(() => {
          inFlight--
          received++
          res.writeHead(204).end()
        }, 30)
      })
    })
    for (let i = 0; i < 20; i++) await subscribe(`${url}/hooks/${i}`)
    await receive(100)
    await receive(200)
    await advance(1000)
    expect(received).toBe(40)
    expect(maxInFlight).toBe(4)
    const { data } = (await sb.http.get('/__admin/webhooks/deliveries')).body
    expect(data).toHaveLength(40)
    expect(data.every((d: { status: string }) => d.status === 'succeeded')).toBe(true)
  })

  it('WEBHOOK_CONCURRENCY must be a positive integer', async () => {
    await expect(makeSandbox({ env: { WEBHOOK_CONCURRENCY: '0' } })).rejects.toThrow(/WEBHOOK_CONCURRENCY/)
  })
})
