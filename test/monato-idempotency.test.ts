import { afterEach, describe, expect, it } from 'vitest'
import { expectedKey, uuidV5 } from '../src/providers/monato/idempotency.js'
import { MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

let sb: TestSandbox | undefined
afterEach(() => sb?.close())

const NS = 'fb9e4ed2-ab8c-4ce3-9bec-4ae7008bfd43'
async function setup(env: Record<string, string> = {}) {
  const box = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '1000', ...env } })
  sb = box
  const token = await monatoToken(box)
  const dest = await box.http
    .post(`/monato/v1/clients/${MONATO.clientId}/instruments`)
    .set('Authorization', `Bearer ${token}`)
    .send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' } })
  const body = (amount = '10.00', destination = dest.body.id) => ({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { amount, currency: 'MXN' } })
  const send = (key: string, b: object) => box.http.post('/monato/v1/transactions/money_out').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send(b)
  const balance = async () => (await box.http.get(`/monato/v1/clients/${MONATO.clientId}/accounts`).set('Authorization', `Bearer ${token}`)).body.data[0].availableBalance
  return { body, send, balance }
}

describe('UUID v5', () => {
  it('matches the RFC 4122 test vector and derives keys from the sorted body', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d')
    expect(expectedKey(NS, 'c', 'money_out', { b: 1, a: { d: 2, c: 3 } })).toBe(expectedKey(NS, 'c', 'money_out', { a: { c: 3, d: 2 }, b: 1 }))
  })
})

describe('Monato Idempotency-Key', () => {
  it('replays the first response for the same key and body; moves the money once', async () => {
    const { body, send, balance } = await setup()
    const key = uuidV5(NS, 'first')
    const first = await send(key, body())
    expect(first.status).toBe(200)
    const again = await send(key, body())
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.body).toEqual(first.body)
    expect(await balance()).toBe('999990.00')
  })

  it('same key, other body → 409 ABORTED; a key that is not a UUID v5 → 400 and not cached', async () => {
    const { body, send } = await setup()
    const key = uuidV5(NS, 'second')
    await send(key, body('10.00'))
    const other = await send(key, body('11.00'))
    expect(other.status).toBe(409)
    expect(monatoError(other.body)).toMatchObject({ code: 10, reason: 'IDEMPOTENCY_KEY_MISMATCH', message: 'Idempotency key payload mismatch.' })
    const v4 = await send('66c0b04f-97d6-492d-8396-199819064afa', body())
    expect(v4.status).toBe(400)
    expect(monatoError(v4.body)).toMatchObject({ reason: 'DATA_ERROR', message: 'Idempotency-Key must be a valid UUID v5.' })
  })

  it('the documented 500 for an unknown instrument is cached too', async () => {
    const { body, send } = await setup()
    const key = uuidV5(NS, 'quirk')
    const first = await send(key, body('1.00', 'd3fdb481-2058-46c8-807d-4eaf866ae1ec'))
    expect(first.status).toBe(500)
    const again = await send(key, body('1.00', 'd3fdb481-2058-46c8-807d-4eaf866ae1ec'))
    expect(again.status).toBe(500)
    expect(again.headers['idempotent-replayed']).toBe('true')
  })

  it('twenty concurrent money outs with one key move the money once', async () => {
    const { body, send, balance } = await setup()
    const key = uuidV5(NS, 'concurrent')
    const results = await Promise.all(Array.from({ length: 20 }, () => send(key, body('7.00'))))
    const ids = new Set(results.filter((r) => r.status === 200).map((r) => r.body.id))
    expect(ids.size).toBe(1)
    for (const r of results.filter((x) => x.status !== 200)) expect(monatoError(r.body).reason).toBe('operation_in_progress')
    expect(await balance()).toBe('999993.00')
  })

  it('strict mode: only the key derived from client, method and body is accepted', async () => {
    const { body, send } = await setup({ MONATO_IDEMPOTENCY: 'strict' })
    const b = body('3.00')
    const wrong = await send(uuidV5(NS, 'anything'), b)
    expect(wrong.status).toBe(409)
    expect(monatoError(wrong.body).reason).toBe('IDEMPOTENCY_KEY_MISMATCH')
    const right = await send(expectedKey(NS, MONATO.clientId, 'money_out', b), b)
    expect(right.status).toBe(200)
  })
})
