import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'
import { specValidator } from './helpers/schemas.js'

let sb: TestSandbox
let token: string
let check: Awaited<ReturnType<typeof specValidator>>
beforeAll(async () => {
  check = await specValidator('specs/monato-fincore.yaml')
})
beforeEach(async () => {
  sb = await makeSandbox()
  token = await monatoToken(sb)
})
afterEach(() => sb.close())

const base = `/monato/v1/clients/${MONATO.clientId}/webhooks`
const auth = () => ({ Authorization: `Bearer ${token}` })
const register = (body: object = {}) =>
  sb.http
    .post(base)
    .set(auth())
    .send({ client_id: MONATO.clientId, url: 'http://127.0.0.1:9/status', token: 'receiver-token-123', webhook_type: 'STATUS_UPDATE', auth_type: 'AUTH', ...body })

describe('Monato webhook registrations', () => {
  it('create (200), get, list, update, soft delete', async () => {
    const created = await register()
    expect(created.status).toBe(200)
    expect(check('createClientWebhook', created.body)).toBeNull()
    expect(created.body).toMatchObject({ clientId: MONATO.clientId, webhookType: 'STATUS_UPDATE', webhookStatus: 'ACTIVE', token: 'receiver-token-123', deletedAt: null })
    const id = created.body.id
    expect((await sb.http.get(`${base}/${id}`).set(auth())).body).toEqual(created.body)
    const list = await sb.http.get(base).set(auth())
    expect(list.body).toMatchObject({ currentPage: 1, perPage: 50, totalItems: 1 })
    const updated = await sb.http.patch(`${base}/${id}`).set(auth()).send({ webhook_status: 'INACTIVE', token: 'rotated' })
    expect(updated.body).toMatchObject({ webhookStatus: 'INACTIVE', token: 'rotated' })
    const empty = await sb.http.patch(`${base}/${id}`).set(auth()).send({})
    expect(empty.status).toBe(400)
    expect(monatoError(empty.body).reason).toBe('DATA_ERROR')
    const deleted = await sb.http.delete(`${base}/${id}`).set(auth())
    expect(deleted.status).toBe(200)
    expect(deleted.body.deletedAt).toMatch(/-06:00$/)
    expect((await sb.http.get(`${base}/${id}`).set(auth())).status).toBe(404)
    expect((await sb.http.get(base).set(auth())).body.totalItems).toBe(0)
  })

  it('one registration per client, type and URL (409); another type or URL is fine', async () => {
    expect((await register()).status).toBe(200)
    const dup = await register()
    expect(dup.status).toBe(409)
    expect(monatoError(dup.body)).toMatchObject({ code: 6, reason: 'ALREADY_EXISTS' })
    expect((await register({ webhook_type: 'MONEY_IN' })).status).toBe(200)
    expect((await register({ url: 'http://127.0.0.1:9/other' })).status).toBe(200)
  })

  it('the deprecated POST /v1/webhooks registers too, with x-api-key and the token', async () => {
    const res = await sb.http
      .post('/monato/v1/webhooks')
      .set(auth())
      .set('x-api-key', MONATO.apiKey)
      .send({ client_id: MONATO.clientId, url: 'http://127.0.0.1:9/cep', token: 't', webhook_type: 'CEP' })
    expect(res.status).toBe(200)
    expect((await sb.http.get(base).set(auth())).body.data.map((w: { webhookType: string }) => w.webhookType)).toEqual(['CEP'])
  })

  it("another client's client_id → 403; an unknown type → DATA_ERROR", async () => {
    expect((await register({ client_id: '11111111-2222-4333-8444-555555555555' })).status).toBe(403)
    const bad = await register({ webhook_type: 'EVERYTHING' })
    expect(bad.status).toBe(400)
    expect(monatoError(bad.body).message).toMatch(/webhook_type/)
  })
})
