import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { JSONSchemaFaker } from 'json-schema-faker'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadSpec } from '../src/core/spec/load.js'
import { extractOperations, type Operation } from '../src/core/spec/operations.js'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import type { ProviderModule } from '../src/providers/types.js'
import { fintocError, MONATO, makeSandbox, monatoError, monatoToken, type TestSandbox } from './helpers/sandbox.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
const ajv = addFormats(new Ajv2020({ strict: false }))

let sb: TestSandbox
let token: string
beforeAll(async () => {
  sb = await makeSandbox()
  token = await monatoToken(sb)
})
afterAll(() => sb.close())

function fill(op: Operation, overrides: Record<string, string>): string {
  JSONSchemaFaker.option({ useExamplesValue: true, alwaysFakeOptionals: true, fillProperties: false, random: () => 0.5 })
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (overrides[name]) return overrides[name]!
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name)!
    return encodeURIComponent(String(JSONSchemaFaker.generate(p.schema as never)))
  })
}

function validBody(op: Operation): unknown {
  if (!op.requestBody) return undefined
  JSONSchemaFaker.option({ useExamplesValue: true, alwaysFakeOptionals: false, fillProperties: false, random: () => 0.25 })
  return JSONSchemaFaker.generate(op.requestBody.schema as never)
}

describe.each([
  ['fintoc', 'specs/fintoc.yaml'],
  ['monato', 'specs/monato-fincore.yaml'],
] as const)('%s: every operation answers', (provider, file) => {
  it('with a response from state, or schema-valid generated data, never 404/405/5xx', async () => {
    const ops = extractOperations(await loadSpec(fromRoot(file)))
    const seen: string[] = []
    for (const op of ops) {
      const url = `/${provider}${fill(op, { clientId: MONATO.clientId })}`
      let req = sb.http[op.method](url)
      req = provider === 'fintoc' ? req.set('Authorization', 'sk_test_every_op') : req.set('Authorization', `Bearer ${token}`).set('x-api-key', MONATO.apiKey)
      const body = validBody(op)
      const res = body === undefined ? await req : await req.send(body as object)
      const where = `${op.operationId} ${op.method.toUpperCase()} ${url} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`
      // the one 5xx allowed: Monato's documented answer to an unknown instrument
      const quirk = provider === 'monato' && res.status === 500 && res.body?.message === 'Instrument not found.'
      if (!quirk) expect(res.status, where).toBeLessThan(500)
      expect([404, 405].includes(res.status) && /invalid_url|route|Unrecognized/i.test(JSON.stringify(res.body)), where).toBe(false)
      expect(res.headers['x-request-id'], where).toMatch(/^[0-9a-f-]{36}$/)
      if (res.status >= 400) {
        if (provider === 'fintoc') fintocError(res.body)
        else monatoError(res.body)
        continue
      }
      expect(res.headers['x-mock-source'], where).toMatch(/^(state|generated)$/)
      if (op.successSchema) {
        const validate = ajv.compile(op.successSchema)
        expect(validate(res.body), `${where}\n${ajv.errorsText(validate.errors)}`).toBe(true)
      }
      seen.push(op.operationId)
    }
    // generated bodies name ids that do not exist, so some operations refuse them; these need no
    // existing id and must have answered with schema-valid data
    const mustSucceed = provider === 'fintoc' ? ['listPaymentIntents', 'createPaymentIntent', 'listWebhookEndpoints', 'createWebhookEndpoint'] : ['registerInstrument', 'listInstruments', 'listClientWebhooks']
    for (const id of mustSucceed) expect(seen, id).toContain(id)
  })
})

