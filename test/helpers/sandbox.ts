import { Writable } from 'node:stream'
import { pino } from 'pino'
import supertest from 'supertest'
import { loadConfig } from '../../src/config.js'
import { type Clock, createClock } from '../../src/core/clock.js'
import { createIds, seededRandom } from '../../src/core/ids.js'
import { createLogger } from '../../src/core/logger.js'
import type { ProviderModule } from '../../src/providers/types.js'
import { createSandbox, type Sandbox } from '../../src/sandbox.js'
import { openRunLog } from '../global-run-log.js'
import { openSpecRecord } from '../global-spec-record.js'
import { recordDeliveries, recordResponses } from './spec-capture.js'

// A sandbox built the way main.ts builds it, with the clock, ids and log output under the test's control.

export const MONATO = {
  clientId: 'c2d1d1e3-3340-4170-980e-e9269bbbc551',
  apiKey: 'monato_sandbox_api_key_c2d1d1e3',
  clientSecret: 'sandbox_client_secret_Ui9gx7AXq4mVbT2kLw8ZrN5cHj3YpD6sFe1GtK0oWu',
  sourceInstrumentId: '709448c3-7cbf-454d-a87e-feb23801269a',
}

export interface TestSandbox extends Sandbox {
  http: ReturnType<typeof supertest>
  logs: () => string
  /** where this sandbox's 2xx bodies and deliveries go for the run-wide spec check, if one is collecting */
  specRecordFile: string | undefined
}

export interface TestSandboxOptions {
  env?: Record<string, string>
  clock?: Clock
  modules?: ProviderModule[]
  logLevel?: string
}

export async function makeSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const config = loadConfig({ LOG_LEVEL: 'info', ...options.env })
  const level = options.logLevel ?? config.logLevel
  const shown = level === 'silent' ? Number.POSITIVE_INFINITY : pino.levels.values[level]
  // an unknown level is left for pino to refuse, as before
  const runLog = shown === undefined ? undefined : openRunLog('sandbox')
  let output = ''
  const sink = new Writable({
    write(chunk, _enc, done) {
      const line = chunk.toString()
      runLog?.(line)
      // pino writes one record per call, level first: the test sees only what its own level lets through
      const record = /^\{"level":(\d+)/.exec(line)
      if (!runLog || !record || Number(record[1]) >= (shown ?? 0)) output += line
      done()
    },
  })
  // the run-wide copy takes every level, so the secret scan also covers quiet (e.g. silent) sandboxes
  const logger = createLogger(runLog ? 'trace' : level, sink)
  const clock = options.clock ?? createClock('manual', Date.parse('2026-01-15T12:00:00Z'))
  // every 2xx body and delivery is held to the spec at the end of the run (test/global-spec-check.ts)
  const recorder = openSpecRecord()
  let created: Sandbox | undefined
  const sandbox = await createSandbox({
    config,
    logger,
    clock,
    ids: createIds(clock.now, seededRandom(42)),
    env: { ...options.env },
    ...(options.modules ? { modules: options.modules } : {}),
    ...(recorder ? { fetch: recordDeliveries(() => created, recorder.write) } : {}),
  })
  created = sandbox
  const app = recorder ? recordResponses(sandbox.app, sandbox.providers.map((p) => p.name), recorder.write) : sandbox.app
  return { ...sandbox, app, http: supertest(app), logs: () => output, specRecordFile: recorder?.file }
}

export async function monatoToken(sb: TestSandbox): Promise<string> {
  const res = await sb.http
    .post(`/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`)
    .set('x-api-key', MONATO.apiKey)
    .send({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret })
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.token
}

/** asserts the Fintoc error envelope and returns the error object */
export function fintocError(body: unknown) {
  const err = (body as { error?: Record<string, unknown> }).error
  if (!err) throw new Error(`not a Fintoc error envelope: ${JSON.stringify(body)}`)
  for (const k of ['type', 'code', 'message', 'param', 'doc_url']) if (!(k in err)) throw new Error(`Fintoc error lacks ${k}: ${JSON.stringify(body)}`)
  return err as { type: string; code: string; message: string; param: string | null; doc_url: string }
}

/** asserts Monato's gRPC-style error envelope and returns its parts */
export function monatoError(body: unknown) {
  const b = body as { code?: unknown; message?: unknown; details?: Array<{ reason: string; metadata: Record<string, string> }> }
  if (typeof b.code !== 'number' || typeof b.message !== 'string' || !Array.isArray(b.details) || !b.details[0]?.metadata) {
    throw new Error(`not a Monato error envelope: ${JSON.stringify(body)}`)
  }
  const d = b.details[0]
  const m = d.metadata
  return {
    code: b.code,
    message: b.message,
    reason: d.reason,
    error_code: m.error_code,
    error_detail: m.error_detail,
    http_code: m.http_code,
    module: m.module,
    method_name: m.method_name,
  }
}

/** sends exact bytes over a real socket: clients like superagent re-encode bodies they are given */
export async function rawRequest(
  app: import('node:http').RequestListener | TestSandbox,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; body: unknown }> {
  const { createServer, request } = await import('node:http')
  const server = createServer(typeof app === 'function' ? app : app.app)
  if (typeof app !== 'function') server.on('clientError', app.onClientError)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as import('node:net').AddressInfo
  try {
    return await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined })
        })
      })
      req.on('error', reject)
      req.end(body)
    })
  } finally {
    server.close()
  }
}
