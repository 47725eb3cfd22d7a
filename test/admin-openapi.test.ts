import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { Router } from 'express'
import { parse } from 'yaml'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { ADMIN_SPEC_FILE } from '../src/admin/specs-route.js'
import { loadSpec } from '../src/core/spec/load.js'
import { fromRoot } from '../src/paths.js'
import { defaultModules } from '../src/providers/index.js'
import { listRoutes } from './helpers/express-routes.js'
import { startReceiver, type Receiver } from './helpers/receiver.js'
import { makeSandbox, type TestSandbox } from './helpers/sandbox.js'

// specs/admin.yaml against the control API the sandbox really mounts: same routes, valid document, and real
// answers that fit the schemas it declares.

// the router a sandbox really mounts at /__admin, built with every dependency it was given
const built: Router[] = []
vi.mock('../src/admin/router.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/admin/router.js')>()
  return {
    ...real,
    createAdminRouter: (...args: Parameters<typeof real.createAdminRouter>) => {
      const router = real.createAdminRouter(...args)
      built.push(router)
      return router
    },
  }
})

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const
const FILE = fromRoot(ADMIN_SPEC_FILE)
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020

type Schema = Record<string, unknown>
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }
type Doc = { openapi: string; info: unknown; servers: Array<{ url: string }>; paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>> }

/**
 * The dashboard (/ui and below) is HTML for a browser, with its own pages, forms and live updates, owned by the
 * dashboard's code and tested in Chromium: the document lists only its entry page, and the walk leaves that subtree
 * out on both sides. Everything else must match exactly.
 */
