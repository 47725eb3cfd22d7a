import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { batchedDestination } from '../src/core/log-destination.js'
import { createLogger } from '../src/core/logger.js'

// stdout's destination, on a real file descriptor: every line out, in order, once; bounded when it cannot keep up.

let dir: string | undefined
let fd: number | undefined
const open = () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fmm-logdest-'))
  const file = path.join(dir, 'out.log')
  fd = openSync(file, 'w')
  return { fd, read: () => readFileSync(file, 'utf8') }
}
afterEach(() => {
  if (fd !== undefined) closeSync(fd)
  if (dir) rmSync(dir, { recursive: true, force: true })
  fd = dir = undefined
})

describe('batched log destination', () => {
  it('writes every line of a burst once and in order (those after the first queue behind the write in flight)', async () => {
    const out = open()
    const dest = batchedDestination(out.fd)
    const logger = createLogger('info', dest)
    for (let i = 0; i < 5000; i++) logger.info({ n: i }, 'line')
    await dest.drained()
    const lines = out.read().trim().split('\n').map((l) => JSON.parse(l) as { n: number; msg: string })
    expect(lines.map((l) => l.n)).toEqual(Array.from({ length: 5000 }, (_, i) => i))
  })

  it('drained resolves at once when idle; flushSync writes what is queued behind a write in flight', async () => {
    const out = open()
    const dest = batchedDestination(out.fd)
    await dest.drained()
    dest.write('a\n') // in flight
    dest.write('b\n') // queued
    dest.flushSync()
    await dest.drained()
    expect(out.read().split('\n').filter(Boolean).sort()).toEqual(['a', 'b'])
  })

  it('drops lines past its bound, counts them, and says so in a JSON line once it catches up', async () => {
    const out = open()
    const dest = batchedDestination(out.fd, { maxQueuedBytes: 10, now: () => 0 })
    dest.write('first\n') // goes straight out
    dest.write('second\n') // queued (7 bytes)
    dest.write('third-is-too-much\n') // over the bound: dropped
    dest.write('4th\n') // 7 + 4 bytes would pass the bound too: dropped
    await dest.drained()
    const lines = out.read().trim().split('\n')
    expect(lines.slice(0, 2)).toEqual(['first', 'second'])
    expect(JSON.parse(lines[2] as string)).toEqual({ level: 40, time: '1970-01-01T00:00:00.000Z', dropped: 2, msg: 'log lines dropped: the log output could not keep up' })
  })

  it('a single line past the bound, with nothing in flight, is still reported and drained', async () => {
    const out = open()
    const dest = batchedDestination(out.fd, { maxQueuedBytes: 4, now: () => 0 })
    dest.write('much too long\n')
    await dest.drained()
    expect(JSON.parse(out.read()).dropped).toBe(1)
  })

  it('a write error loses that batch only; the destination keeps accepting and drains', async () => {
    const bad = batchedDestination(987_654)
    bad.write('lost\n')
    bad.write('lost too\n')
    await bad.drained()
    bad.write('again\n')
    await bad.drained()
  })
})
