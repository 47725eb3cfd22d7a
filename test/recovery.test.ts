import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createClock } from '../src/core/clock.js'
import type { JobsState } from '../src/core/scheduler.js'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// Scheduled work is at-least-once: a job stays stored until its effect is applied, a restart runs it again,
// its effect applies once, and a boot finds unfinished resources whose job went missing.

const KEY = 'sk_test_recovery'
const START = Date.parse('2026-01-15T12:00:00Z')
const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close()
})

/** a manual clock is not part of the state: a later boot says where time stands */
async function boot(file: string, extra: Record<string, string> = {}, at = START) {
  const sb = await makeSandbox({ clock: createClock('manual', at), env: { DATA_FILE: file, FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', ...extra } })
  open.push(sb)
  return sb
}
const jobsOf = (sb: TestSandbox) => Object.values((sb.store.data.core as JobsState).jobs)
const api = (sb: TestSandbox) => ({
  get: (p: string) => sb.http.get(`/fintoc${p}`).set('Authorization', KEY),
  post: (p: string, body: object) => sb.http.post(`/fintoc${p}`).set('Authorization', KEY).send(body),
})
/** a crash: the process dies without close(); the next boot reads what the disk has */
async function crash(sb: TestSandbox) {
  sb.scheduler.stop()
  await sb.store.flush()
  open.splice(open.indexOf(sb), 1)
}

describe('at-least-once scheduled work', () => {
  it('a job stays stored while its delivery is under way; a crash then runs it again on the next boot', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-recovery-')), 'state.json')
    const hook: Receiver = await startReceiver()
    open.push(hook)
    hook.respond(() => 'hang')
    const first = await boot(file, { WEBHOOK_TIMEOUT_MS: '60000' })
    await api(first).post('/v1/webhook_endpoints', { url: hook.url, enabled_events: ['*'] })
    const account = (await api(first).get('/v2/accounts')).body[0]
    const inbound = (await api(first).post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 500, currency: 'MXN' })).body
    // the settlement runs, its event's first attempt hangs at the receiver
    void first.http.post('/__admin/clock/advance').send({ ms: 1000 }).then(() => undefined)
    while (hook.received.length === 0) await new Promise((r) => setTimeout(r, 10))
    expect(jobsOf(first).map((j) => j.type)).toEqual(['core.webhook.attempt'])
    await crash(first)

    hook.respond(() => 200)
    const second = await boot(file, {}, START + 1000)
    // the attempt is due: it runs at boot without an advance
    while (hook.received.length < 2) await new Promise((r) => setTimeout(r, 10))
    await second.http.post('/__admin/clock/advance').send({ ms: 0 })
    const deliveries = (await second.http.get('/__admin/webhooks/deliveries')).body.data
    expect(deliveries).toHaveLength(1)
    expect(deliveries[0]).toMatchObject({ eventType: 'transfer.inbound.succeeded', status: 'succeeded', attempts: [{ statusCode: 200 }] })
    expect((await api(second).get(`/v2/transfers/${inbound.id}`)).body.status).toBe('succeeded')
    expect(jobsOf(second)).toEqual([])
  })

  it('a settlement run twice (its job survived the crash) is applied once', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-recovery-')), 'state.json')
    const first = await boot(file)
    const account = (await api(first).get('/v2/accounts')).body[0]
    const inbound = (await api(first).post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 500, currency: 'MXN' })).body
    const [job] = jobsOf(first)
    await first.http.post('/__admin/clock/advance').send({ ms: 1000 })
    expect((await api(first).get(`/v2/accounts/${account.id}`)).body.available_balance).toBe(500)
    // what a crash between the effect and the job's removal leaves on disk: the job, stored again
    await first.store.update((s) => {
      ;(s.core as JobsState).jobs[job!.id] = { ...job! }
    })
    await crash(first)
    const second = await boot(file, {}, START + 1000)
    await second.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(jobsOf(second)).toEqual([])
    expect((await api(second).get(`/v2/accounts/${account.id}`)).body.available_balance).toBe(500)
    expect((await api(second).get(`/v2/accounts/${account.id}/movements`)).body).toHaveLength(1)
    expect((await api(second).get(`/v2/transfers/${inbound.id}`)).body.status).toBe('succeeded')
  })

  it('a webhook attempt job run twice sends once', async () => {
    const hook = await startReceiver()
    open.push(hook)
    const sb = await makeSandbox({ clock: createClock('manual', START), env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    open.push(sb)
    await api(sb).post('/v1/webhook_endpoints', { url: hook.url, enabled_events: ['*'] })
    const account = (await api(sb).get('/v2/accounts')).body[0]
    await api(sb).post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 500, currency: 'MXN' })
    await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
    const delivery = (await sb.http.get('/__admin/webhooks/deliveries')).body.data[0]
    expect(delivery.attempts).toHaveLength(1)
    // the same first-attempt job once more, as a restart after a crash would run it
    await sb.store.update((s) => sb.scheduler.schedule(s.core as JobsState, 'core.webhook.attempt', `${delivery.id}@0`, 0))
    await sb.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect(hook.received).toHaveLength(1)
    expect((await sb.http.get('/__admin/webhooks/deliveries')).body.data[0].attempts).toHaveLength(1)
    expect(jobsOf(sb)).toEqual([])
  })
})