const isDashboard = (path: string) => path === '/ui' || path.startsWith('/ui/')

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`

let sb: TestSandbox | undefined
let receiver: Receiver | undefined
afterEach(async () => {
  await sb?.close()
  sb = undefined
  await receiver?.close()
  receiver = undefined
})

let doc: Doc
let deref: Doc
beforeAll(async () => {
  doc = parse(readFileSync(FILE, 'utf8')) as Doc
  deref = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc
})

/** a real answer against the schema the document declares for its method, path and status */
function conforms(method: (typeof METHODS)[number], path: string, res: { status: number; body: unknown }): void {
  const op = deref.paths[path]?.[method]
  if (!op) throw new Error(`the document has no ${key(method, path)}`)
  const response = op.responses[String(res.status)] ?? op.responses.default
  if (!response) throw new Error(`${key(method, path)} answered ${res.status}, which the document does not declare (it has ${Object.keys(op.responses).join(', ')}): ${JSON.stringify(res.body).slice(0, 300)}`)
  const schema = response.content?.['application/json']?.schema
  if (!schema) throw new Error(`${key(method, path)} ${res.status} declares no JSON schema`)
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }))
  const validate = ajv.compile(schema)
  if (!validate(res.body)) throw new Error(`${key(method, path)} ${res.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(res.body).slice(0, 500)}`)
}

describe('specs/admin.yaml', () => {
  it('is a valid OpenAPI 3.1 document (swagger-parser), relative to /__admin', async () => {
    const api = (await SwaggerParser.validate(FILE)) as unknown as Doc
    expect(api.openapi).toMatch(/^3\.1\./)
    expect(api.servers).toEqual([{ url: '/__admin' }])
  })

  it('holds only ASCII characters (like the providers specs, which must stay Latin-1)', () => {
    const wide = [...readFileSync(FILE, 'utf8')].filter((c) => c.charCodeAt(0) > 0x7f)
    expect(wide).toEqual([])
  })

  it('documents exactly the routes the control API has (the dashboard under /ui aside)', async () => {
    sb = await makeSandbox()
    const router = built.at(-1)
    if (!router) throw new Error('createAdminRouter was not called by the sandbox')
    const all = listRoutes(router as never)
    const routed = new Set(all.filter((r) => !isDashboard(r.path)).map((r) => key(r.method, r.path)))
    // the one dashboard entry documented is one the dashboard really answers
    expect(doc.paths['/ui']?.get, 'GET /ui documented').toBeDefined()
    expect(all.map((r) => key(r.method, r.path))).toContain('GET /ui')
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => (isDashboard(path) ? [] : METHODS.filter((m) => item[m]).map((m) => key(m, path)))))
    // the walk must see the routes of provider routers mounted below /__admin/<name> too
    expect([...routed].filter((r) => r.includes(' /fintoc/')).length).toBeGreaterThan(5)
    const missing = [...routed].filter((r) => !documented.has(r)).sort()
    const stale = [...documented].filter((r) => !routed.has(r)).sort()
    expect({ 'routes missing from specs/admin.yaml': missing, 'documented paths with no route': stale }).toEqual({ 'routes missing from specs/admin.yaml': [], 'documented paths with no route': [] })
  })

  it('gives every operation a unique operationId, a 401 and JSON errors in the admin envelope (HTML for the dashboard)', () => {
    const ids: string[] = []
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const m of METHODS) {
        const op = item[m] as (Operation & { operationId?: string; security?: unknown[] }) | undefined
        if (!op) continue
        ids.push(op.operationId ?? `${key(m, path)} without operationId`)
        // open paths (security: []) never answer 401
        if (!(Array.isArray(op.security) && op.security.length === 0)) expect(op.responses['401'], key(m, path)).toBeDefined()
        for (const [status, r] of Object.entries(op.responses)) {
          // the dashboard answers HTML, errors included
          if (!/^[45]\d\d$/.test(status) || isDashboard(path)) continue
          const ref = (r as { $ref?: string }).$ref
          const schema = (r as { content?: Record<string, { schema?: { $ref?: string } }> }).content?.['application/json']?.schema?.$ref
          expect(ref?.startsWith('#/components/responses/') || schema === '#/components/schemas/AdminError', `${key(m, path)} ${status}`).toBe(true)
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('served documents', () => {
  it('GET /__admin/openapi.json is specs/admin.yaml as JSON', async () => {
    sb = await makeSandbox()
    const res = await sb.http.get('/__admin/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.body).toEqual(parse(readFileSync(FILE, 'utf8')))
    conforms('get', '/openapi.json', res)
  })

  it('GET /__admin/ui is the documented HTML page', async () => {
    sb = await makeSandbox({ env: { ADMIN_TOKEN: 'openapi-test-token' } })
    for (const auth of [undefined, 'Bearer openapi-test-token']) {
      const req = sb.http.get('/__admin/ui')
      const res = await (auth ? req.set('Authorization', auth) : req)
      expect(res.status).toBe(auth ? 200 : 401)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(Object.keys((doc.paths['/ui']?.get as Operation | undefined)?.responses[String(res.status)]?.content ?? {})).toEqual(['text/html'])
    }
  })

  it('GET /__admin/specs/{provider} is the spec each provider is routed with; an unknown one is 404', async () => {
    sb = await makeSandbox()
    for (const m of defaultModules) {
      const res = await sb.http.get(`/__admin/specs/${m.name}`)
      expect(res.status).toBe(200)
      conforms('get', '/specs/{provider}', res)
      const parsed = (await loadSpec(fromRoot(m.specFile))) as unknown as Doc
      expect(Object.keys(res.body.paths).sort()).toEqual(Object.keys(parsed.paths).sort())
      expect(res.body.info).toEqual(parsed.info)
    }
    // spot checks, references resolved as the router sees them
    const fintoc = (await sb.http.get('/__admin/specs/fintoc')).body
    expect(fintoc.paths['/v2/transfers'].post.operationId).toBe('createTransfer')
    expect(JSON.stringify(fintoc.paths['/v2/transfers/{id}'])).not.toContain('"$ref"')
    const unknown = await sb.http.get('/__admin/specs/stripe')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toMatch(/stripe/)
    conforms('get', '/specs/{provider}', unknown)
  })

  it('with ADMIN_TOKEN both need the token, answering 401 in the envelope without it', async () => {
    sb = await makeSandbox({ env: { ADMIN_TOKEN: 'openapi-test-token' } })
    for (const path of ['/openapi.json', '/specs/{provider}'] as const) {
      const url = `/__admin${path.replace('{provider}', 'monato')}`
      const refused = await sb.http.get(url)
      expect(refused.status).toBe(401)
      conforms('get', path, refused)
      expect((await sb.http.get(url).set('Authorization', 'Bearer openapi-test-token')).status).toBe(200)
    }
  })
})

describe('real answers fit the documented schemas', () => {
  it('clock, requests, faults, deliveries, snapshot, a forced transition and errors', async () => {
    receiver = await startReceiver()
    const box = await makeSandbox({ env: { MONATO_WEBHOOK_URL: receiver.url, MONATO_WEBHOOK_TOKEN: 'openapi-receiver-token' } })
    sb = box
    conforms('get', '/clock', await box.http.get('/__admin/clock'))
    conforms('post', '/clock/set', await box.http.post('/__admin/clock/set').send({ mode: 'manual' }))
    conforms('post', '/clock/advance', await box.http.post('/__admin/clock/advance').send({ ms: 1000 }))
    conforms('post', '/clock/advance', await box.http.post('/__admin/clock/advance').send({ ms: -1 }))

    // a provider request for the journal, and a deposit whose MONEY_IN goes to the receiver
    await box.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_openapi')
    const moneyIn = await box.http.post('/__admin/monato/money_in').send({ clabe: '734180000001233635', amount: '123.00', payer_name: 'Juan Perez' })
    conforms('post', '/monato/money_in', moneyIn)
    conforms('post', '/monato/money_in', await box.http.post('/__admin/monato/money_in').send({ clabe: '734180000001233635', amount: '1.5' }))
    const requests = await box.http.get('/__admin/requests?provider=fintoc&method=get&status=2xx')
    conforms('get', '/requests/count', await box.http.get('/__admin/requests/count?path=/fintoc/v2/accounts'))
    conforms('get', '/requests/count', await box.http.get('/__admin/requests/count?stauts=200'))
    expect(requests.body.data.length).toBeGreaterThan(0)
    conforms('get', '/requests', requests)

    await box.http.post('/__admin/clock/advance').send({ ms: 0 })
    const deliveries = await box.http.get('/__admin/webhooks/deliveries')
    expect(deliveries.body.data.length).toBeGreaterThan(0)
    expect(deliveries.body.data[0].attempts.length).toBeGreaterThan(0)
    conforms('get', '/webhooks/deliveries', deliveries)
    conforms('get', '/webhooks/deliveries', await box.http.get('/__admin/webhooks/deliveries?outcome=lost'))
    const redelivered = await box.http.post(`/__admin/webhooks/deliveries/${deliveries.body.data[0].id}/redeliver`)
    conforms('post', '/webhooks/deliveries/{id}/redeliver', redelivered)
    conforms('post', '/webhooks/deliveries/{id}/redeliver', await box.http.post('/__admin/webhooks/deliveries/nope/redeliver'))

    const rule = await box.http.post('/__admin/faults').send({ provider: 'fintoc', path: '/v2/transfers*', times: 2, status: 503 })
    conforms('post', '/faults', rule)
    conforms('post', '/faults', await box.http.post('/__admin/faults').send({ path: '/x' }))
    conforms('get', '/faults', await box.http.get('/__admin/faults'))
    conforms('delete', '/faults', await box.http.delete('/__admin/faults'))

    conforms('get', '/snapshot', await box.http.get('/__admin/snapshot'))
    conforms('get', '/state', await box.http.get('/__admin/state?provider=monato&collection=banks&limit=2'))
    conforms('get', '/state', await box.http.get('/__admin/state?provider=stripe'))
    conforms('post', '/fintoc/transfers/{id}/transition', await box.http.post('/__admin/fintoc/transfers/tr_nope/transition').send({ to: 'succeeded' }))
    conforms('post', '/monato/transactions/{id}/transition', await box.http.post(`/__admin/monato/transactions/${moneyIn.body.id}/transition`).send({ to: 'LIQUIDATED' }))
    conforms('post', '/clock/set', await box.http.post('/__admin/clock/set').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send('{}'))
    conforms('delete', '/requests', await box.http.delete('/__admin/requests'))
    conforms('post', '/reset', await box.http.post('/__admin/reset'))
  })

  it('the inbox: deliveries, listing, a wait that times out, config, clearing', async () => {
    const box = await makeSandbox()
    sb = box
    conforms('post', '/inbox/{name}', await box.http.post('/__admin/inbox/ci').send({ type: 'transfer.inbound.succeeded', data: { id: 'tr_1' } }))
    const chosen = await box.http.post('/__admin/inbox/ci?status=503').send({ type: 'x' })
    expect(chosen.status).toBe(503)
    conforms('post', '/inbox/{name}', chosen)
    conforms('post', '/inbox/{name}', await box.http.post('/__admin/inbox/bad name!').send({}))
    conforms('put', '/inbox/{name}/config', await box.http.put('/__admin/inbox/ci/config').send({ status: 500, times: 1 }))
    conforms('put', '/inbox/{name}/config', await box.http.put('/__admin/inbox/ci/config').send({ status: 100 }))
    conforms('get', '/inbox', await box.http.get('/__admin/inbox'))
    const listed = await box.http.get('/__admin/inbox/ci?resource_id=tr_1')
    expect(listed.body.data).toHaveLength(1)
    conforms('get', '/inbox/{name}', listed)
    conforms('get', '/inbox/{name}', await box.http.get('/__admin/inbox/ci?event_type=never&wait=50'))
    conforms('delete', '/inbox/{name}', await box.http.delete('/__admin/inbox/ci'))
  })

  it('a Fintoc inbound transfer made from the control API', async () => {
    const box = await makeSandbox()
    sb = box
    const account = (await box.http.get('/fintoc/v2/accounts').set('Authorization', 'sk_test_openapi')).body[0]
    const path = '/fintoc/account_numbers/{id}/receive_transfer'
    const made = await box.http.post(`/__admin${path.replace('{id}', account.root_account_number_id)}`).send({ amount: 1500, comment: 'openapi' })
    expect(made.status).toBe(201)
    conforms('post', path, made)
    conforms('post', path, await box.http.post(`/__admin${path.replace('{id}', account.root_account_number_id)}`).send({ amount: 0 }))
    conforms('post', '/fintoc/transfers/{id}/transition', await box.http.post(`/__admin/fintoc/transfers/${made.body.id}/transition`).send({ to: 'succeeded' }))
  })

  it('a body past ADMIN_BODY_LIMIT is the documented 413', async () => {
    sb = await makeSandbox({ env: { ADMIN_BODY_LIMIT: '1kb' } })
    conforms('post', '/scenarios', await sb.http.post('/__admin/scenarios').send({ id: 'x'.repeat(2000) }))
  })
})
