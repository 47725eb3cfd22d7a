import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { readDataFile } from '../src/core/store-file.js'
import { describe, expect, it } from 'vitest'
import { startMain } from './helpers/process.js'

// Kill -9 in the middle of a write load: what was acknowledged must survive, and money must add up.

const KEY = 'sk_test_durable'

describe('durability with DATA_FILE', () => {
  it('every 2xx is on disk after SIGKILL, the file parses, balances equal movements', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'state.json')
    const env = { DATA_FILE: file, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '0', CLOCK: 'manual', LOG_LEVEL: 'info' }
    const first = await startMain(env)
    const call = (base: string, method: string, p: string, body?: unknown) =>
      fetch(`${base}/fintoc${p}`, { method, headers: { authorization: KEY, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const account = ((await (await call(first.baseUrl, 'GET', '/v2/accounts')).json()) as Array<{ id: string; root_account_number_id: string }>)[0]!
    await call(first.baseUrl, 'POST', '/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 1_000_000, currency: 'MXN' })
    await fetch(`${first.baseUrl}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ms":0}' })

    const acknowledged: string[] = []
    let killed = false
    const requests = Array.from({ length: 300 }, async () => {
      try {
        const res = await call(first.baseUrl, 'POST', '/v2/transfers', { amount: 100, currency: 'MXN', account_id: account.id, counterparty: { account_number: '735969000000203297' } })
        if (res.status === 201) {
          acknowledged.push(((await res.json()) as { id: string }).id)
          if (acknowledged.length === 60 && !killed) {
            killed = true
            first.child.kill('SIGKILL')
          }
        }
      } catch {
        // requests in flight when the process dies fail on the client side: that is expected
      }
    })
    await Promise.all(requests)
    await first.exited
    expect(killed).toBe(true)
    expect(acknowledged.length).toBeGreaterThanOrEqual(60)

    // the file and its log parse, and hold every acknowledged transfer
    const saved = (await readDataFile(file)) as {
      fintoc: { transfers: Record<string, unknown>; accounts: Record<string, { available_balance: number; movementIds: string[] }>; movements: Record<string, { amount: number; direction: string }> }
    }
    for (const id of acknowledged) expect(saved.fintoc.transfers[id], id).toBeDefined()
    for (const a of Object.values(saved.fintoc.accounts)) {
      const sum = a.movementIds.reduce((s, id) => s + (saved.fintoc.movements[id]!.direction === 'inbound' ? 1 : -1) * saved.fintoc.movements[id]!.amount, 0)
      expect(a.available_balance).toBe(sum)
    }

    // and a restarted server serves them
    const second = await startMain(env)
    try {
      for (const id of acknowledged.slice(0, 10)) expect((await call(second.baseUrl, 'GET', `/v2/transfers/${id}`)).status).toBe(200)
      const after = (await (await call(second.baseUrl, 'GET', `/v2/accounts/${account.id}`)).json()) as { available_balance: number }
      expect(after.available_balance).toBe(saved.fintoc.accounts[account.id]!.available_balance)
    } finally {
      second.child.kill('SIGKILL')
    }
  }, 60_000)
})
