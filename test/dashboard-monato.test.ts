import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from './helpers/receiver.js'
import { MONATO, makeSandbox, monatoToken, type TestSandbox } from './helpers/sandbox.js'

// The Monato section of the dashboard (/__admin/ui/monato/...), read over HTTP after driving the real Monato API.

const base = `/monato/v1/clients/${MONATO.clientId}`
const UI = '/__admin/ui/monato'
const CLABE = '734180000001233635'
const FINCO = '9d84b03a-28d1-4898-a69c-38824239e2b1'
const BANAMEX = '3054ff18-32a0-478d-b9fe-b5261f9a6e1f'
const SCRIPT = '<script>alert(1)</script>'
const IMG = '<img src=x onerror=alert(1)>'
const OTHER = { id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', apiKey: 'other_client_api_key_1234', secret: 'other_client_secret_ZZZZ9876' }

let sb: TestSandbox
let token: string
let hook: Receiver
type Made = 'webhook' | 'cepHook' | 'instrument' | 'penny' | 'account' | 'liquidated' | 'rejected' | 'refunded' | 'moneyIn' | 'refund' | 'pennyTx' | 'pending' | 'open'
const made = {} as Record<Made, string>

const api = (method: 'get' | 'post', url: string, body?: object) => {
  const req = sb.http[method](url).set('Authorization', `Bearer ${token}`)
  return body ? req.send(body) : req
}
async function ok<T extends { status: number; body: unknown }>(p: PromiseLike<T>): Promise<T> {
  const res = await p
  if (res.status >= 300) throw new Error(`${res.status} ${JSON.stringify(res.body)}`)
  return res
}
const page = async (path: string, status = 200) => {
  const res = await sb.http.get(`${UI}${path}`)
  expect(res.status, path).toBe(status)
  expect(res.type).toBe('text/html')
  return res.text
}
const instrument = (clabe: string, alias: string, holder: string) =>
  ok(api('post', `${base}/instruments`, { source_bank_id: FINCO, client_id: MONATO.clientId, type: 'RECEIVER', rfc: 'ND', alias, virtual_clabe: { destination_bank_id: BANAMEX, clabe_number: clabe, holder_name: holder } }))
const moneyOut = (destination: string, amount: string, description: string) =>
  ok(api('post', '/monato/v1/transactions/money_out', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: destination, transaction_request: { external_reference: '1234567', description, amount, currency: 'MXN' } }))
const moneyIn = (body: object) => ok(sb.http.post('/__admin/monato/money_in').send(body))
const advance = (ms: number) => ok(sb.http.post('/__admin/clock/advance').send({ ms }))
/** the rows of the page's table, by their transaction links */
const listedIds = (text: string) => [...text.matchAll(/href="\/__admin\/ui\/monato\/transactions\/([0-9a-f-]{36})"/g)].map((m) => m[1])

beforeAll(async () => {
  sb = await makeSandbox({ env: { MONATO_SETTLE_DELAY_MS: '1000' } })
  // a second client whose name and customer carry markup (names only come from scenarios)
  await ok(
    sb.http.post('/__admin/scenarios').send({
      monato: { clients: [{ id: OTHER.id, name: `Other ${SCRIPT}`, api_key: OTHER.apiKey, client_secret: OTHER.secret, customers: [{ id: 'bb1e8fde-e68e-48e9-a483-d32153c752c2', name: `Cust ${IMG}` }], accounts: [{ balance: '1500.00' }] }] },
    }),
  )
  token = await monatoToken(sb)
  hook = await startReceiver('/monato')
  made.webhook = (await ok(api('post', `${base}/webhooks`, { client_id: MONATO.clientId, url: hook.url, token: 'receiver-token-SECRET-9876', webhook_type: 'STATUS_UPDATE' }))).body.id
  made.cepHook = (await ok(api('post', `${base}/webhooks`, { client_id: MONATO.clientId, url: `${hook.url}/cep`, token: 'cep-token-SECRET-5432', webhook_type: 'CEP' }))).body.id
  // a receiver token is a secret: only its last 4 characters are shown, escaped like any value
  await ok(api('post', `${base}/webhooks`, { client_id: MONATO.clientId, url: `${hook.url}/in`, token: `tok-${SCRIPT}`, webhook_type: 'MONEY_IN' }))
  made.instrument = (await instrument('012180015530983477', `Alias ${SCRIPT}`, IMG)).body.id
  made.penny = (await instrument('002180000000004050', `P ${IMG}`, `Ana ${SCRIPT}`)).body.id
  made.account = (await ok(api('post', `${base}/private_accounts`, { bank_id: FINCO, owner_id: MONATO.clientId, client_bank_adapter_id: FINCO, client_id: MONATO.clientId, account_id: FINCO }))).body.id
  made.liquidated = (await moneyOut(made.instrument, '1234.56', SCRIPT)).body.id
  made.rejected = (await moneyOut(made.instrument, '1.01', IMG)).body.id
  made.refunded = (await moneyOut(made.instrument, '1.06', 'back')).body.id
  made.moneyIn = (await moneyIn({ clabe: CLABE, amount: '1234567.89', payer_name: `Payer ${SCRIPT}`, payment_concept: `C ${IMG}`, numeric_reference: '42' })).body.id
  made.refund = (await ok(api('post', `${base}/transactions/${made.moneyIn}/refund`, { amount: '1234567.89', description: `R ${SCRIPT}` }))).body.id
  made.pennyTx = (await ok(api('post', '/monato/v1/transactions/penny_validation', { client_id: MONATO.clientId, source_instrument_id: MONATO.sourceInstrumentId, destination_instrument_id: made.penny, description: `V ${IMG}` }))).body.id
  made.pending = (await moneyOut(made.instrument, '7.00', 'still pending')).body.id
  await ok(sb.http.post(`/__admin/monato/transactions/${made.pending}/transition`).send({ to: 'REJECTED', reason: 'NOPE' }))
  await advance(1000)
  await advance(1000)
  await advance(1000)
  made.open = (await moneyOut(made.instrument, '3.00', 'open one')).body.id
})
afterAll(async () => {
  await hook?.close()
  await sb?.close()
})

