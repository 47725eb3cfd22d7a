import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { IdempotencyState } from '../src/core/idempotency.js'
import type { JobsState } from '../src/core/scheduler.js'
import type { DeliveriesState } from '../src/core/webhooks.js'
import { hashKey } from '../src/providers/fintoc/auth.js'
import type { FintocState } from '../src/providers/fintoc/state.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Issue #14 §5: organizations made on the fly by new sk_test_ keys were never freed (200k keys: 566 MB).

let sb: TestSandbox | undefined
const dirs: string[] = []
afterEach(async () => {
  await sb?.close()
  sb = undefined
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const fintoc = (box: TestSandbox) => box.store.data.fintoc as FintocState
const core = (box: TestSandbox) => box.store.data.core as JobsState & { idempotency: IdempotencyState; webhooks: DeliveriesState }
const orgOf = (box: TestSandbox, key: string) => fintoc(box).orgs[fintoc(box).keyIndex[hashKey(key)] ?? '']
const accounts = async (box: TestSandbox, key: string) => {
  const res = await box.http.get('/fintoc/v2/accounts').set('Authorization', key)
  expect(res.status).toBe(200)
  return res.body as Array<{ id: string; available_balance: number; root_account_number_id: string }>
}

/** every id of every Fintoc record that names `orgId`, and the org itself */
function recordsOf(box: TestSandbox, orgId: string): string[] {
  const s = fintoc(box)
  const found: string[] = s.orgs[orgId] ? [orgId] : []
  for (const map of [s.entities, s.accounts, s.accountNumbers, s.transfers, s.movements, s.events, s.verifications, s.webhookEndpoints, s.paymentIntents]) {
    for (const r of Object.values(map as Record<string, { id: string; orgId: string }>)) if (r.orgId === orgId) found.push(r.id)
  }
  return found
}

describe('organizations made on the fly', () => {
  it('are freed once idle past FINTOC_ORG_IDLE_TTL_MS, with everything that names them; the key then gets a new empty one', async () => {
    const box = await makeSandbox({ env: { FINTOC_JWS: 'off', FINTOC_ORG_IDLE_TTL_MS: '1600' } })
    sb = box
    const idle = 'sk_test_lifetime_idle'
    const busy = 'sk_test_lifetime_busy'
    const declared = 'sk_test_lifetime_declared'
    const adopted = 'sk_test_lifetime_adopted'
    await accounts(box, adopted)
    await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: declared, balance: 500 }, { api_key: adopted }] } })
    const [root] = await accounts(box, idle)
    await accounts(box, busy)
    // a receiver that refuses connections: the delivery stays pending with a retry scheduled
    expect((await box.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', idle).send({ url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] })).status).toBe(201)
    const receive = () => box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', idle)
    expect((await receive().set('Idempotency-Key', 'lifetime-1').send({ account_number_id: root!.root_account_number_id, amount: 700, currency: 'MXN' })).status).toBe(201)
    await box.http.post('/__admin/clock/advance').send({ ms: 1000 })
    expect((await receive().send({ account_number_id: root!.root_account_number_id, amount: 800, currency: 'MXN' })).status).toBe(201)
    expect((await box.http.post('/fintoc/v1/payment_intents').set('Authorization', idle).send({ amount: 100, currency: 'MXN' })).status).toBe(201)

    const orgId = orgOf(box, idle)!.id
    expect(orgOf(box, idle)!.auto).toBe(true)
    const owned = new Set(recordsOf(box, orgId))
    const names = (ref: string) => owned.has(ref.split('@')[0]!)
    // what the core holds for it: a settlement and an expiry, a pending delivery and its retry, an idempotency record
    expect(Object.values(core(box).jobs).filter((j) => names(j.ref)).length).toBeGreaterThanOrEqual(2)
    const delivery = Object.values(core(box).webhooks.deliveries).find((d) => d.endpointId !== null && owned.has(d.endpointId))!
    expect(delivery.status).toBe('pending')
    expect(Object.values(core(box).jobs).some((j) => j.ref.startsWith(`${delivery.id}@`))).toBe(true)
    expect(Object.keys(core(box).idempotency.records).some((id) => id.startsWith(`${orgId}\u0000`))).toBe(true)

    await sleep(1000)
    await accounts(box, busy)
    await sleep(1000)
    // the idle one is freed on the next request; the one used a second ago stays
    await accounts(box, busy)
    expect(recordsOf(box, orgId)).toEqual([])
    expect(Object.values(fintoc(box).keyIndex)).not.toContain(orgId)
    expect(Object.values(core(box).jobs).filter((j) => names(j.ref) || j.ref.startsWith(`${delivery.id}@`))).toEqual([])
    expect(core(box).webhooks.deliveries[delivery.id]).toBeUndefined()
    expect(core(box).webhooks.order).not.toContain(delivery.id)
    expect(Object.keys(core(box).idempotency.records).filter((id) => id.startsWith(`${orgId}\u0000`))).toEqual([])
    expect(box.logs()).toMatch(/"freed":1,.*freed 1 idle organizations made on the fly/)
    // the state still passes its own schema: nothing names a record that is gone
    const snapshot = (await box.http.get('/__admin/snapshot')).body
    expect((await box.http.post('/__admin/snapshot').send(snapshot)).status).toBe(200)

    // declared ones stay however idle, including one a request made before a scenario declared it
    expect((await accounts(box, declared))[0]!.available_balance).toBe(500)
    expect(orgOf(box, adopted)!.auto).toBeUndefined()
    expect(orgOf(box, busy)).toBeDefined()
    // the same key again: a new, empty organization
    const again = await accounts(box, idle)
    expect(again).toHaveLength(1)
    expect(again[0]!.id).not.toBe(root!.id)
    expect(again[0]!.available_balance).toBe(0)
    expect(orgOf(box, idle)!.id).not.toBe(orgId)
    // what was scheduled for the freed one never runs
    await box.http.post('/__admin/clock/advance').send({ ms: 24 * 3600 * 1000 })
    expect((await box.http.get('/fintoc/v2/transfers').set('Authorization', idle)).body).toEqual([])
  })

  it('past FINTOC_MAX_AUTO_ORGS, one more frees the least recently used that has been idle a second', async () => {
    const box = await makeSandbox({ env: { FINTOC_MAX_AUTO_ORGS: '3' } })
    sb = box
    const key = (n: number) => `sk_test_lifetime_cap_${n}`
    for (const n of [1, 2, 3]) await accounts(box, key(n))
    const first = Object.fromEntries([1, 2, 3].map((n) => [n, orgOf(box, key(n))!.id]))
    await sleep(1100)
    await accounts(box, key(1))
    await accounts(box, key(4))
    // 2 was the least recently used
    expect(fintoc(box).orgs[first[2]!]).toBeUndefined()
    expect(Object.keys(fintoc(box).orgs).sort()).toEqual([first[1], first[3], orgOf(box, key(4))!.id].sort())
    await accounts(box, key(5))
    expect(fintoc(box).orgs[first[3]!]).toBeUndefined()
    // every other one was used within the last second (a request may be under way): the cap waits
    await accounts(box, key(6))
    expect(Object.keys(fintoc(box).orgs)).toHaveLength(4)
    expect(fintoc(box).orgs[first[1]!]).toBeDefined()
    expect(box.logs()).toMatch(/freed 1 idle organizations made on the fly/)
  })

  it('stored ones count as used at boot, and keep their mark across a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'org-lifetime-'))
    dirs.push(dir)
    const env = { DATA_FILE: path.join(dir, 'state.json'), FINTOC_ORG_IDLE_TTL_MS: '1500' }
    const first = await makeSandbox({ env })
    await accounts(first, 'sk_test_lifetime_stored')
    const orgId = orgOf(first, 'sk_test_lifetime_stored')!.id
    await first.close()
    // idle for longer than the TTL while the sandbox was down
    await sleep(1600)
    const box = await makeSandbox({ env })
    sb = box
    expect(fintoc(box).orgs[orgId]!.auto).toBe(true)
    await accounts(box, 'sk_test_lifetime_other')
    expect(fintoc(box).orgs[orgId]).toBeDefined()
    await sleep(1600)
    await accounts(box, 'sk_test_lifetime_other')
    expect(fintoc(box).orgs[orgId]).toBeUndefined()
    expect(Object.values(fintoc(box).keyIndex)).not.toContain(orgId)
    // and it is gone from the data file too
    await box.close()
    sb = await makeSandbox({ env })
    expect(recordsOf(sb, orgId)).toEqual([])
    expect(Object.values(fintoc(sb).keyIndex)).not.toContain(orgId)
  })

  it('POST /__admin/reset frees them all, with their jobs, deliveries and idempotency records', async () => {
    const box = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
    sb = box
    await box.http.post('/__admin/scenarios').send({ fintoc: { organizations: [{ api_key: 'sk_test_lifetime_kept', balance: 5 }] } })
    for (let i = 0; i < 50; i++) {
      const key = `sk_test_lifetime_reset_${i}`
      const [a] = await accounts(box, key)
      await box.http.post('/fintoc/v2/simulate/receive_transfer').set('Authorization', key).set('Idempotency-Key', `reset-${i}`).send({ account_number_id: a!.root_account_number_id, amount: 1, currency: 'MXN' })
    }
    expect(Object.keys(fintoc(box).orgs)).toHaveLength(51)
    expect(Object.keys(core(box).jobs).length).toBeGreaterThanOrEqual(50)
    await box.http.post('/__admin/reset')
    expect(Object.keys(fintoc(box).orgs)).toHaveLength(1)
    expect(Object.keys(fintoc(box).keyIndex)).toEqual([hashKey('sk_test_lifetime_kept')])
    expect(Object.keys(fintoc(box).transfers)).toHaveLength(1)
    expect(core(box).jobs).toEqual({})
    expect(core(box).idempotency.records).toEqual({})
    expect((await accounts(box, 'sk_test_lifetime_kept'))[0]!.available_balance).toBe(5)
  })

  it.each([
    ['FINTOC_ORG_IDLE_TTL_MS', 'abc'],
    ['FINTOC_ORG_IDLE_TTL_MS', '-1'],
    ['FINTOC_MAX_AUTO_ORGS', '2.5'],
  ])('%s=%s stops the sandbox with one line naming it', async (name, value) => {
    await expect(makeSandbox({ env: { [name]: value } })).rejects.toThrow(new RegExp(`^invalid configuration: ${name}: must be a whole number of \\w+ \\(0: no limit\\)$`))
  })
})
