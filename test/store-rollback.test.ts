import { mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isStorageError } from '../src/core/storage-error.js'
import { createStore } from '../src/core/store.js'
import { logPathOf, readDataFile } from '../src/core/store-file.js'
import { fintocError, makeSandbox, monatoError } from './helpers/sandbox.js'

// A disk that refuses writes, for real: the log (or the compaction's temporary file) is a link to /dev/full,
// where every write fails with ENOSPC from the kernel. Removing the link is the disk getting room again.

const tempFile = async (name = 'state.json') => path.join(await mkdtemp(path.join(tmpdir(), 'fmm-full-')), name)
const fillDisk = async (target: string) => {
  await rm(target, { force: true })
  await symlink('/dev/full', target)
}
const freeDisk = (target: string) => rm(target, { force: true })

interface Doc {
  n: number
  items: number[]
  byId: Record<string, { name: string; tags?: string[] }>
}
const empty = (): Doc => ({ n: 0, items: [], byId: {} })

describe('a write the disk refuses is taken back in memory', () => {
  it('the update rejects with ENOSPC and every kind of change it made is undone', async () => {
    const file = await tempFile()
    const { store } = await createStore(empty, file)
    await store.update((d) => {
      d.n = 1
      d.items.push(1, 2, 3)
      d.byId.a = { name: 'a', tags: ['x'] }
      d.byId.b = { name: 'b' }
    })
    const before = structuredClone(store.data)
    await fillDisk(logPathOf(file))
    const failed = store.update((d) => {
      d.n = 2
      d.items.push(4)
      d.items.splice(0, 1)
      d.items.length = 1
      d.byId.a!.name = 'renamed'
      d.byId.a!.tags!.push('y')
      delete d.byId.b
      d.byId.c = { name: 'c' }
    })
    const err = await failed.catch((e: unknown) => e)
    expect(isStorageError(err)).toBe(true)
    expect((err as { code: string }).code).toBe('ENOSPC')
    expect(store.data).toEqual(before)
    expect(Object.keys(store.data.byId)).toEqual(['a', 'b'])
  })

  it('every change not yet on disk is taken back, durable: false ones too, and each caller hears of it', async () => {
    const file = await tempFile()
    const { store } = await createStore(empty, file)
    await fillDisk(logPathOf(file))
    const quiet = store.update((d) => d.items.push(0), { durable: false })
    await expect(quiet).resolves.toBe(1) // it did not wait
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.update((d) => d.items.push(i + 1))))
    expect(outcomes.every((o) => o.status === 'rejected' && isStorageError(o.reason))).toBe(true)
    expect(store.data.items).toEqual([])
    // a read of that moment waits for the writes it may rest on, and hears of their failure too
    await freeDisk(logPathOf(file))
    await fillDisk(logPathOf(file))
    const pending = store.update((d) => {
      d.n = 5
    })
    const read = store.update((d) => d.n)
    await expect(pending).rejects.toThrow(/ENOSPC/)
    await expect(read).rejects.toThrow(/ENOSPC/)
    expect(store.data.n).toBe(0)
  })

  it('once the disk has room, writes work again and the file holds exactly what was acknowledged', async () => {
    const file = await tempFile()
    const { store } = await createStore(empty, file)
    await store.update((d) => d.items.push(1))
    await fillDisk(logPathOf(file))
    await expect(store.update((d) => d.items.push(2))).rejects.toThrow()
    await freeDisk(logPathOf(file))
    await store.update((d) => d.items.push(3))
    expect(store.data.items).toEqual([1, 3])
    expect(((await readDataFile(file)) as Doc).items).toEqual([1, 3])
    const reopened = await createStore(empty, file)
    expect(reopened.store.data.items).toEqual([1, 3])
  })

  it('a refused replace (a reset or snapshot restore) leaves the previous state in place', async () => {
    const file = await tempFile()
    const { store } = await createStore(empty, file)
    await store.update((d) => {
      d.n = 7
    })
    await fillDisk(`${file}.tmp`)
    await expect(store.replace({ n: 99, items: [9], byId: {} })).rejects.toThrow(/ENOSPC/)
    expect(store.data.n).toBe(7)
    // the half-written copy was removed, so the next try has the room
    await store.replace({ n: 100, items: [], byId: {} })
    expect(((await readDataFile(file)) as Doc).n).toBe(100)
  })

  it('an update that throws after writing leaves nothing behind', async () => {
    const { store } = await createStore(empty, await tempFile())
    await expect(
      store.update((d) => {
        d.n = 3
        d.items.push(3)
        throw new Error('changed its mind')
      }),
    ).rejects.toThrow('changed its mind')
    expect(store.data).toEqual(empty())
  })
})