describe('Monato dashboard pages show what the API created', () => {
  it('clients: ids, names and counts; API keys and client secrets never in full', async () => {
    const text = await page('/clients')
    expect(text).toContain(MONATO.clientId)
    expect(text).toContain(OTHER.id)
    const detail = await page(`/clients/${MONATO.clientId}`)
    expect(detail).toContain('Sandbox Client')
    expect(detail).toContain('****0oWu')
    for (const t of [text, detail, await page(`/clients/${OTHER.id}`)]) {
      for (const secret of [MONATO.clientSecret, MONATO.apiKey, OTHER.apiKey, OTHER.secret]) expect(t).not.toContain(secret)
    }
    expect(detail).toContain(made.account)
    expect(detail).toContain(made.instrument)
  })

  it('accounts: balances as the API answers them, in pesos with exact centavos, and their CLABEs', async () => {
    const accounts = (await ok(api('get', `${base}/accounts`))).body.data as Array<{ id: string; clabeNumber: string; availableBalance: string }>
    const main = accounts.find((a) => a.clabeNumber === CLABE)!
    // 1,000,000.00 - 1,234.56 - 1.01 (back) - 1.06 (back) - 0.01 - 7.00 (back) - 3.00; the deposit came and went back
    expect(main.availableBalance).toBe('998762.43')
    const list = await page('/accounts')
    expect(list).toContain('$998,762.43 MXN')
    expect(list).toContain(CLABE)
    expect(list).toContain('$1,500.00 MXN')
    const detail = await page(`/accounts/${main.id}`)
    expect(detail).toContain('$998,762.43 MXN')
    expect(detail).toContain('availableBalance "998762.43"')
    expect(detail).toContain(`data-action="/__admin/monato/money_in"`)
    expect(detail).toContain(`value="${CLABE}"`)
    const fresh = await page(`/accounts/${made.account}`)
    expect(fresh).toContain('$0.00 MXN')
    expect(fresh).toContain(accounts.find((a) => a.id === made.account)!.clabeNumber)
  })

  it('instruments, webhook registrations (tokens masked) and CEPs', async () => {
    const instruments = await page('/instruments')
    expect(instruments).toContain(made.instrument)
    expect(instruments).toContain('012180015530983477')
    expect(await page(`/instruments/${made.instrument}`)).toContain('BBVA MEXICO')
    const hooks = await page('/webhooks')
    expect(hooks).toContain(made.webhook)
    expect(hooks).toContain(hook.url)
    expect(hooks).toContain('****9876')
    expect(hooks).toContain('****ipt&#62;')
    expect(hooks).not.toContain('tok-&#60;script')
    const hookPage = await page(`/webhooks/${made.cepHook}`)
    expect(hookPage).toContain('****5432')
    for (const t of [hooks, hookPage]) {
      expect(t).not.toContain('receiver-token-SECRET-9876')
      expect(t).not.toContain('cep-token-SECRET-5432')
    }
    const ceps = await page('/ceps')
    expect(listedIds(ceps)).toEqual([made.pennyTx])
    // the delayed CLABE reported DELAYED, then COMPLETED: the name is shown once the API shows it
    const api1 = (await ok(api('get', `${base}/transactions/${made.pennyTx}`))).body
    expect(api1.metadata.dataCep.status).toBe('COMPLETED')
    expect(ceps).toContain('COMPLETED')
    expect(ceps).toContain('Ana &#60;script&#62;')
  })

  it('a transaction page: fields, status timeline, CEP, API answer, links to its deliveries and requests', async () => {
    const text = await page(`/transactions/${made.rejected}`)
    expect(text).toContain('$1.01 MXN')
    expect(text).toContain('REJECTED')
    expect(text).toContain('NON_EXISTENT_ACCOUNT')
    expect(text).toMatch(/<ol class="timeline">.*INITIALIZED.*REJECTED.*<\/ol>/s)
    expect(text).toContain(`/__admin/ui/deliveries?resource_id=${made.rejected}`)
    expect(text).toContain(`/__admin/ui/requests?resource_id=${made.rejected}`)
    expect(text).toContain(`/__admin/ui/monato/instruments/${made.instrument}`)
    // the API's own JSON of it
    expect(text).toContain('&#34;transactionStatus&#34;: &#34;REJECTED&#34;')
    // a rejected transfer cannot move: no transition form
    expect(text).not.toContain('/transition')
    const open = await page(`/transactions/${made.open}`)
    expect(open).toContain(`data-action="/__admin/monato/transactions/${made.open}/transition"`)
    expect(open).toContain('<option selected>LIQUIDATED</option><option>REJECTED</option>')
    const forced = await page(`/transactions/${made.pending}`)
    expect(forced).toContain('NOPE')
    const penny = await page(`/transactions/${made.pennyTx}`)
    expect(penny).toMatch(/CEP.*PENDING.*CEP.*COMPLETED/s)
    expect(penny).toContain('https://www.banxico.org.mx/cep/go?i=90734')
    const credit = await page(`/transactions/${made.moneyIn}`)
    expect(credit).toContain('$1,234,567.89 MXN')
    expect(credit).toContain(`/__admin/ui/monato/transactions/${made.refund}`)
    const refund = await page(`/transactions/${made.refund}`)
    expect(refund).toContain('refund')
    expect(refund).toMatch(new RegExp(`Refund of</dt><dd><a href="/__admin/ui/monato/transactions/${made.moneyIn}"`))
    const refunded = await page(`/transactions/${made.refunded}`)
    expect(refunded).toContain('RETURNED_BY_RECEIVER')
  })

  it('the webhook deliveries and requests it links to name the transaction', async () => {
    const deliveries = await sb.http.get(`/__admin/ui/deliveries?resource_id=${made.rejected}`)
    expect(deliveries.status).toBe(200)
    expect(deliveries.text).toContain(made.rejected)
    expect(deliveries.text).toContain(`/__admin/ui/monato/transactions/${made.rejected}`)
    const requests = await sb.http.get(`/__admin/ui/requests?resource_id=${made.rejected}`)
    expect(requests.status).toBe(200)
    expect(requests.text).toContain('/monato/v1/transactions/money_out')
  })

  it('unknown ids answer 404 inside the layout', async () => {
    for (const path of ['/transactions/nope', '/accounts/nope', '/instruments/nope', '/webhooks/nope', '/clients/nope', `/transactions/${made.instrument}`]) {
      const text = await page(path, 404)
      expect(text).toContain('<nav')
    }
  })
})

