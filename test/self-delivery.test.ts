import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { fintocError, MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { type Listening, listen } from './helpers/listen.js'
import { spawnMain } from './helpers/process.js'

// Issue #14 §2: a webhook URL pointing at the sandbox itself let one tenant reset everyone's state.

const TENANT_A = 'sk_test_self_delivery_a'
const TENANT_B = 'sk_test_self_delivery_b'
let sb: TestSandbox | undefined
let served: Listening | undefined
afterEach(async () => {
  await served?.close()
  await sb?.close()
  sb = served = undefined
})

const fintoc = (key: string) => ({
  post: (path: string, body: object) => sb!.http.post(`/fintoc${path}`).set('Authorization', key).send(body),
  get: (path: string) => sb!.http.get(`/fintoc${path}`).set('Authorization', key),
})
async function receive(key: string, amount: number) {
  const [account] = (await fintoc(key).get('/v2/accounts')).body
  return (await fintoc(key).post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount, currency: 'MXN' })).body
}

/** URLs that all reach the sandbox's own control API or provider APIs on `port` */
const selfUrls = (port: number) => [
  `http://127.0.0.1:${port}/__admin/reset`,
  `http://localhost:${port}/__admin/reset`,
  `http://LOCALHOST.:${port}/__ADMIN/reset`,
  `http://127.9.9.9:${port}/%5F%5Fadmin/reset`,
  `http://[::1]:${port}/__admin/snapshot`,
  `http://[::ffff:127.0.0.1]:${port}/__admin/reset`,
  `http://0.0.0.0:${port}/__admin/reset`,
  `http://2130706433:${port}/hooks/../__admin/reset`,
  `http://127.0.0.1:${port}//fintoc/v1/webhook_endpoints`,
  `http://127.0.0.1:${port}/monato/v1/clients`,
]

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as { port: number }
  await new Promise((r) => s.close(r))
  return port
}

