import { mkdtemp, readFile, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { crc32 } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { createStore } from '../src/core/store.js'
import { logPathOf, readDataFile, writeBaseSync } from '../src/core/store-file.js'
import { spawnMain } from './helpers/process.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Data files that cannot boot or would silently lose data: a foreign file is refused and left alone,
// a cut log says what it dropped, a damaged one stops the boot where it is damaged (unless told to go on).

type Doc = { records: Record<string, { n: number }>; list: number[]; counter: number }
const empty = (): Doc => ({ records: {}, list: [], counter: 0 })
const tmpFile = async (name = 'state.json') => path.join(await mkdtemp(path.join(tmpdir(), 'fmm-df-')), name)
const line = (seq: number, changes: unknown) => {
  const json = JSON.stringify(changes)
  return `${seq} ${crc32(json).toString(16).padStart(8, '0')} ${json}\n`
}
const open: TestSandbox[] = []
afterEach(async () => {
  for (const sb of open.splice(0)) await sb.close()
})

/** a file of `n` acknowledged batches, each setting counter = i */
async function written(n: number) {
  const file = await tmpFile()
  const { store } = await createStore(empty, file)
  for (let i = 1; i <= n; i++)
    await store.update((d) => {
      d.counter = i
      d.records[`r${i}`] = { n: i }
    })
  return file
}

describe('a file that is not this sandbox\'s', () => {
  it.each([
    ['a JSON array', '[]'],
    ['a JSON number', '42'],
    ['an object with keys (none)', '{}'],
    ['an object with keys name, version', '{"name":"other-tool","version":3}'],
    ['not JSON', 'hello, world'],
  ])('%s is refused with one line naming DATA_FILE, and never overwritten', async (what, content) => {
    const file = await tmpFile()
    await writeFile(file, content)
    const err = await makeSandbox({ env: { DATA_FILE: file } }).then(
      () => null,
      (e: Error) => e,
    )
    expect(err?.message).toMatch(new RegExp(`^DATA_FILE ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a data file of this sandbox`))
    expect(err?.message).toContain(what)
    expect(err?.message).not.toContain('\n')
    expect(await readFile(file, 'utf8')).toBe(content)
  })

  it('the server exits 1 with that one line, and the file is left as it was', async () => {
    const file = await tmpFile()
    await writeFile(file, '[1,2,3]')
    const p = spawnMain({ DATA_FILE: file })
    expect(await p.exited).toBe(1)
    expect(p.stderr().trim().split('\n')).toEqual([`fintoc-monato-mock: cannot start: DATA_FILE ${file}: not a data file of this sandbox (it holds a JSON array); refusing to read or overwrite it`])
    expect(await readFile(file, 'utf8')).toBe('[1,2,3]')
  })

  it('a data file written by an earlier version (one JSON document, bare log lines) boots and is rewritten in the new format', async () => {
    const file = await tmpFile()
    await writeFile(file, JSON.stringify({ records: { a: { n: 1 } }, list: [1], counter: 1 }))
    await writeFile(logPathOf(file), `${JSON.stringify([[['counter'], 2]])}\n`)
    const { store, restored } = await createStore(empty, file)
    expect(restored).toBe(true)
    expect(store.data).toEqual({ records: { a: { n: 1 } }, list: [1], counter: 2 })
    await store.update((d) => {
      d.counter = 3
    })
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 'fintoc-monato-mock', version: 2 })
    expect(await readDataFile(file)).toEqual({ records: { a: { n: 1 } }, list: [1], counter: 3 })
  })
})