describe('boot-time check', () => {
  it('an unfinished resource whose job is missing gets one at boot, and the boot says how many', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-recovery-')), 'state.json')
    const first = await boot(file)
    const account = (await api(first).get('/v2/accounts')).body[0]
    const inbound = (await api(first).post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 700, currency: 'MXN' })).body
    const intent = (await api(first).post('/v1/payment_intents', { amount: 1000, currency: 'MXN' })).body
    // a data file from a version that lost jobs: the pending transfer and the open intent have none
    await first.store.update((s) => {
      ;(s.core as JobsState).jobs = {}
    })
    await first.close()
    open.splice(open.indexOf(first), 1)

    const second = await boot(file)
    expect(second.logs()).toMatch(/"rescheduled":2\b.*unfinished resources without a scheduled job/)
    await second.http.post('/__admin/clock/advance').send({ ms: 0 })
    expect((await api(second).get(`/v2/transfers/${inbound.id}`)).body.status).toBe('succeeded')
    // the intent's expiry keeps its own due time (10 minutes after creation)
    expect((await api(second).get(`/v1/payment_intents/${intent.id}`)).body.status).toBe('created')
    await second.http.post('/__admin/clock/advance').send({ ms: 10 * 60 * 1000 })
    expect((await api(second).get(`/v1/payment_intents/${intent.id}`)).body.status).toBe('expired')
  })

  it('Monato: a money out and a penny validation whose jobs are missing settle after a boot', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-recovery-')), 'state.json')
    const first = await boot(file, { MONATO_SETTLE_DELAY_MS: '1000' })
    const token = await monatoToken(first)
    const base = `/monato/v1/clients/${MONATO.clientId}`
    const post = (sb: TestSandbox, p: string, body: object) => sb.http.post(p).set('Authorization', `Bearer ${token}`).send(body)
    const destination = (
      await post(first, `${base}/instruments`, {
        source_bank_id: '9d84b03a-28d1-4898-a69c-38824239e2b1',
        client_id: MONATO.clientId,
        type: 'RECEIVER',
        rfc: 'ND',
        alias: 'x',
        virtual_clabe: { destination_bank_id: '3054ff18-32a0-478d-b9fe-b5261f9a6e1f', clabe_number: '012180015530983477', holder_name: 'J' },
      })
    ).body.id
    const out = (await post(first, '/monato/v1/transactions/money_out', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { amount: '5.00', currency: 'MXN' } })).body
    const penny = (await post(first, '/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination })).body
    await first.store.update((s) => {
      ;(s.core as JobsState).jobs = {}
    })
    await first.close()
    open.splice(open.indexOf(first), 1)

    const second = await boot(file, { MONATO_SETTLE_DELAY_MS: '1000' })
    // the money out's and the penny's settlements, and the penny's CEP step
    expect(second.logs()).toMatch(/"rescheduled":3\b/)
    await second.http.post('/__admin/clock/advance').send({ ms: 0 })
    const get = async (id: string) => (await second.http.get(`${base}/transactions/${id}`).set('Authorization', `Bearer ${token}`)).body
    expect((await get(out.id)).transactionStatus).toBe('LIQUIDATED')
    expect(await get(penny.id)).toMatchObject({ transactionStatus: 'LIQUIDATED', metadata: { dataCep: { status: 'COMPLETED' } } })
  })

  it('a restored snapshot without jobs gets them too', async () => {
    const sb = await makeSandbox({ clock: createClock('manual', START), env: { FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000' } })
    open.push(sb)
    const account = (await api(sb).get('/v2/accounts')).body[0]
    const inbound = (await api(sb).post('/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 700, currency: 'MXN' })).body
    const snapshot = (await sb.http.get('/__admin/snapshot')).body
    snapshot.state.core.jobs = {}
    expect((await sb.http.post('/__admin/snapshot').send(snapshot)).body).toEqual({ restored: true })
    await sb.http.post('/__admin/clock/advance').send({ ms: 1000 })
    expect((await api(sb).get(`/v2/transfers/${inbound.id}`)).body.status).toBe('succeeded')
  })
})
