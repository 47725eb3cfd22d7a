import { afterEach, beforeAll, beforeEach } from 'vitest'
import { type Receiver, startReceiver } from './receiver.js'
import { makeSandbox, type TestSandbox } from './sandbox.js'
import { specValidator } from './schemas.js'

// The setup the Fintoc payment tests share: a fresh sandbox per test, a receiver subscribed to every event of `key`,
// and the Fintoc spec's response validator.

/** the Chilean test values that pay (docs/fintoc.md: payment intents) */
export const CHILE = { username: '41614850-3', password: 'jonsnow', account: '422159212' }

export interface PaymentsSetup {
  sb: TestSandbox
  r: Receiver
  check: Awaited<ReturnType<typeof specValidator>>
}

/** registers the hooks; `use` receives each test's sandbox, receiver and validator (assign them to the file's variables) */
export function fintocPaymentsSetup(key: string, use: (setup: PaymentsSetup) => void): void {
  let check: PaymentsSetup['check']
  let current: PaymentsSetup | undefined
  beforeAll(async () => {
    check = await specValidator('specs/fintoc.yaml')
  })
  beforeEach(async () => {
    const sb = await makeSandbox()
    const r = await startReceiver()
    current = { sb, r, check }
    use(current)
    await sb.http.post('/fintoc/v1/webhook_endpoints').set('Authorization', key).send({ url: r.url, enabled_events: ['*'] })
  })
  afterEach(async () => {
    await current?.r.close()
    await current?.sb.close()
    current = undefined
  })
}
