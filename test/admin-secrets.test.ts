import { afterEach, describe, expect, it } from 'vitest'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { spawnMain, startMain } from './helpers/process.js'

// Issue #14 §2: /__admin/state showed every tenant's secrets, and a sandbox open to the network said nothing.

const KEY = 'sk_test_admin_secrets'
const receiverToken = 'receiver-token-admin-secrets'
let sb: TestSandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

/** one of each secret the state holds: a webhook secret (also in an idempotency reply), a widget token, a receiver token */
async function seedSecrets(box: TestSandbox) {
  const endpoint = await box.http
    .post('/fintoc/v1/webhook_endpoints')
    .set('Authorization', KEY)
    .set('Idempotency-Key', 'admin-secrets-endpoint')
    .send({ url: 'https://example.com/hooks', enabled_events: ['*'] })
  expect(endpoint.status).toBe(201)
  const intent = await box.http
    .post('/fintoc/v1/payment_intents')
    .set('Authorization', KEY)
    .set('Idempotency-Key', 'admin-secrets-intent')
    .send({ amount: 2476, currency: 'CLP' })
  expect(intent.status).toBe(201)
  const token = await monatoToken(box)
  const registration = await box.http
    .post(`/monato/v1/clients/${MONATO.clientId}/webhooks`)
    .set('Authorization', `Bearer ${token}`)
    .send({ client_id: MONATO.clientId, url: 'https://example.com/monato', token: receiverToken, webhook_type: 'STATUS_UPDATE' })
  expect(registration.status).toBe(200)
  return { whsec: endpoint.body.secret as string, widgetToken: intent.body.widget_token as string, endpointId: endpoint.body.id as string }
}

const last4 = (s: string) => `****${s.slice(-4)}`

describe('GET /__admin/state', () => {
  it('masks secrets unless ?secrets=true, without touching the stored state; the snapshot keeps them', async () => {
    sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    const { whsec, widgetToken, endpointId } = await seedSecrets(sb)
    const secrets = [whsec, widgetToken, receiverToken, MONATO.clientSecret]
    expect(whsec).toMatch(/^whsec_/)

    const masked = await sb.http.get('/__admin/state')
    expect(masked.status).toBe(200)
    expect(masked.headers['content-type']).toMatch(/^application\/json/)
    for (const s of secrets) expect(masked.text).not.toContain(s)
    expect(masked.text).not.toMatch(/whsec_[A-Za-z0-9]/)
    const state = masked.body
    expect(state.fintoc.webhookEndpoints[endpointId].secret).toBe(last4(whsec))
    expect(Object.values(state.fintoc.paymentIntents).map((p) => (p as { widgetToken: string }).widgetToken)).toEqual([last4(widgetToken)])
    const client = state.monato.clients[MONATO.clientId]
    expect(client.credentials[0].secret).toBe(last4(MONATO.clientSecret))
    expect(Object.values(state.monato.webhooks).map((w) => (w as { token: string }).token)).toEqual([last4(receiverToken)])
    // the stored idempotency replies are shown with the same masks inside them
    const replies = Object.values(state.core.idempotency.records).map((r) => JSON.parse((r as { response: { text: string } }).response.text))
    expect(replies.find((b) => b.object === 'webhook_endpoint').secret).toBe(last4(whsec))
    expect(replies.find((b) => b.object === 'payment_intent').widget_token).toBe(last4(widgetToken))
    // one provider's slice is masked too
    const fintocOnly = await sb.http.get('/__admin/state?provider=fintoc')
    expect(fintocOnly.text).not.toContain(whsec)
    expect(fintocOnly.body.webhookEndpoints[endpointId].secret).toBe(last4(whsec))

    // asked for explicitly, and in the snapshot (which must restore), they are whole: nothing was mutated
    const full = await sb.http.get('/__admin/state?secrets=true')
    for (const s of secrets) expect(full.text).toContain(s)
    const snapshot = await sb.http.get('/__admin/snapshot')
    for (const s of secrets) expect(snapshot.text).toContain(s)
    expect((sb.store.data.fintoc as { webhookEndpoints: Record<string, { secret: string }> }).webhookEndpoints[endpointId]!.secret).toBe(whsec)
  })
})

describe('an open /__admin on the network', () => {
  it('a sandbox listening on a non-loopback address without ADMIN_TOKEN warns once; on loopback or with a token it does not', async () => {
    sb = await makeSandbox()
    await sb.listening({ host: '0.0.0.0', port: 4010 })
    const warnings = sb.logs().split('\n').filter((l) => l.includes('/__admin is open'))
    expect(warnings).toHaveLength(1)
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, host: '0.0.0.0', port: 4010, msg: expect.stringContaining('set ADMIN_TOKEN') })
    await sb.close()
    for (const [env, host] of [[{}, '127.0.0.1'], [{}, '::1'], [{}, 'localhost'], [{ ADMIN_TOKEN: 'admin-token-for-warning-test' }, '0.0.0.0']] as const) {
      sb = await makeSandbox({ env })
      await sb.listening({ host, port: 4010 })
      expect(sb.logs()).not.toContain('/__admin is open')
      await sb.close()
    }
    sb = undefined
  })

  it('the server says so at startup, as a structured warn line', async () => {
    const server = await startMain({ HOST: '0.0.0.0' })
    try {
      const line = server
        .stdout()
        .split('\n')
        .find((l) => l.includes('/__admin is open'))
      expect(line).toBeDefined()
      expect(JSON.parse(line!)).toMatchObject({ level: 40, host: '0.0.0.0', msg: expect.stringMatching(/ADMIN_TOKEN/) })
    } finally {
      server.child.kill('SIGKILL')
    }
    const quiet = spawnMain({ HOST: '127.0.0.1' })
    try {
      const deadline = Date.now() + 20_000
      while (!quiet.stdout().includes('listening on') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(quiet.stdout()).toContain('listening on')
      expect(quiet.stdout()).not.toContain('/__admin is open')
    } finally {
      quiet.child.kill('SIGKILL')
    }
  })
})
