import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fintocError, makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// v2 cursor lists walk back with `ending_before`: the page just newer than the cursor, newest first.

const KEY = 'sk_test_ending_before_pages'
let sb: TestSandbox
const ids: string[] = []

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
  for (let i = 1; i <= 5; i++) {
    const res = await sb.http.post('/fintoc/v2/customers').set('Authorization', KEY).send({ email: `c${i}@example.com`, name: `Customer ${i}` })
    expect(res.status).toBe(201)
    ids.push(res.body.id)
  }
})
afterAll(() => sb.close())

const list = (query: string) => sb.http.get(`/fintoc/v2/customers?${query}`).set('Authorization', KEY)
const idsOf = (body: Array<{ id: string }>) => body.map((c) => c.id)

describe('GET /v2/customers?ending_before', () => {
  it('answers the page before the cursor, newest first, with the next page in Link', async () => {
    const first = await list('limit=2')
    expect(idsOf(first.body)).toEqual([ids[4], ids[3]])
    const second = await list(`limit=2&starting_after=${ids[3]}`)
    expect(idsOf(second.body)).toEqual([ids[2], ids[1]])
    // back from the second page's first record: the first page again
    const back = await list(`limit=2&ending_before=${ids[2]}`)
    expect(back.status).toBe(200)
    expect(idsOf(back.body)).toEqual([ids[4], ids[3]])
    expect(back.headers.link).toContain(`starting_after=${ids[3]}`)
    expect(back.headers.link).not.toContain('ending_before')
    // fewer than `limit` newer records: only those
    expect(idsOf((await list(`limit=3&ending_before=${ids[3]}`)).body)).toEqual([ids[4]])
  })

  it('answers an empty page before the newest record', async () => {
    const res = await list(`ending_before=${ids[4]}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual([])
    expect(res.headers.link ?? '').toBe('')
  })

  it('refuses an unknown cursor and both cursors together, naming the parameter', async () => {
    const unknown = await list('ending_before=cus_nope')
    expect(unknown.status).toBe(400)
    expect(fintocError(unknown.body)).toMatchObject({ param: 'ending_before', code: 'invalid_params' })
    const both = await list(`starting_after=${ids[1]}&ending_before=${ids[3]}`)
    expect(both.status).toBe(400)
    expect(fintocError(both.body)).toMatchObject({ param: 'ending_before' })
  })

  it('never reaches another organization’s records', async () => {
    const other = await sb.http.get(`/fintoc/v2/customers?ending_before=${ids[2]}`).set('Authorization', 'sk_test_ending_before_other')
    expect(other.status).toBe(400)
  })
})
