import { afterEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §2: a receiver URL with credentials (http://user:pass@host/) was accepted, never deliverable (fetch
// refuses credentials in a URL), and its password was shown in the log and in /__admin/webhooks/deliveries.

const KEY = 'sk_test_webhook_credentials'
const basicSecret = 'hunter2-basic-pass-4f9a'
const CLABE = '734180000001233635'
let sb: TestSandbox | undefined
let r: Receiver | undefined
afterEach(async () => {
  await r?.close()
  await sb?.close()
  sb = r = undefined
})

const withCredentials = (url: string) => url.replace('http://', `http://hookuser:${basicSecret}@`)
const basic = `Basic ${Buffer.from(`hookuser:${basicSecret}`).toString('base64')}`
const advance = (ms: number) => sb!.http.post('/__admin/clock/advance').send({ ms })

describe('receiver URLs with credentials', () => {
  it('Fintoc delivers with Basic auth beside its signature; the password is masked in logs and control views', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    r = await startReceiver()
    let failures = 1
    r.respond(() => (failures-- > 0 ? 500 : 200))
    const url = withCredentials(r.url)
    const created = await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', KEY).send({ url, enabled_events: ['*'] })
    expect(created.status).toBe(201)
    // the API answers the URL as it was given, as the real one would
    expect(created.body.url).toBe(url)
    const [account] = (await sb.http.get('/fintoc/v2/accounts').set('Authorization', KEY)).body
    await sb.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', KEY).send({ account_number_id: account.root_account_number_id, amount: 100, currency: 'MXN' })
    await advance(1000)
    await advance(3000)
    expect(r.received).toHaveLength(2)
    for (const got of r.received) {
      expect(got.headers.authorization).toBe(basic)
      expect(String(got.headers['fintoc-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    }
    const deliveries = await sb.http.get('/__admin/webhooks/deliveries')
    const [d] = deliveries.body.data
    expect(d.status).toBe('succeeded')
    expect(d.url).toBe(withCredentials(r.url).replace(basicSecret, '****'))
    expect(d.attempts.map((a: { url: string; statusCode: number }) => [a.url, a.statusCode])).toEqual([
      [d.url, 500],
      [d.url, 200],
    ])
    expect(deliveries.text).not.toContain(basicSecret)
    // the failed attempt was logged, without the credentials
    expect(sb.logs()).toMatch(/"msg":"webhook attempt failed"/)
    expect(sb.logs()).toContain('****:****@127.0.0.1')
    expect(sb.logs()).not.toContain(basicSecret)
    expect((await sb.http.get('/__admin/state')).text).not.toContain(basicSecret)
    expect((await sb.http.get('/__admin/requests')).text).not.toContain(basicSecret)
    expect((await sb.http.get('/__admin/state?secrets=true')).text).toContain(basicSecret)
  })

  it('Monato refuses them at registration (its Bearer token already takes Authorization), naming url', async () => {
    sb = await makeSandbox()
    const token = await monatoToken(sb)
    const res = await sb.http
      .post(`/monato/v1/clients/${MONATO.clientId}/webhooks`)
      .set('Authorization', `Bearer ${token}`)
      .send({ client_id: MONATO.clientId, url: withCredentials('http://127.0.0.1:9/money-in'), token: 'receiver-token-credentials', webhook_type: 'MONEY_IN' })
    expect(res.status).toBe(400)
    expect(monatoError(res.body)).toMatchObject({ code: 3, reason: 'DATA_ERROR', message: expect.stringMatching(/^url must not contain credentials/) })
    expect(JSON.stringify(res.body)).not.toContain(basicSecret)
  })

  it('MONATO_WEBHOOK_URL with credentials gets Basic auth; with MONATO_WEBHOOK_TOKEN too it is a config error', async () => {
    r = await startReceiver('/monato')
    await expect(makeSandbox({ env: { MONATO_WEBHOOK_URL: withCredentials(r.url), MONATO_WEBHOOK_TOKEN: 'env-token-credentials' } })).rejects.toThrow(
      'invalid configuration: MONATO_WEBHOOK_URL: must not contain credentials when MONATO_WEBHOOK_TOKEN is set',
    )
    sb = await makeSandbox({ env: { MONATO_WEBHOOK_URL: withCredentials(r.url) } })
    const res = await sb.http.post('/__admin/monato/money_in').send({ clabe: CLABE, amount: '12.00' })
    expect(res.status).toBe(201)
    await advance(0)
    expect(r.received).toHaveLength(1)
    expect(r.received[0]!.headers.authorization).toBe(basic)
    expect(sb.logs()).not.toContain(basicSecret)
  })
})
