import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { acquireDataFileLock, DataFileLockError } from '../src/core/data-file-lock.js'
import { sleep, tempDir } from './helpers/cli.js'

// Issue #15, "Bad input": one running sandbox per DATA_FILE, through `<DATA_FILE>.lock`.

const holder = (file: string) => JSON.parse(readFileSync(`${file}.lock`, 'utf8'))
const stateFile = async () => path.join(await tempDir(), 'state.json')
const OTHER_PID = 2 ** 22 + 17

describe('the DATA_FILE lock', () => {
  it('names its holder; a second taker is refused in one line and leaves nothing behind', async () => {
    const file = await stateFile()
    const lock = acquireDataFileLock(file)
    expect(holder(file)).toMatchObject({ pid: process.pid, host: hostname() })
    let error: unknown
    try {
      acquireDataFileLock(file, { pid: OTHER_PID })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(DataFileLockError)
    expect((error as Error).message).toMatch(new RegExp(`^DATA_FILE ${file} is in use by another running sandbox \\(pid ${process.pid}, since .*; lock ${file}\\.lock\\); stop it, or point DATA_FILE at another file$`))
    expect(readdirSync(path.dirname(file))).toEqual(['state.json.lock'])
    expect(holder(file).pid).toBe(process.pid)
    lock.release()
    expect(readdirSync(path.dirname(file))).toEqual([])
  })

  it('takes over the lock of a pid that is gone, and that of its own pid once its heartbeat stopped (a restarted container is pid 1 again)', async () => {
    const file = await stateFile()
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: OTHER_PID, host: hostname(), startedAt: 'then' }))
    const a = acquireDataFileLock(file, { alive: () => false })
    expect(holder(file).pid).toBe(process.pid)
    a.release()
    // its own pid with a fresh heartbeat is another container on the host's network and name: refused
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, host: hostname(), startedAt: 'then' }))
    expect(() => acquireDataFileLock(file, { pid: 1, alive: () => true, staleMs: 30_000 })).toThrow(/in use by another running sandbox \(pid 1, since then;/)
    const past = new Date(Date.now() - 60_000)
    utimesSync(`${file}.lock`, past, past)
    const b = acquireDataFileLock(file, { pid: 1, alive: () => true, staleMs: 30_000 })
    expect(holder(file)).toMatchObject({ pid: 1 })
    b.release()
    expect(readdirSync(path.dirname(file))).toEqual([])
  })

  it('judges another machine by its heartbeat: refused while fresh, taken over once stale', async () => {
    const file = await stateFile()
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: 1, host: 'another-container', startedAt: 'then' }))
    expect(() => acquireDataFileLock(file, { staleMs: 30_000 })).toThrow(/in use by another running sandbox \(pid 1 on another-container, since then;/)
    const past = new Date(Date.now() - 60_000)
    utimesSync(`${file}.lock`, past, past)
    const lock = acquireDataFileLock(file, { staleMs: 30_000 })
    expect(holder(file).host).toBe(hostname())
    lock.release()
  })

  it('keeps its heartbeat while held, and release leaves a lock that is no longer its own', async () => {
    const file = await stateFile()
    const lock = acquireDataFileLock(file, { heartbeatMs: 20 })
    const past = new Date(Date.now() - 60_000)
    utimesSync(`${file}.lock`, past, past)
    await sleep(100)
    expect(Date.now() - statSync(`${file}.lock`).mtimeMs).toBeLessThan(10_000)
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: OTHER_PID, host: hostname(), startedAt: 'later' }))
    lock.release()
    expect(holder(file).pid).toBe(OTHER_PID)
  })

  it('a folder where the lock cannot be made is one line naming DATA_FILE and the lock', async () => {
    const file = path.join(await tempDir(), 'missing', 'state.json')
    expect(() => acquireDataFileLock(file)).toThrow(new DataFileLockError(`DATA_FILE ${file}: cannot create its lock ${file}.lock (ENOENT); make its folder writable, or point DATA_FILE at a folder that is`))
  })
})
