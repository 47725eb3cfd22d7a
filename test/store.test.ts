import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createStore } from '../src/core/store.js'
import { logPathOf, readDataFile, writeBaseSync } from '../src/core/store-file.js'
import { fintocError, makeSandbox } from './helpers/sandbox.js'

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
    const onDisk = (await readDataFile(file)) as { items: number[] }
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
      expect(((await readDataFile(file)) as { items: number[] }).items).toHaveLength(i + 1)
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
    const saved = `${await readFile(file, 'utf8')}${await readFile(logPathOf(file), 'utf8')}`
    expect(saved).not.toContain('sk_test_persisted')
    await second.close()
  })
})

describe('a DATA_FILE that does not exist yet', () => {
  it('is seeded from the scenarios and written at boot', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'fresh.json')
    const sb = await makeSandbox({ env: { DATA_FILE: file } })
    // one JSON document, its format named first, the state inside
    const saved = JSON.parse(await readFile(file, 'utf8'))
    expect(saved).toMatchObject({ format: 'fintoc-monato-mock', version: 2, seq: 0 })
    expect(Object.keys(saved.state.monato.clients)).toEqual(['c2d1d1e3-3340-4170-980e-e9269bbbc551'])
    expect(sb.logs()).not.toMatch(/state restored/)
    await sb.close()
  })
})

describe('the data file log', () => {
  const tmpFile = async () => path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'state.json')
  type Doc = { records: Record<string, { n: number; tags: string[] }>; list: number[]; counter: number }
  const empty = (): Doc => ({ records: {}, list: [], counter: 0 })

  it('appends only what a write changed: the log grows by the record, not by the document', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    await store.replace({ records: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`r${i}`, { n: i, tags: ['x'] }])), list: [], counter: 0 })
    const base = (await stat(file)).size
    await store.update((d) => {
      d.records.r5!.n = 55
    })
    const log = await readFile(logPathOf(file), 'utf8')
    expect(log.trim().split('\n')).toHaveLength(1)
    expect(log.length).toBeLessThan(base / 100)
    // `<seq> <crc32> <changes>`
    const [seq, sum, json] = log.trim().split(' ')
    expect(seq).toBe('1')
    expect(sum).toBe(crc32(json!).toString(16).padStart(8, '0'))
    expect(JSON.parse(json!)).toEqual([[['records', 'r5', 'n'], 55]])
  })

  it('concurrent pushes onto a long list log the new entries, never the list; a splice at its front logs it whole', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    await store.replace({ records: {}, list: Array.from({ length: 20_000 }, (_, i) => i), counter: 0 })
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.update((d) => d.list.push(100_000 + i))))
    const afterPushes = (await stat(logPathOf(file))).size
    expect(afterPushes).toBeLessThan(20_000)
    await store.update((d) => {
      d.list.splice(0, 1)
    })
    expect((await stat(logPathOf(file))).size - afterPushes).toBeGreaterThan(100_000)
    expect(await readDataFile(file)).toEqual(JSON.parse(JSON.stringify(store.data)))
  })

  it('replays sets, deletes, pushes, splices and nested new objects to exactly the live state', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    await store.update((d) => {
      d.records.a = { n: 1, tags: [] }
      d.records.a.tags.push('t1', 't2')
      d.records.b = { n: 2, tags: ['u'] }
      d.list.push(...Array.from({ length: 40 }, (_, i) => i))
    })
    await store.update((d) => {
      delete d.records.b
      d.list.splice(0, 30)
      d.counter++
      const copy = { ...d.records.a! }
      d.records.c = copy
      copy.n = 3
    })
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.update((d) => d.list.push(1000 + i))))
    expect(await readDataFile(file)).toEqual(JSON.parse(JSON.stringify(store.data)))
    // no proxy leaked into the state: the copied record is plain data
    expect(() => structuredClone(store.data)).not.toThrow()
  })

  it('a torn last line (killed mid-append) is ignored; a torn line in the middle is an error', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    await store.update((d) => {
      d.counter = 1
    })
    await store.update((d) => {
      d.counter = 2
    })
    await appendFile(logPathOf(file), '3 0000abcd [[["counter"],')
    expect(((await readDataFile(file)) as Doc).counter).toBe(2)
    await appendFile(logPathOf(file), '\n3 0000abcd [[["counter"],9]]\n')
    await expect(readDataFile(file)).rejects.toThrow(/^DATA_FILE \S+state\.json\.log: line 3 \(byte \d+\) fails its checksum, and line 4 follows it/)
  })

  it('after a boot on a torn last line, the next write starts a clean file (nothing glued to the torn bytes)', async () => {
    const file = await tmpFile()
    const first = await createStore(empty, file)
    await first.store.update((d) => {
      d.counter = 1
    })
    await appendFile(logPathOf(file), '2 0000abcd [[["counter"],')
    const second = await createStore(empty, file)
    expect(second.store.data.counter).toBe(1)
    await second.store.update((d) => {
      d.counter = 2
    })
    await second.store.update((d) => {
      d.counter = 3
    })
    // a third boot reads every acknowledged change, and the log holds no torn bytes
    expect((await readFile(logPathOf(file), 'utf8')).includes('[[["counter"],[')).toBe(false)
    expect(((await readDataFile(file)) as Doc).counter).toBe(3)
  })

  it('compacts: close() leaves one self-contained file and an empty log', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    for (let i = 0; i < 5; i++)
      await store.update((d) => {
        d.records[`k${i}`] = { n: i, tags: [] }
      })
    expect((await readFile(logPathOf(file), 'utf8')).length).toBeGreaterThan(0)
    await store.close()
    expect(await readFile(logPathOf(file), 'utf8')).toBe('')
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')).state.records)).toHaveLength(5)
    const reopened = await createStore(empty, file)
    expect(reopened.store.data).toEqual(store.data)
  })

  it('an update that throws leaves nothing half-written on disk', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    await store.update((d) => {
      d.counter = 1
    })
    await expect(
      store.update((d) => {
        if (d.counter > 0) throw new Error('refused')
        d.counter = 99
      }),
    ).rejects.toThrow('refused')
    expect(((await readDataFile(file)) as Doc).counter).toBe(1)
  })
})