describe('the transactions list', () => {
  it('is newest first and filters by client, account, status, type and id search', async () => {
    const all = listedIds(await page('/transactions?limit=100'))
    const mine = (await ok(api('get', `${base}/transactions?page_size=100`))).body.data.map((t: { id: string }) => t.id)
    expect(all).toEqual(mine)
    expect(all[0]).toBe(made.open)
    expect(all).toHaveLength(8)
    const ids = async (q: string) => listedIds(await page(`/transactions?${q}`))
    expect(await ids('status=REJECTED')).toEqual([made.pending, made.rejected])
    expect(await ids('type=money_in')).toEqual([made.moneyIn])
    expect(await ids('type=refund')).toEqual([made.refund])
    expect(await ids('type=penny_validation')).toEqual([made.pennyTx])
    expect((await ids('type=money_out')).sort()).toEqual([made.open, made.pending, made.refunded, made.rejected, made.liquidated].sort())
    expect(await ids(`q=${made.liquidated.slice(0, 8).toUpperCase()}`)).toEqual([made.liquidated])
    expect(await ids(`q=${made.rejected}`)).toEqual([made.rejected])
    expect(await ids(`q=${made.rejected}&status=LIQUIDATED`)).toEqual([])
    expect(await ids(`client=${OTHER.id}`)).toEqual([])
    expect(await ids(`client=${MONATO.clientId}&status=REFUNDED`)).toEqual([made.refunded])
    expect(await ids(`account=${CLABE}&type=money_in`)).toEqual([made.moneyIn])
    expect(await ids(`account=${made.account}`)).toEqual([])
    const trackingId = (await ok(api('get', `${base}/transactions/${made.pending}`))).body.trackingId as string
    expect(await ids(`q=${trackingId}`)).toEqual([made.pending])
  })

  it('pages server-side, keeping the filters in its links', async () => {
    const first = await page('/transactions?limit=3')
    const second = await page('/transactions?limit=3&page=2')
    const third = await page('/transactions?limit=3&page=3')
    const all = listedIds(await page('/transactions?limit=100'))
    expect([...listedIds(first), ...listedIds(second), ...listedIds(third)]).toEqual(all)
    expect(listedIds(third)).toHaveLength(2)
    // one client's list is paged by position
    const one = await page(`/transactions?client=${MONATO.clientId}&limit=3&page=2`)
    expect(listedIds(one)).toEqual(all.slice(3, 6))
    expect(one).toContain('4–6 of 8')
    expect(second).toContain('4–6 of 8')
    expect(second).toContain('href="/__admin/ui/monato/transactions?limit=3&#38;page=3"')
    const filtered = await page('/transactions?type=money_out&limit=2&page=2')
    // a filtered walk stops after its page: no total, a next link while more match
    expect(filtered).toContain('<span>3–4</span>')
    expect(filtered).toContain('type=money_out&#38;limit=2&#38;page=3')
    expect(filtered).toContain('type=money_out&#38;limit=2&#38;page=1')
    const last = await page('/transactions?type=money_out&limit=2&page=3')
    expect(last).toContain('<span>5–5</span>')
    expect(last).not.toContain('Next')
    expect(listedIds(last)).toHaveLength(1)
    expect(await page('/transactions?type=money_out&limit=5')).not.toContain('Next')
  })
})

