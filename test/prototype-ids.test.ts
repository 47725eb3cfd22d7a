import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// Ids that are names of Object.prototype's members name no resource: never a 500, never a polluted prototype.

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
let sb: TestSandbox

beforeAll(async () => {
  sb = await makeSandbox({ env: { FINTOC_JWS: 'off' } })
})
afterAll(() => sb.close())

describe('prototype names as ids', () => {
  it('redeliver answers 404 and leaves Object.prototype alone', async () => {
    for (const id of NAMES) {
      const res = await sb.http.post(`/__admin/webhooks/deliveries/${id}/redeliver`)
      expect(res.status, id).toBe(404)
    }
    expect(({} as { status?: unknown }).status).toBeUndefined()
    expect((await sb.http.get('/__admin/requests?status=4xx')).status).toBe(200)
  })

  it('dashboard pages answer 404 inside the layout', async () => {
    const pages = ['/deliveries/', '/requests/', '/monato/clients/', '/monato/accounts/', '/monato/instruments/', '/monato/webhooks/', '/monato/transactions/', '/fintoc/transfers/', '/fintoc/organizations/']
    for (const page of pages) {
      for (const id of NAMES) {
        const res = await sb.http.get(`/__admin/ui${page}${id}`)
        expect(res.status, `${page}${id}`).toBe(404)
        expect(res.text, `${page}${id}`).toContain('<nav')
      }
    }
    for (const id of NAMES) {
      const res = await sb.http.get(`/__admin/ui/monato/transactions?client=${id}`)
      expect(res.status, id).toBeLessThan(500)
    }
  })

  it('the inbound-transfer admin route answers 404', async () => {
    for (const id of NAMES) {
      const res = await sb.http.post(`/__admin/fintoc/account_numbers/${id}/receive_transfer`).send({ amount: 100 })
      expect(res.status, id).toBe(404)
    }
  })
})
