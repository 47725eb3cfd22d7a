import { afterEach, describe, expect, it } from 'vitest'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §6: a reset swaps in the state prepared when the scenarios were loaded; it does not apply them again.

let sb: TestSandbox | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
})

const monatoAccounts = async (box: TestSandbox) => {
  const token = await monatoToken(box)
  return (await box.http.get(`/monato/v1/clients/${MONATO.clientId}/accounts`).set('Authorization', `Bearer ${token}`)).body.data as Array<{ id: string; clabeNumber: string; availableBalance: string }>
}

describe('POST /__admin/reset', () => {
  it('gives back the prepared state: ids the scenario left to the sandbox stay the same, changes are gone', async () => {
    const box = await makeSandbox()
    sb = box
    // the default scenario names no id for its Monato account: the sandbox generated it when it loaded the scenario
    const [before] = await monatoAccounts(box)
    await box.http.post('/__admin/monato/money_in').send({ clabe: before!.clabeNumber, amount: '10.00' })
    expect((await monatoAccounts(box))[0]!.availableBalance).toBe('1000010.00')
    for (let i = 0; i < 2; i++) {
      expect((await box.http.post('/__admin/reset')).body).toEqual({ reset: true })
      expect(await monatoAccounts(box)).toEqual([before])
    }
  })

  it('includes scenarios loaded at run time, and a replace prepares a new state', async () => {
    const box = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    sb = box
    await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: 'sk_test_reset_later', balance: 900 }] } })
    const key = 'sk_test_reset_later'
    const accounts = async () => (await box.http.get('/fintoc/v2/accounts').set('Authorization', key)).body as Array<{ id: string; available_balance: number; root_account_number_id: string }>
    await box.http.post('/__admin/reset')
    const prepared = await accounts()
    expect(prepared.map((a) => a.available_balance)).toEqual([900])
    await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', key).send({ account_number_id: prepared[0]!.root_account_number_id, amount: 100, currency: 'MXN' })
    await box.http.post('/__admin/clock/advance').send({ ms: 5000 })
    expect((await accounts())[0]!.available_balance).toBe(1000)
    await box.http.post('/__admin/reset')
    expect(await accounts()).toEqual(prepared)

    await box.http.post('/__admin/scenarios?replace=true').send({ fintoc: { organizations: [{ api_key: key, balance: 1 }] } })
    const replaced = await accounts()
    expect(replaced.map((a) => a.available_balance)).toEqual([1])
    await box.http.post('/__admin/reset')
    expect(await accounts()).toEqual(replaced)
  })
})