describe('writeBaseSync (compaction)', () => {
  it('writes one JSON document, the state exactly as JSON.stringify has it, and reads back to the same state', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fmm-')), 'w.json')
    const value = {
      a: { b: { c: { d: [1, { e: 'ü🙂"\\' }] } }, skipped: undefined, n: null },
      list: [1, 2, { x: undefined }],
      big: Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, { i, s: 'x'.repeat(40) }])),
      empty: {},
      '"quoted": key{': { '}': '{', ',': [] },
    }
    Object.defineProperty(value, '__proto__', { value: { kept: true }, enumerable: true })
    const bytes = writeBaseSync(file, value, 7)
    const text = await readFile(file, 'utf8')
    expect(bytes).toBe(Buffer.byteLength(text))
    const doc = JSON.parse(text)
    expect(doc).toMatchObject({ format: 'fintoc-monato-mock', version: 2, seq: 7 })
    expect(JSON.stringify(doc.state)).toBe(JSON.stringify(value))
    // and the streaming reader builds the same state, a stored __proto__ key kept as plain data
    const back = (await readDataFile(file)) as Record<string, unknown>
    expect(JSON.stringify(back)).toBe(JSON.stringify(value))
    expect(Object.hasOwn(back, '__proto__')).toBe(true)
  })
})


describe('when the data file cannot be written', () => {
  it('answers in the provider envelope (500), never a bare error, and the server keeps serving', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fmm-'))
    const sb = await makeSandbox({ env: { DATA_FILE: path.join(dir, 'state.json') } })
    const ok = await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_diskgone')
    expect(ok.status).toBe(200)
    await rm(dir, { recursive: true, force: true })
    const res = await sb.http.post('/fintoc/v2/accounts').set('Authorization', 'sk_test_diskgone').set('Idempotency-Key', 'k-disk-1').send({ description: 'x' })
    expect(res.status).toBe(500)
    expect(fintocError(res.body)).toMatchObject({ type: 'api_error' })
    expect((await sb.http.get('/health')).status).toBe(200)
  })
})