describe('a log cut short or damaged', () => {
  it('cut in half (an interrupted copy): boots, and one warning line says how many bytes were dropped and the last batch applied', async () => {
    const file = await written(600)
    const size = (await stat(logPathOf(file))).size
    await truncate(logPathOf(file), Math.floor(size / 2))
    const sb = await makeSandboxOn(file)
    const warning = sb
      .logs()
      .split('\n')
      .find((l) => l.includes('dropped'))
    expect(warning).toBeDefined()
    const w = JSON.parse(warning!)
    expect(w.level).toBe(40)
    expect(w.msg).toMatch(/^DATA_FILE \S+\.log: dropped \d+ bytes from line \d+ \(ends without a newline\); the state is as of batch \d+$/)
    // the batches before the cut are all there, in order
    const state = sb.store.data as unknown as Doc
    expect(w.lastBatchApplied).toBe(state.counter)
    expect(state.counter).toBeGreaterThan(250)
    expect(state.counter).toBeLessThan(350)
    expect(Object.keys(state.records)).toHaveLength(state.counter)
    expect(w.droppedBytes).toBeGreaterThan(0)
  })

  it('a damaged line with more after it stops the boot at its line and byte; DATA_FILE_ACCEPT_LOSS=true drops it and what follows', async () => {
    const file = await written(10)
    const log = await readFile(logPathOf(file), 'utf8')
    const lines = log.split('\n')
    // one flipped digit inside line 5: its checksum no longer matches
    lines[4] = lines[4]!.replace(/"counter"\],5/, '"counter"],6')
    await writeFile(logPathOf(file), lines.join('\n'))
    const offset = lines.slice(0, 4).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)
    await expect(createStore(empty, file)).rejects.toThrow(`DATA_FILE ${logPathOf(file)}: line 5 (byte ${offset}) fails its checksum, and line 6 follows it: the file was damaged, not cut by a crash. Start with DATA_FILE_ACCEPT_LOSS=true to drop it and everything after it`)
    // nothing was written by the refused boot
    expect(await readFile(logPathOf(file), 'utf8')).toBe(lines.join('\n'))
    const { store, dropped } = await createStore(empty, file, { acceptLoss: true })
    expect(store.data.counter).toBe(4)
    expect(dropped).toMatchObject({ line: 5, reason: 'fails its checksum', afterSeq: 4 })
  })

  it('DATA_FILE_ACCEPT_LOSS=true is read from the environment: the sandbox boots and its warning names what was dropped', async () => {
    const file = await written(10)
    const lines = (await readFile(logPathOf(file), 'utf8')).split('\n')
    lines[4] = lines[4]!.replace(/"counter"\],5/, '"counter"],6')
    await writeFile(logPathOf(file), lines.join('\n'))
    await expect(makeSandboxOn(file)).rejects.toThrow(/line 5 \(byte \d+\) fails its checksum/)
    const sb = await makeSandboxOn(file, { DATA_FILE_ACCEPT_LOSS: 'true' })
    expect((sb.store.data as unknown as Doc).counter).toBe(4)
    expect(sb.logs()).toMatch(/dropped \d+ bytes from line 5 \(fails its checksum\); the state is as of batch 4/)
  })

  it('a missing batch (a gap in the sequence) is damage too', async () => {
    const file = await written(6)
    const lines = (await readFile(logPathOf(file), 'utf8')).split('\n')
    lines.splice(2, 1)
    await writeFile(logPathOf(file), lines.join('\n'))
    await expect(createStore(empty, file)).rejects.toThrow(/line 3 \(byte \d+\) skips from batch 2 to 4/)
  })

  it('batches already in the base (a crash between compaction and emptying the log) are not applied again', async () => {
    const file = await tmpFile()
    writeBaseSync(file, { records: {}, list: [7], counter: 5 }, 5)
    await writeFile(logPathOf(file), `${line(4, [[['counter'], 99]])}${line(5, [[['list', '1'], 8]])}${line(6, [[['counter'], 6]])}`)
    const { store } = await createStore(empty, file)
    expect(store.data).toEqual({ records: {}, list: [7], counter: 6 })
  })
})

describe('boot streams the file', () => {
  it('a file of 50,000 records and a long log boots to exactly the state that wrote it', async () => {
    const file = await tmpFile()
    const { store } = await createStore(empty, file)
    await store.replace({ records: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`r${i}`, { n: i }])), list: [], counter: 0 })
    await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        store.update((d) => {
          d.records[`r${i}`]!.n = -i
          d.list.push(i)
          d.counter++
        }),
      ),
    )
    const again = await createStore(empty, file)
    expect(again.store.data).toEqual(JSON.parse(JSON.stringify(store.data)))
    // the base is one entry per line: no line holds the whole state
    const longest = (await readFile(file, 'utf8')).split('\n').reduce((m, l) => Math.max(m, l.length), 0)
    expect(longest).toBeLessThan(100)
  })
})

let sandboxFiles = 0
/** a sandbox booted on a sandbox-shaped base plus the (cut) log of `file` */
async function makeSandboxOn(file: string, env: Record<string, string> = {}): Promise<TestSandbox> {
  // a file of its own per call: an earlier call may have left a damaged log behind
  const sandboxFile = file.replace(/state\.json$/, `sandbox-${++sandboxFiles}.json`)
  const fresh = await makeSandbox({ env: { DATA_FILE: sandboxFile } })
  const shape = JSON.parse(JSON.stringify(fresh.store.data)) as Record<string, unknown>
  await fresh.close()
  // the store-level batches land beside the sandbox's own parts (counter, records): enough to count them
  writeBaseSync(sandboxFile, shape, 0)
  await writeFile(logPathOf(sandboxFile), await readFile(logPathOf(file)))
  const sb = await makeSandbox({ env: { DATA_FILE: sandboxFile, ...env } })
  open.push(sb)
  return sb
}