describe('generated responses', () => {
  // every operation has state today; an operation without a handler must still answer from the spec
  const withoutHandler: ProviderModule[] = defaultModules.map((m) => ({
    ...m,
    create(deps) {
      const p = m.create(deps)
      const { getTransfer: _dropped, ...handlers } = p.handlers
      return { ...p, handlers }
    },
  }))

  it('are schema-valid and repeatable: the same request gets the same body', async () => {
    const gen = await makeSandbox({ modules: withoutHandler })
    const get = () => gen.http.get('/fintoc/v2/transfers/tr_3MPwT779GQl24fbn8h92Cm2iXJX').set('Authorization', 'sk_test_repeat')
    const [a, b] = [await get(), await get()]
    expect(a.status).toBe(200)
    expect(a.headers['x-mock-source']).toBe('generated')
    expect(a.body).toEqual(b.body)
    const op = extractOperations(await loadSpec(fromRoot('specs/fintoc.yaml'))).find((o) => o.operationId === 'getTransfer')!
    const validate = ajv.compile(op.successSchema!)
    expect(validate(a.body), ajv.errorsText(validate.errors)).toBe(true)
    const other = await gen.http.get('/fintoc/v2/transfers/tr_3MPwT779GQl24fbn8h92Cm2iXJY').set('Authorization', 'sk_test_repeat')
    expect(other.body).not.toEqual(a.body)
    await gen.close()
  })

  it('stateful handlers say so', async () => {
    const res = await sb.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_repeat')
    expect(res.headers['x-mock-source']).toBe('state')
  })
})

describe('route matching', () => {
  it('a static segment wins over a templated one', async () => {
    const res = await sb.http.post('/fintoc/v2/transfers/return').set('Authorization', 'sk_test_route').send({})
    // routed to returnTransfer: only it (not GET /v2/transfers/{id}) declares the JWS header
    expect(res.status).toBe(401)
    expect(fintocError(res.body).code).toBe('missing_jws_signature_header')
  })

  it('a known path with another method is 405 with Allow, in each envelope', async () => {
    const f = await sb.http.delete('/fintoc/v2/accounts').set('Authorization', 'sk_test_route')
    expect(f.status).toBe(405)
    expect(f.headers.allow).toContain('GET')
    expect(fintocError(f.body).code).toBe('operation_not_allowed')
    const m = await sb.http.delete('/monato/v1/banks')
    expect(m.status).toBe(405)
    expect(monatoError(m.body).http_code).toBe('405')
  })

  it('a trailing slash and percent-encoded ids still route', async () => {
    const res = await sb.http.get('/fintoc/v2/accounts/').set('Authorization', 'sk_test_route')
    expect(res.status).toBe(200)
  })
})

describe('dispatch between provider APIs and the rest', () => {
  it('a provider prefix is its API, whatever follows; a look-alike prefix and other paths are not', async () => {
    for (const path of ['/fintoc', '/fintoc/', '/fintoc/v9/nothing']) {
      const res = await sb.http.get(path).set('Authorization', 'sk_test_route')
      expect(res.status, path).toBe(404)
      expect(fintocError(res.body).code, path).toBe('invalid_url')
      expect(res.headers['x-request-id'], path).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(monatoError((await sb.http.get('/monato')).body).http_code).toBe('404')
    // the root is the dashboard's front door
    const root = await sb.http.get('/')
    expect(root.status).toBe(302)
    expect(root.headers.location).toBe('/__admin/ui')
    for (const path of ['/fintocs/v2/accounts', '/nope']) {
      const res = await sb.http.get(path)
      expect(res.status, path).toBe(404)
      expect(res.body, path).toEqual({ error: { type: 'not_found', message: `No route for GET ${path}` } })
      expect(res.headers['x-request-id'], path).toMatch(/^[0-9a-f-]{36}$/)
    }
    const health = await sb.http.get('/health')
    expect(health.status).toBe(200)
    expect(health.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('the query string reaches the handler parsed, and the journal keeps it with the request id', async () => {
    const bad = await sb.http.get('/fintoc/v2/transfers?limit=abc').set('Authorization', 'sk_test_route')
    expect(bad.status).toBe(400)
    expect(fintocError(bad.body).param).toBe('limit')
    const ok = await sb.http.get('/fintoc/v2/transfers?limit=1&direction=inbound').set('Authorization', 'sk_test_route')
    expect(ok.status).toBe(200)
    const journal = (await sb.http.get('/__admin/requests?provider=fintoc&path=/fintoc/v2/transfers')).body.data
    expect(journal[0]).toMatchObject({ method: 'GET', path: '/fintoc/v2/transfers', query: { limit: '1', direction: 'inbound' }, status: 200 })
    expect(journal[0].requestId).toBe(ok.headers['x-request-id'])
  })
})
