import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uuidV5 } from '../src/providers/monato/idempotency.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// A Monato integration end to end, as a client would run it against staging: plain HTTP with fetch.

let sb: TestSandbox
let server: Server
let base: string
let hooks: Record<'STATUS_UPDATE' | 'MONEY_IN' | 'CEP', Receiver>
let everything: Receiver

beforeAll(async () => {
  everything = await startReceiver('/all')
  sb = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '1000', MONATO_WEBHOOK_URL: everything.url, MONATO_WEBHOOK_TOKEN: 'env-token' } })
  server = createServer(sb.app)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  hooks = { STATUS_UPDATE: await startReceiver('/status'), MONEY_IN: await startReceiver('/money-in'), CEP: await startReceiver('/cep') }
})
afterAll(async () => {
  server.close()
  await Promise.all([...Object.values(hooks), everything].map((h) => h.close()))
  await sb.close()
})

// biome-ignore lint/suspicious/noExplicitAny: the journey reads arbitrary JSON answers, checked by its assertions
type Json = any

async function call(method: string, path: string, init: { token?: string; apiKey?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<{ status: number; headers: Headers; body: Json }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (init.token) headers.authorization = `Bearer ${init.token}`
  if (init.apiKey) headers['x-api-key'] = init.apiKey
  if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey
  const res = await fetch(`${base}/monato${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) })
  return { status: res.status, headers: res.headers, body: await res.json() }
}
const advance = (ms: number) => fetch(`${base}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) })
const messages = (r: Receiver) => r.received.map((x) => JSON.parse(x.body))

describe('a Monato integration, end to end', () => {
  it('token → banks → accounts → instrument → webhooks → money out (idempotent) → money in → refund → penny validation', async () => {
    const c = `/v1/clients/${MONATO.clientId}`
    const creds = await call('GET', `${c}/credentials`, { apiKey: MONATO.apiKey })
    const secret = creds.body.data[0].client_secret
    const { token } = (await call('POST', `${c}/auth/credential-tokens`, { apiKey: MONATO.apiKey, body: { client_id: MONATO.clientId, client_secret: secret } })).body
    const banks = await call('GET', '/v1/banks?page_size=400', { token })
    const banamex = banks.body.banks.find((b: { code: string }) => b.code === '40002')
    const accounts = await call('GET', `${c}/accounts`, { token })
    const source = accounts.body.data.find((a: { accountType: string }) => a.accountType === 'CENTRALIZING_ACCOUNT')
    const instrument = await call('POST', `${c}/instruments`, {
      token,
      body: { source_bank_id: source.bankId, client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'XAXX010101000', alias: 'Proveedor', virtual_clabe: { destination_bank_id: banamex.id, clabe_number: '012180015530983477', holder_name: 'Proveedor SA' } },
    })
    expect(instrument.status).toBe(200)
    for (const type of ['STATUS_UPDATE', 'MONEY_IN', 'CEP'] as const) {
      expect((await call('POST', `${c}/webhooks`, { token, body: { client_id: MONATO.clientId, url: hooks[type].url, token: `hook-${type}`, webhook_type: type } })).status).toBe(200)
    }

    const order = { client_id: MONATO.clientId, source_instrument_id: source.instrumentId, destination_instrument_id: instrument.body.id, transaction_request: { external_reference: '1234567', description: 'Pago factura 10', amount: '250.00', currency: 'MXN' } }
    const key = uuidV5('fb9e4ed2-ab8c-4ce3-9bec-4ae7008bfd43', 'order-10')
    const out = await call('POST', '/v1/transactions/money_out', { token, body: order, idempotencyKey: key })
    expect(out.body.transactionStatus).toBe('INITIALIZED')
    const replay = await call('POST', '/v1/transactions/money_out', { token, body: order, idempotencyKey: key })
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body.id).toBe(out.body.id)
    const changed = await call('POST', '/v1/transactions/money_out', { token, body: { ...order, transaction_request: { ...order.transaction_request, amount: '251.00' } }, idempotencyKey: key })
    expect(changed.status).toBe(409)
    await advance(1000)
    expect(messages(hooks.STATUS_UPDATE).map((m) => m.body.status)).toEqual(['LIQUIDATED'])
    expect(hooks.STATUS_UPDATE.received[0]!.headers.authorization).toBe('Bearer hook-STATUS_UPDATE')

    const deposit = await fetch(`${base}/__admin/monato/money_in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clabe: source.clabeNumber, amount: '75.50', payer_name: 'Cliente' }) })
    const credit = (await deposit.json()) as Json
    await advance(0)
    expect(messages(hooks.MONEY_IN).map((m) => m.body.id)).toEqual([credit.id])
    const refund = await call('POST', `${c}/transactions/${credit.id}/refund`, { token, body: { amount: '75.50', description: 'No reconocido' } })
    expect(refund.body).toMatchObject({ transactionStatus: 'INITIALIZED', category: 'DEBIT_TRANS' })

    const penny = await call('POST', '/v1/transactions/penny_validation', { token, body: { client_id: MONATO.clientId, source_instrument_id: source.instrumentId, destination_instrument_id: instrument.body.id } })
    expect(penny.body.metadata.dataCep.status).toBe('PENDING')
    await advance(1000)
    expect(messages(hooks.CEP).map((m) => m.body.status)).toEqual(['PENDING', 'COMPLETED'])
    expect(messages(hooks.CEP)[1].body).toMatchObject({ beneficiary_name: 'Proveedor SA', beneficiary_rfc: 'XAXX010101000' })

    const final = await call('GET', `${c}/accounts`, { token })
    // 1,000,000.00 − 250.00 + 75.50 − 75.50 − 0.01
    expect(final.body.data[0].availableBalance).toBe('999749.99')

    // MONATO_WEBHOOK_URL got every message, with its own token, and each id_msg once
    const all = messages(everything)
    expect(all.map((m) => m.msg_name).sort()).toEqual(['CEP', 'CEP', 'MONEY_IN', 'STATUS_UPDATE', 'STATUS_UPDATE', 'STATUS_UPDATE'])
    expect(everything.received.every((x) => x.headers.authorization === 'Bearer env-token')).toBe(true)
    expect(new Set(all.map((m) => m.id_msg)).size).toBe(all.length)
  })
})