describe('webhook URLs pointing at the sandbox itself', () => {
  it('Fintoc refuses them at create and update with its 400 naming url; other ports and paths are fine', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    served = await listen(sb)
    for (const url of selfUrls(served.port)) {
      const res = await fetch(`${served.base}/fintoc/v1/webhook_endpoints`, {
        method: 'POST',
        headers: { Authorization: TENANT_A, 'content-type': 'application/json' },
        body: JSON.stringify({ url, enabled_events: ['*'] }),
      })
      expect(res.status, url).toBe(400)
      const err = fintocError(await res.json())
      expect(err).toMatchObject({ type: 'invalid_request_error', code: 'invalid_params', param: 'url' })
      expect(err.message).toMatch(/url must not point at the sandbox itself/)
    }
    // another port of this machine, or a path of the sandbox's port outside its APIs, is someone else's receiver
    const fine = await fintoc(TENANT_A).post('/v1/webhook_endpoints', { url: `http://127.0.0.1:${served.port + 1}/__admin/reset`, enabled_events: ['*'] })
    expect(fine.status).toBe(201)
    const updated = await sb.http.patch(`/fintoc/v1/webhook_endpoints/${fine.body.id}`).set('Authorization', TENANT_A).send({ url: `http://localhost:${served.port}/__admin/reset` })
    expect(updated.status).toBe(400)
    expect(fintocError(updated.body).param).toBe('url')
    expect((await fintoc(TENANT_A).get(`/v1/webhook_endpoints/${fine.body.id}`)).body.url).toBe(`http://127.0.0.1:${served.port + 1}/__admin/reset`)
  })

  it('Monato refuses them at create and update with DATA_ERROR naming url', async () => {
    sb = await makeSandbox()
    served = await listen(sb)
    const token = await monatoToken(sb)
    const base = `/monato/v1/clients/${MONATO.clientId}/webhooks`
    for (const url of selfUrls(served.port)) {
      const res = await sb.http.post(base).set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, url, token: 'receiver-token-self', webhook_type: 'STATUS_UPDATE' })
      expect(res.status, url).toBe(400)
      expect(monatoError(res.body)).toMatchObject({ code: 3, reason: 'DATA_ERROR', http_code: '400', message: expect.stringMatching(/^url must not point at the sandbox itself/) })
    }
    const created = await sb.http.post(base).set('Authorization', `Bearer ${token}`).send({ client_id: MONATO.clientId, url: 'http://127.0.0.1:9/status', token: 'receiver-token-self', webhook_type: 'STATUS_UPDATE' })
    expect(created.status).toBe(200)
    const patched = await sb.http.patch(`${base}/${created.body.id}`).set('Authorization', `Bearer ${token}`).send({ url: `http://127.0.0.1:${served.port}/__admin/reset` })
    expect(patched.status).toBe(400)
    expect(monatoError(patched.body).reason).toBe('DATA_ERROR')
  })

  it("a delivery to the sandbox's own /__admin is a failed attempt, never sent: another tenant's state survives", async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    // registered before the sandbox knew its port (as a URL whose host resolves to it later would be)
    served = await listen(sb, false)
    const attack = await fintoc(TENANT_A).post('/v1/webhook_endpoints', { url: `http://127.0.0.1:${served.port}/__admin/reset`, enabled_events: ['*'] })
    expect(attack.status).toBe(201)
    await sb.listening({ host: '127.0.0.1', port: served.port })
    await receive(TENANT_B, 5000)
    await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
    await receive(TENANT_A, 100)
    await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
    // the other tenant's transfer is still there, and the control API was never called by the delivery
    expect((await fintoc(TENANT_B).get('/v2/transfers')).body).toHaveLength(1)
    expect(sb.logs()).not.toContain('"path":"/__admin/reset"')
    const [d] = (await sb.http.get('/__admin/webhooks/deliveries?provider=fintoc')).body.data
    expect(d.endpointId).toBe(attack.body.id)
    expect(d.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused, not sent: the URL must not point at the sandbox itself/) })
    expect(sb.logs()).toMatch(/"msg":"webhook attempt failed"/)
  })

  it('a receiver redirecting to the sandbox itself is not followed: the 307 is a failed attempt', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    served = await listen(sb)
    const target = `${served.base}/__admin/reset`
    const redirector = createHttpServer((req, res) => {
      req.resume()
      res.writeHead(307, { location: target }).end()
    })
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r))
    try {
      const url = `http://127.0.0.1:${(redirector.address() as { port: number }).port}/hooks`
      expect((await fintoc(TENANT_A).post('/v1/webhook_endpoints', { url, enabled_events: ['*'] })).status).toBe(201)
      await receive(TENANT_B, 5000)
      await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
      await receive(TENANT_A, 100)
      await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
      expect((await fintoc(TENANT_B).get('/v2/transfers')).body).toHaveLength(1)
      expect(sb.logs()).not.toContain('"path":"/__admin/reset"')
      const [d] = (await sb.http.get('/__admin/webhooks/deliveries?provider=fintoc')).body.data
      expect(d).toMatchObject({ status: 'pending', attempts: [expect.objectContaining({ statusCode: 307, error: null })] })
    } finally {
      redirector.closeAllConnections()
      await new Promise((r) => redirector.close(r))
    }
  })

  it('FINTOC_WEBHOOK_URL / MONATO_WEBHOOK_URL at the sandbox itself are refused once its port is known', async () => {
    const port = await freePort()
    sb = await makeSandbox({ env: { FINTOC_WEBHOOK_URL: `http://localhost:${port}/__admin/reset` } })
    await expect(sb.listening({ host: '127.0.0.1', port })).rejects.toThrow('invalid configuration: FINTOC_WEBHOOK_URL: must not point at the sandbox itself')
    await sb.close()
    sb = await makeSandbox({ env: { MONATO_WEBHOOK_URL: `http://127.0.0.1:${port}/monato/v1/hooks` } })
    await expect(sb.listening({ host: '127.0.0.1', port })).rejects.toThrow('invalid configuration: MONATO_WEBHOOK_URL: must not point at the sandbox itself')
    // on another port it is an ordinary receiver
    await expect(sb.listening({ host: '127.0.0.1', port: port + 1 })).resolves.toBeUndefined()
  })

  it('the server refuses to start on such a configured URL, with one config line', async () => {
    const port = await freePort()
    const p = spawnMain({ PORT: String(port), FINTOC_WEBHOOK_URL: `http://localhost:${port}/__admin/reset` })
    expect(await p.exited).toBe(1)
    expect(p.stderr()).toBe('fintoc-monato-mock: invalid configuration: FINTOC_WEBHOOK_URL: must not point at the sandbox itself (its /__admin, /fintoc or /monato paths)\n')
    expect(p.stdout()).not.toContain('listening on')
  })
})
