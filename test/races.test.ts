import { afterEach, describe, expect, it } from 'vitest'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Money under concurrency: funds for exactly 100 transfers, 200 sent at once.

let sb: TestSandbox | undefined
afterEach(() => sb?.close())

describe('races', () => {
  it('Fintoc: 200 concurrent outbound transfers against funds for 100 → exactly 100 accepted, balance exactly 0, never negative', async () => {
    const box = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '60000' }, logLevel: 'silent' })
    sb = box
    const key = 'sk_test_races'
    const account = (await box.http.get('/fintoc/v2/accounts').set('Authorization', key)).body[0]
    await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', key).send({ account_number_id: account.root_account_number_id, amount: 100 * 250, currency: 'MXN' })
    await box.http.post('/__admin/clock/advance').send({ ms: 60_000 })
    const state = box.store.data.fintoc as { accounts: Record<string, { available_balance: number }> }
    let lowest = Number.POSITIVE_INFINITY
    const watch = setInterval(() => {
      lowest = Math.min(lowest, state.accounts[account.id]!.available_balance)
    }, 0)
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        box.http.post('/fintoc/v2/transfers').set('Authorization', key).send({ amount: 250, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } }),
      ),
    )
    clearInterval(watch)
    expect(results.filter((r) => r.status === 201)).toHaveLength(100)
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'insufficient_balance')).toHaveLength(100)
    expect(state.accounts[account.id]!.available_balance).toBe(0)
    expect(lowest).toBeGreaterThanOrEqual(0)
  })

  it('Fintoc: 50 concurrent partial refunds of a 1000 payment, 30 each → exactly 33 accepted, never more than paid', async () => {
    const box = await makeSandbox({ logLevel: 'silent' })
    sb = box
    const key = 'sk_test_races_refunds'
    const pi = (await box.http.post('/fintoc/v1/payment_intents').set('Authorization', key).send({ amount: 1000, currency: 'CLP' })).body.id
    await box.http.post(`/__admin/fintoc/payment_intents/${pi}/pay`).send({ username: '41614850-3', password: 'jonsnow', account: '422159212' })
    await box.http.post('/__admin/clock/advance').send({ ms: 5000 })
    const results = await Promise.all(Array.from({ length: 50 }, () => box.http.post('/fintoc/v1/refunds').set('Authorization', key).send({ resource_type: 'payment_intent', resource_id: pi, amount: 30 })))
    expect(results.filter((r) => r.status === 201)).toHaveLength(33)
    expect(results.filter((r) => r.status === 400 && r.body.error.code === 'invalid_amount')).toHaveLength(17)
    const refunds = Object.values((box.store.data.fintoc as { refunds: Record<string, { amount: number }> }).refunds)
    expect(refunds.reduce((sum, r) => sum + r.amount, 0)).toBe(990)
  })

  it('Monato: 200 concurrent money outs against funds for 100 → exactly 100 accepted, balance exactly 0.00', async () => {
    const box = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '60000' }, logLevel: 'silent' })
    sb = box
    const token = await monatoToken(box)
    const base = `/monato/v1/clients/${MONATO.clientId}`
    // bring the centralizing account to exactly 100 × 1.50
    const accounts = box.store.data.monato as { accounts: Record<string, { balanceCents: number }> }
    await box.store.update(() => {
      accounts.accounts['750ab428-b401-4b58-8a95-502bcb7b1bf8']!.balanceCents = 100 * 150
    })
    const dest = (await box.http.post(`${base}/instruments`).set('Authorization', `Bearer ${token}`).send({ source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1', client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias: 'x', virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' } })).body.id
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        box.http
          .post('/monato/v1/transactions/money_out')
          .set('Authorization', `Bearer ${token}`)
          .send({ client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: dest, transaction_request: { amount: '1.50', currency: 'MXN' } }),
      ),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(100)
    expect(results.filter((r) => r.status === 400 && r.body.details[0].reason === 'FAILED_PRECONDITION')).toHaveLength(100)
    const balance = (await box.http.get(`${base}/accounts`).set('Authorization', `Bearer ${token}`)).body.data[0].availableBalance
    expect(balance).toBe('0.00')
  })
})
