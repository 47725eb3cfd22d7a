import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { fintocError, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox | undefined
afterEach(() => sb?.close())

const KEY = 'sk_test_faults'
const addFault = (box: TestSandbox, rule: object) => box.http.post('/__admin/faults').send(rule)

describe('fault injection', () => {
  it('the next N matching requests fail with a status in the provider envelope, then things recover', async () => {
    const box = await makeSandbox()
    sb = box
    const added = await addFault(box, { provider: 'fintoc', method: 'GET', path: '/v2/accounts*', times: 2, status: 503 })
    expect(added.status).toBe(201)
    const first = await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)
    expect(first.status).toBe(503)
    expect(fintocError(first.body)).toMatchObject({ type: 'institution_error', code: 'institution_unavailable' })
    expect((await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).status).toBe(503)
    expect((await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).status).toBe(200)
    // other paths were never affected
    expect((await box.http.get('/fintoc/v2/entities').set('Authorization', KEY)).status).toBe(200)
    expect((await box.http.get('/__admin/faults')).body.data[0]).toMatchObject({ matched: 2, remaining: 0 })
  })

  it('Monato gets its own envelope; a custom code is kept', async () => {
    const box = await makeSandbox()
    sb = box
    const token = await monatoToken(box)
    await addFault(box, { provider: 'monato', path: '/v1/transactions/money_out', status: 429, code: 'RATE_LIMITED', probability: 1 })
    const res = await box.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${token}`).send({})
    expect(res.status).toBe(429)
    expect(monatoError(res.body)).toMatchObject({ code: 8, reason: 'RATE_LIMITED', http_code: '429', method_name: 'money_out' })
    await box.http.delete('/__admin/faults')
    expect((await box.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${token}`).send({})).status).toBe(400)
  })

  it('latency delays the answer; probability 0 never fires', async () => {
    const box = await makeSandbox()
    sb = box
    await addFault(box, { provider: 'fintoc', path: '/v2/entities', latency_ms: 150 })
    await addFault(box, { provider: 'fintoc', path: '/v2/accounts', status: 500, probability: 0 })
    const started = Date.now()
    expect((await box.http.get('/fintoc/v2/entities').set('Authorization', KEY)).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect((await box.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).status).toBe(200)
  })

  it('drop closes the connection without an answer', async () => {
    const box = await makeSandbox()
    sb = box
    await addFault(box, { path: '/v1/banks', drop: true, times: 1 })
    const server = createServer(box.app)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/monato/v1/banks`
    await expect(fetch(url)).rejects.toThrow()
    // the next one goes through to the real handler (401: no token)
    expect((await fetch(url)).status).toBe(401)
    server.close()
  })

  it('rules are validated, can come from scenario files, and reset restores only the scenario ones', async () => {
    const box = await makeSandbox()
    sb = box
    expect((await addFault(box, { path: '/x' })).status).toBe(400)
    expect((await addFault(box, { status: 200 })).status).toBe(400)
    await box.http.post('/__admin/scenarios').send({ faults: [{ provider: 'fintoc', path: '/v2/transfers', method: 'GET', status: 500 }] })
    await addFault(box, { provider: 'fintoc', path: '/v2/entities', status: 404 })
    await box.http.post('/__admin/reset')
    const rules = (await box.http.get('/__admin/faults')).body.data
    expect(rules.map((r: { path: string }) => r.path)).toEqual(['/v2/transfers'])
    const res = await box.http.get('/fintoc/v2/transfers').set('Authorization', KEY)
    expect(res.status).toBe(500)
    expect(fintocError(res.body).type).toBe('api_error')
    expect(box.logs()).not.toMatch(/"unexpected error"/)
  })
})
