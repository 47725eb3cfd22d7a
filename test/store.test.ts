import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStore } from '../src/core/store.js'
import { makeSandbox } from './helpers/sandbox.js'

describe('store', () => {
  it('in memory by default: nothing is written', async () => {
    const { store, restored } = await createStore(() => ({ n: 0 }))
    expect(restored).toBe(false)
    expect(store.persistent).toBe(false)
    await store.update((d) => {
      d.n++
    })
    expect(store.data.n).toBe(1)
  })

  it('with a file: concurrent updates are all persisted (batched) and a restart restores them', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'state.json')
    const { store } = await createStore(() => ({ items: [] as number[] }), file)
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.update((d) => d.items.push(i))))
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk.items).toHaveLength(200)
    const reopened = await createStore(() => ({ items: [] as number[] }), file)
    expect(reopened.restored).toBe(true)
    expect(reopened.store.data.items).toHaveLength(200)
  })

  it('every acknowledged update is on disk when its promise resolves', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'state.json')
    const { store } = await createStore(() => ({ items: [] as number[] }), file)
    for (let i = 0; i < 5; i++) {
      await store.update((d) => d.items.push(i))
      expect(JSON.parse(await readFile(file, 'utf8')).items).toHaveLength(i + 1)
    }
  })

  it('DATA_FILE: restarting the sandbox onto the same file restores organizations and ids', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'sandbox.json')
    const first = await makeSandbox({ env: { DATA_FILE: file } })
    const before = await first.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_persisted')
    expect(before.status).toBe(200)
    await first.close()
    const second = await makeSandbox({ env: { DATA_FILE: file } })
    const after = await second.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_persisted')
    expect(after.body).toEqual(before.body)
    const saved = await readFile(file, 'utf8')
    expect(saved).not.toContain('sk_test_persisted')
    await second.close()
  })
})

describe('a DATA_FILE that does not exist yet', () => {
  it('is seeded from the scenarios and written at boot', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'fresh.json')
    const sb = await makeSandbox({ env: { DATA_FILE: file } })
    const saved = JSON.parse(await readFile(file, 'utf8'))
    expect(Object.keys(saved.monato.clients)).toEqual(['c2d1d1e3-3340-4170-980e-e9269bbbc551'])
    expect(sb.logs()).not.toMatch(/state restored/)
    await sb.close()
  })
})
