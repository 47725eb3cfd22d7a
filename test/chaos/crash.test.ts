import { createServer, type ServerResponse } from 'node:http'
import { mkdtemp } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../src/core/ids.js'
import { readDataFile } from '../../src/core/store-file.js'
import { type RunningServer, startMain } from '../helpers/process.js'
import { MONATO } from '../helpers/sandbox.js'

// Kill -9 at random moments, again and again (mid-load, mid-delivery, mid-compaction): every acknowledged
// transfer and money out must still reach a final status after an advance, and every delivery be attempted.

const KEY = 'sk_test_chaos'
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 12)
const SEED = Number(process.env.CHAOS_SEED ?? 20261130)

/** a receiver that answers slowly (so kills land mid-delivery) and counts what it got */
async function slowReceiver() {
  let got = 0
  const open = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      got++
      open.add(res)
      setTimeout(() => {
        open.delete(res)
        res.writeHead(200).end()
      }, 150)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    count: () => got,
    close: () =>
      new Promise<void>((r) => {
        for (const res of open) res.destroy()
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

describe('SIGKILL at random moments with DATA_FILE', () => {
  it(`${ROUNDS} kills: every acknowledged transfer and money out ends final, every delivery is attempted`, async () => {
    const bytes = seededRandom(SEED)
    const rnd = () => bytes(1)[0]! / 256
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-chaos-')), 'state.json')
    const env = { DATA_FILE: file, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '300', MONATO_SETTLE_DELAY_MS: '300', CLOCK: 'real', LOG_LEVEL: 'info', WEBHOOK_TIMEOUT_MS: '2000' }
    const hook = await slowReceiver()
    const fintoc = (s: RunningServer, method: string, p: string, body?: unknown) =>
      fetch(`${s.baseUrl}/fintoc${p}`, { method, headers: { authorization: KEY, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const monato = (s: RunningServer, token: string, method: string, p: string, body?: unknown) =>
      fetch(`${s.baseUrl}/monato${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const tokenOf = async (s: RunningServer) => {
      const res = await fetch(`${s.baseUrl}/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`, {
        method: 'POST',
        headers: { 'x-api-key': MONATO.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret }),
      })
      return ((await res.json()) as { token: string }).token
    }

    // setup: funds, a webhook endpoint for every Fintoc event, a STATUS_UPDATE registration, a destination
    let server = await startMain(env)
    const account = ((await (await fintoc(server, 'GET', '/v2/accounts')).json()) as Array<{ id: string; root_account_number_id: string }>)[0]!
    await fintoc(server, 'POST', '/v1/webhook_endpoints', { url: hook.url, enabled_events: ['*'] })
    await fintoc(server, 'POST', '/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 100_000_000, currency: 'MXN' })
    let token = await tokenOf(server)
    const base = `/v1/clients/${MONATO.clientId}`
    await monato(server, token, 'POST', `${base}/webhooks`, { client_id: MONATO.clientId, url: hook.url, token: 'chaos', webhook_type: 'STATUS_UPDATE' })
    const destination = (
      (await (
        await monato(server, token, 'POST', `${base}/instruments`, {
          source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1',
          client_id: MONATO.clientId,
          type: 'RECEIVER',
          rfc: 'ND',
          alias: 'chaos',
          virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' },
        })
      ).json()) as { id: string }
    ).id
    await new Promise((r) => setTimeout(r, 600))

    const transfers: string[] = []
    const moneyOuts: string[] = []
    const kinds: string[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const s = server
      let dead = false
      const worker = async (n: number) => {
        for (let i = 0; !dead; i++) {
          try {
            if ((n + i) % 2 === 0) {
              const res = await fintoc(s, 'POST', '/v2/transfers', { amount: 100, currency: 'MXN', account_id: account.id, counterparty: { account_number: '012180015530983477' } })
              if (res.status === 201) transfers.push(((await res.json()) as { id: string }).id)
            } else {
              const res = await monato(s, token, 'POST', '/v1/transactions/money_out', {
                client_id: MONATO.clientId,
                source_instrument_id: MONATO.sourceInstrumentId,
                destination_instrument_id: destination,
                transaction_request: { amount: '1.00', currency: 'MXN' },
              })
              if (res.status === 200) moneyOuts.push(((await res.json()) as { id: string }).id)
            }
          } catch {
            // the process died under this request: it was never acknowledged
            return
          }
        }
      }
      const load = Array.from({ length: 8 }, (_, n) => worker(n))
      // kill somewhere between 100 ms and ~1.1 s in: settlements (300 ms) and slow deliveries (150 ms) are under way
      await new Promise((r) => setTimeout(r, 100 + Math.floor(rnd() * 1000)))
      if (round % 4 === 3) {
        // a clean stop compacts the data file: kill it during that compaction
        kinds.push('term+kill')
        s.child.kill('SIGTERM')
        await new Promise((r) => setTimeout(r, Math.floor(rnd() * 40)))
      } else kinds.push('kill')
      s.child.kill('SIGKILL')
      dead = true
      await s.exited
      await Promise.all(load)
      server = await startMain(env)
      token = await tokenOf(server)
    }

    // the last restart: time moves on (ten days covers every retry), everything must be final
    try {
      await fetch(`${server.baseUrl}/__admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 10 * 24 * 3600 * 1000 }) })
      // deliveries already under way when the advance began finish on their own
      const deadline = Date.now() + 15_000
      type Delivery = { id: string; status: string; attempts: unknown[] }
      let deliveries: Delivery[] = []
      while (Date.now() < deadline) {
        deliveries = ((await (await fetch(`${server.baseUrl}/__admin/webhooks/deliveries`)).json()) as { data: Delivery[] }).data
        if (deliveries.every((d) => d.status !== 'pending')) break
        await new Promise((r) => setTimeout(r, 100))
      }
      console.log(`chaos: seed ${SEED}, ${ROUNDS} rounds (${kinds.join(', ')}), ${transfers.length} transfers and ${moneyOuts.length} money outs acknowledged, ${deliveries.length} deliveries, receiver got ${hook.count()}`)
      expect(transfers.length).toBeGreaterThan(ROUNDS)
      expect(moneyOuts.length).toBeGreaterThan(ROUNDS)
      const stuck: string[] = []
      for (const id of transfers) {
        const t = (await (await fintoc(server, 'GET', `/v2/transfers/${id}`)).json()) as { status: string }
        if (t.status === 'pending' || t.status === 'return_pending') stuck.push(`${id} ${t.status}`)
      }
      for (const id of moneyOuts) {
        const t = (await (await monato(server, token, 'GET', `${base}/transactions/${id}`)).json()) as { transactionStatus: string }
        if (t.transactionStatus === 'INITIALIZED') stuck.push(`${id} INITIALIZED`)
      }
      expect(stuck).toEqual([])
      expect(deliveries.filter((d) => d.status === 'pending' || d.attempts.length === 0).map((d) => d.id)).toEqual([])
      // money adds up after every kill
      const saved = (await readDataFile(file)) as { fintoc: { accounts: Record<string, { available_balance: number; movementIds: string[] }>; movements: Record<string, { amount: number; direction: string }> } }
      for (const a of Object.values(saved.fintoc.accounts)) {
        const sum = a.movementIds.reduce((x, id) => x + (saved.fintoc.movements[id]!.direction === 'inbound' ? 1 : -1) * saved.fintoc.movements[id]!.amount, 0)
        expect(a.available_balance).toBe(sum)
      }
    } finally {
      server.child.kill('SIGKILL')
      await hook.close()
    }
  }, 240_000)
})