describe('stored markup is shown as text', () => {
  it('holder names, aliases, descriptions, concepts and client/customer names come out escaped on every page', async () => {
    const paths = ['/clients', `/clients/${MONATO.clientId}`, `/clients/${OTHER.id}`, '/accounts', '/instruments', `/instruments/${made.instrument}`, `/instruments/${made.penny}`, '/transactions?limit=100', '/ceps', '/webhooks', '/actions']
    for (const id of [made.liquidated, made.rejected, made.moneyIn, made.refund, made.pennyTx]) paths.push(`/transactions/${id}`)
    let shown = ''
    for (const path of paths) {
      const text = await page(path)
      expect(text, path).not.toMatch(/<script>alert|<img src=x/i)
      shown += text
    }
    for (const expected of ['Alias &#60;script', 'Ana &#60;script', 'Other &#60;script', 'Cust &#60;img', 'R &#60;script', 'C &#60;img', 'V &#60;img', '&#60;img src=x onerror=alert(1)&#62;', '&#60;script&#62;alert(1)&#60;/script&#62;']) {
      expect(shown, expected).toContain(expected)
    }
  })
})

describe('the section as the shell sees it', () => {
  it('counts the resources and finds the page of each by id', async () => {
    const section = sb.providers.find((p) => p.name === 'monato')!.dashboard!
    expect(section.counts()).toEqual({ clients: 2, accounts: 3, instruments: 2, transactions: 8, webhooks: 3 })
    expect(section.resourcePath!(made.moneyIn)).toBe(`/transactions/${made.moneyIn}`)
    expect(section.resourcePath!(made.account)).toBe(`/accounts/${made.account}`)
    expect(section.resourcePath!(made.instrument)).toBe(`/instruments/${made.instrument}`)
    expect(section.resourcePath!(MONATO.sourceInstrumentId)).toMatch(/^\/accounts\//)
    expect(section.resourcePath!(made.webhook)).toBe(`/webhooks/${made.webhook}`)
    expect(section.resourcePath!(OTHER.id)).toBe(`/clients/${OTHER.id}`)
    expect(section.resourcePath!('tr_unknown')).toBeUndefined()
    const overview = await sb.http.get('/__admin/ui')
    expect(overview.text).toMatch(/<caption>monato<\/caption>.*transactions<\/td><td>8<\/td>/s)
  })

  it('the money in form posts what the control API accepts, and a bad amount gets its own message', async () => {
    const form = await page('/actions')
    expect(form).toContain('data-action="/__admin/monato/money_in"')
    for (const name of ['clabe', 'amount', 'payer_name', 'payment_concept', 'numeric_reference']) expect(form).toContain(`name="${name}"`)
    const bad = await sb.http.post('/__admin/monato/money_in').send({ clabe: CLABE, amount: '1.5' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.issues[0]).toMatch(/amount/)
  })
})
