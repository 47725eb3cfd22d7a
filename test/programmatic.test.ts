import { createRequire } from 'node:module'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type RunningSandbox, startSandbox } from '../src/index.js'
import { startReceiver } from './helpers/receiver.js'

// The sandbox as a user's test suite would run it: started in-process, one scenario object, manual clock.

const require = createRequire(import.meta.url)
let sandbox: RunningSandbox
const receiverPromise = startReceiver('/fintoc-hooks')

beforeAll(async () => {
  const receiver = await receiverPromise
  sandbox = await startSandbox({
    clock: 'manual',
    env: { FINTOC_JWS: 'off' },
    scenario: [
      'data/scenarios/default.json',
      { fintoc: { organizations: [{ api_key: 'sk_test_my_suite', webhook_endpoints: [{ url: receiver.url, enabled_events: ['*'], secret: 'whsec_my_suite' }] }] } },
    ],
  })
})
afterAll(async () => {
  await sandbox.close()
  await (await receiverPromise).close()
})
beforeEach(() => sandbox.reset())

describe('startSandbox', () => {
  it('serves both providers on a free port', async () => {
    expect(sandbox.fintocUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fintoc$/)
    const health = await fetch(`${sandbox.url}/health`)
    expect(health.status).toBe(200)
  })

  it('drives a transfer with the official SDK, advances time and waits for the webhook', async () => {
    require('fintoc/build/main/lib/constants').API_BASE_URL = sandbox.fintocUrl
    const { Fintoc, WebhookSignature } = require('fintoc')
    const fintoc = new Fintoc('sk_test_my_suite')
    const accounts = []
    for await (const a of await fintoc.v2.accounts.list()) accounts.push(a)
    const inbound = await fintoc.v2.simulate.receiveTransfer({ account_number_id: accounts[0].root_account_number_id, amount: 1000, currency: 'MXN' })
    await sandbox.advance(1000)
    const delivery = await sandbox.waitForWebhook((d) => (d.payload as { type: string }).type === 'transfer.inbound.succeeded')
    expect((delivery.payload as { data: { id: string } }).data.id).toBe(inbound.id)
    const received = (await receiverPromise).received.at(-1)!
    expect(() => WebhookSignature.verifyHeader(received.body, String(received.headers['fintoc-signature']), 'whsec_my_suite')).not.toThrow()
  })

  it('reset gives every test the same world', async () => {
    expect(sandbox.deliveries()).toEqual([])
    const res = await fetch(`${sandbox.fintocUrl}/v2/transfers`, { headers: { Authorization: 'sk_test_my_suite' } })
    expect(await res.json()).toEqual([])
  })

  it('waitForWebhook gives up with a clear error', async () => {
    await expect(sandbox.waitForWebhook(() => true, 50)).rejects.toThrow(/within 50 ms/)
  })
})