describe('through the API, on a disk that refuses writes', () => {
  it('Fintoc answers 503 in its envelope, applies nothing, and the Idempotency-Key stays free for the retry', async () => {
    const file = await tempFile('sandbox.json')
    const sb = await makeSandbox({ env: { DATA_FILE: file, FINTOC_JWS: 'off' } })
    const key = 'sk_test_fulldisk'
    const auth = { Authorization: key }
    const account = (await sb.http.get('/fintoc/v2/accounts').set(auth)).body[0] as { id: string; root_account_number_id: string; available_balance: number }
    await sb.http.post('/fintoc/v2/simulate/receive_transfer').set(auth).send({ account_number_id: account.root_account_number_id, amount: 50_000, currency: 'MXN' })
    await sb.http.post('/__admin/clock/advance').send({ ms: 60_000 })
    const transfer = { account_id: account.id, amount: 1_000, currency: 'MXN', counterparty: { account_number: '012969100000000013' } }
    const listed = async () => (await sb.http.get('/fintoc/v2/transfers').set(auth)).body as unknown[]
    const before = (await listed()).length // the inbound transfer
    await fillDisk(logPathOf(file))
    const refused = await sb.http.post('/fintoc/v2/transfers').set(auth).set('Idempotency-Key', 'k-1').send(transfer)
    expect(refused.status, JSON.stringify(refused.body)).toBe(503)
    expect(refused.headers['retry-after']).toBe('1')
    expect(fintocError(refused.body)).toMatchObject({ type: 'api_error', code: 'service_unavailable' })
    expect(refused.body.error.message).toContain('ENOSPC')
    // the admin API answers the same way (a reset rewrites the whole file)
    await fillDisk(`${file}.tmp`)
    const adminRefused = await sb.http.post('/__admin/reset')
    expect(adminRefused.status).toBe(503)
    expect(adminRefused.body.error.message).toContain('ENOSPC')
    await freeDisk(logPathOf(file))
    expect(await listed()).toHaveLength(before)
    const balance = (await sb.http.get(`/fintoc/v2/accounts/${account.id}`).set(auth)).body.available_balance
    expect(balance).toBe(50_000)
    // the same key now runs the request (no replayed 503, no 409 in progress)
    const retried = await sb.http.post('/fintoc/v2/transfers').set(auth).set('Idempotency-Key', 'k-1').send(transfer)
    expect(retried.status).toBe(201)
    const replay = await sb.http.post('/fintoc/v2/transfers').set(auth).set('Idempotency-Key', 'k-1').send(transfer)
    expect(replay.body.id).toBe(retried.body.id)
    expect(await listed()).toHaveLength(before + 1)
    // one line when an outage starts and one when it ends, not one per refused request
    const failures = sb.logs().match(/a write failed \(ENOSPC\)/g) ?? []
    expect(failures.length).toBeGreaterThan(0)
    expect(sb.logs().match(/writes work again/g)).toHaveLength(failures.length)
    await sb.close()
  })

  it('Monato answers UNAVAILABLE (14) with 503', async () => {
    const file = await tempFile('sandbox.json')
    const sb = await makeSandbox({ env: { DATA_FILE: file } })
    await fillDisk(logPathOf(file))
    const { MONATO } = await import('./helpers/sandbox.js')
    const res = await sb.http
      .post(`/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`)
      .set('x-api-key', MONATO.apiKey)
      .send({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret })
    if (res.status === 200) {
      // issuing a token writes nothing: a write comes with a registration
      const reg = await sb.http
        .post(`/monato/v1/clients/${MONATO.clientId}/webhooks`)
        .set('Authorization', `Bearer ${res.body.token}`)
        .send({ client_id: MONATO.clientId, url: 'http://127.0.0.1:9/hooks', token: 't', webhook_type: 'MONEY_IN' })
      expect(reg.status).toBe(503)
      expect(monatoError(reg.body)).toMatchObject({ code: 14 })
    } else {
      expect(res.status).toBe(503)
      expect(monatoError(res.body)).toMatchObject({ code: 14 })
    }
    await freeDisk(logPathOf(file))
    await sb.close()
  })
})
