import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import type { FinishedRequest } from '../src/core/http/listener.js'
import { createJournal } from '../src/core/journal.js'

// The journal is a fixed ring written in place: what can go wrong is the order across the wrap, the bound,
// and masking on read. Over HTTP it is covered in admin.test.ts.

const finished = (n: number, headers: Record<string, string> = { host: 'x' }, body?: Buffer): FinishedRequest => ({
  requestId: `req_${n}`,
  provider: n % 2 ? 'fintoc' : 'monato',
  method: 'GET',
  path: `/p/${n}`,
  query: {},
  status: 200,
  durationMs: 1,
  req: { headers, body } as unknown as IncomingMessage & { body?: unknown },
})

describe('request journal ring', () => {
  it('keeps the newest N across several wraps, newest first, and filters', () => {
    const journal = createJournal(3, () => 0)
    for (let n = 1; n <= 8; n++) journal.record(finished(n))
    expect(journal.list().map((e) => e.requestId)).toEqual(['req_8', 'req_7', 'req_6'])
    expect(journal.list({ provider: 'fintoc' }).map((e) => e.requestId)).toEqual(['req_7'])
    expect(journal.list({ path: '/p/6' }).map((e) => e.requestId)).toEqual(['req_6'])
  })

  it('lists only what was recorded before the ring is full, and starts over after clear', () => {
    const journal = createJournal(5)
    journal.record(finished(1))
    journal.record(finished(2))
    expect(journal.list().map((e) => e.requestId)).toEqual(['req_2', 'req_1'])
    journal.clear()
    expect(journal.list()).toEqual([])
    journal.record(finished(3))
    expect(journal.list().map((e) => e.requestId)).toEqual(['req_3'])
  })

  it('masks secret headers when read', () => {
    const journal = createJournal(2)
    journal.record(finished(1, { authorization: 'sk_test_abcdefghijkl1234', 'x-tag': 'a, b', 'x-api-key': 'key-abcdefgh-5678' }))
    const [entry] = journal.list()
    expect(entry?.headers).toEqual({ authorization: 'sk_test_****1234', 'x-tag': 'a, b', 'x-api-key': '****5678' })
  })

  it('records nothing with size 0 and ignores non-provider requests', () => {
    const none = createJournal(0)
    none.record(finished(1))
    expect(none.list()).toEqual([])
    const journal = createJournal(2)
    journal.record({ ...finished(1), provider: undefined })
    expect(journal.list()).toEqual([])
  })

  it('shows a JSON body parsed and masked, and keeps no more of a large body than it shows', () => {
    const journal = createJournal(2)
    journal.record(finished(1, {}, Buffer.from(JSON.stringify({ client_secret: 'abcdefghijklmnop', amount: 5 }))))
    expect(journal.list()[0]?.body).toEqual({ client_secret: '****mnop', amount: 5 })
    journal.record(finished(2, {}, Buffer.alloc(200_000, 'a')))
    expect(String(journal.list()[0]?.body)).toHaveLength(64 * 1024)
  })
})
