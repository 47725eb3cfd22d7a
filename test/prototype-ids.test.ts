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

  it('the hosted checkout page answers its not-found page, not a 500', async () => {
    for (const id of NAMES) {
      const res = await sb.http.get(`/fintoc/checkout/${id}`)
      expect(res.status, id).toBe(404)
    }
  })

  it('forced transitions and payments of the control API answer 404', async () => {
    const routes: Array<[string, object]> = [
      ['/__admin/fintoc/transfers/ID/transition', { to: 'succeeded' }],
      ['/__admin/fintoc/account_verifications/ID/transition', { to: 'succeeded' }],
      ['/__admin/fintoc/payment_intents/ID/transition', { to: 'succeeded' }],
      ['/__admin/fintoc/payment_intents/ID/pay', { username: '41614850-3', password: 'jonsnow', account: '422159212' }],
      ['/__admin/fintoc/checkout_sessions/ID/transition', { to: 'expired' }],
      ['/__admin/fintoc/checkout_sessions/ID/pay', { username: '41614850-3', password: 'jonsnow', account: '422159212' }],
      ['/__admin/fintoc/refunds/ID/transition', { to: 'succeeded' }],
      ['/__admin/monato/transactions/ID/transition', { to: 'LIQUIDATED' }],
    ]
    for (const [route, body] of routes) {
      for (const id of NAMES) {
        const res = await sb.http.post(route.replace('ID', id)).send(body)
        expect(res.status, `${route} ${id}: ${JSON.stringify(res.body)}`).toBe(404)
      }
    }
  })

  it('the inbound-transfer admin route answers 404', async () => {
    for (const id of NAMES) {
      const res = await sb.http.post(`/__admin/fintoc/account_numbers/${id}/receive_transfer`).send({ amount: 100 })
      expect(res.status, id).toBe(404)
    }
  })
})
