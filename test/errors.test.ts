import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiError } from '../src/core/errors.js'
import { defaultModules } from '../src/providers/index.js'
import type { ProviderModule } from '../src/providers/types.js'
import { fintocError, makeSandbox, monatoError, monatoToken, rawRequest, type TestSandbox } from './helpers/sandbox.js'

// A handler that throws stands in for any bug: the answer must still be the provider's envelope.
const withBrokenHandlers: ProviderModule[] = defaultModules.map((m) => ({
  ...m,
  create(deps) {
    const p = m.create(deps)
    const boom = () => {
      throw new TypeError('boom: simulated bug')
    }
    return { ...p, handlers: { ...p.handlers, listEntities: boom, listBanks: boom } }
  },
}))

let sb: TestSandbox
let token: string
beforeAll(async () => {
  sb = await makeSandbox({ modules: withBrokenHandlers })
  token = await monatoToken(sb)
})
afterAll(() => sb.close())

const FINTOC_POST = '/fintoc/v2/simulate/receive_transfer'
const MONATO_POST = '/monato/v1/transactions/money_out'
const fintoc = (method: 'get' | 'post' | 'delete' | 'put', url: string) => sb.http[method](url).set('Authorization', 'sk_test_errors')
const monato = (method: 'get' | 'post' | 'delete' | 'put', url: string) => sb.http[method](url).set('Authorization', `Bearer ${token}`)

describe.each([
  ['fintoc', fintoc, FINTOC_POST, (b: unknown) => fintocError(b).code],
  ['monato', monato, MONATO_POST, (b: unknown) => monatoError(b).error_code],
] as const)('%s: protocol errors in the provider envelope', (_name, call, post, codeOf) => {
  it('malformed JSON → 400', async () => {
    const res = await call('post', post).set('Content-Type', 'application/json').send('{"amount": 10,')
    expect(res.status).toBe(400)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    expect(codeOf(res.body)).toBeTruthy()
    expect(JSON.stringify(res.body)).toMatch(/not valid JSON/)
  })

  it('invalid UTF-8 → 400', async () => {
    const auth = _name === 'fintoc' ? 'sk_test_errors' : `Bearer ${token}`
    const res = await rawRequest(sb.app, 'POST', post, { authorization: auth, 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]))
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toMatch(/UTF-8/)
  })

  it('deep nesting → 400 or validation error, never a crash', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const res = await call('post', post).set('Content-Type', 'application/json').send(deep)
    expect(res.status).toBe(400)
    codeOf(res.body)
  })

  it('wrong content type → 415', async () => {
    const res = await call('post', post).set('Content-Type', 'text/plain').send('amount=10')
    expect(res.status).toBe(415)
    expect(codeOf(res.body)).toBeTruthy()
  })

  it('form-encoded body → 415', async () => {
    const res = await call('post', post).type('form').send({ amount: 10 })
    expect(res.status).toBe(415)
  })

  it('body over 1 MB → 413', async () => {
    const big = JSON.stringify({ comment: 'x'.repeat(1024 * 1024 + 10) })
    const res = await call('post', post).set('Content-Type', 'application/json').send(big)
    expect(res.status).toBe(413)
    expect(codeOf(res.body)).toBeTruthy()
  })

  it('unknown path → 404', async () => {
    const res = await call('get', `/${_name}/v9/nothing-here`)
    expect(res.status).toBe(404)
    expect(codeOf(res.body)).toBeTruthy()
  })

  it('known path, other method → 405', async () => {
    const res = await call('put', post)
    expect(res.status).toBe(405)
    expect(res.headers.allow).toBe('POST')
  })

  it('an unexpected exception → 500 in the envelope, logged with its request id, server still up', async () => {
    const url = _name === 'fintoc' ? '/fintoc/v2/entities' : '/monato/v1/banks'
    const res = await call('get', url)
    expect(res.status).toBe(500)
    expect(JSON.stringify(res.body)).not.toMatch(/boom|TypeError|at .*\.ts/)
    expect(codeOf(res.body)).toBeTruthy()
    const reqId = String(res.headers['x-request-id'])
    const line = sb.logs().split('\n').find((l) => l.includes('"unexpected error"') && l.includes(reqId))
    expect(line).toBeDefined()
    expect(line).toMatch(/boom: simulated bug/)
    const health = await sb.http.get('/health')
    expect(health.status).toBe(200)
  })
})

describe('envelope details', () => {
  it('Fintoc 500 is an api_error with internal_server_error', async () => {
    const res = await fintoc('get', '/fintoc/v2/entities')
    expect(fintocError(res.body)).toMatchObject({ type: 'api_error', code: 'internal_server_error', param: null })
  })

  it('Monato errors carry gRPC code, reason, module and method from the spec', async () => {
    const res = await monato('post', MONATO_POST).send({})
    expect(res.status).toBe(400)
    const err = monatoError(res.body)
    expect(err).toMatchObject({ code: 3, reason: 'DATA_ERROR', error_code: 'DATA_ERROR', http_code: '400', module: 'transactions', method_name: 'money_out' })
    expect((res.body as { details: Array<Record<string, string>> }).details[0]!['@type']).toBe('type.googleapis.com/google.rpc.ErrorInfo')
  })

  it('typed errors keep their kind and status', () => {
    const err = new ApiError('conflict', 'x', { code: 'insufficient_balance' })
    expect(err.status).toBe(409)
    expect(new ApiError('precondition', 'y', { status: 422 }).status).toBe(422)
  })

  it('paths outside the providers answer JSON 404', async () => {
    const res = await sb.http.get('/nope')
    expect(res.status).toBe(404)
    expect(res.headers['content-type']).toMatch(/json/)
  })

  it('Monato client id of another client → 403', async () => {
    const res = await monato('get', '/monato/v1/clients/00000000-0000-4000-8000-000000000000/accounts')
    expect(res.status).toBe(403)
    expect(monatoError(res.body)).toMatchObject({ code: 7, reason: 'PERMISSION_DENIED' })
  })
})
