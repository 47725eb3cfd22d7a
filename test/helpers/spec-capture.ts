import type { RequestListener, ServerResponse } from 'node:http'
import { parseInboxShortForm } from '../../src/core/inbox-url.js'
import { withoutCredentials } from '../../src/core/webhook-http.js'
import type { DeliveriesState } from '../../src/core/webhooks.js'
import type { Sandbox } from '../../src/sandbox.js'
import type { SpecRecorder } from '../global-spec-record.js'

// Taps a test sandbox's answers and webhook deliveries for the run-wide spec check (test/global-spec-check.ts).

type Chunk = string | Uint8Array
const toBuffer = (chunk: Chunk, encoding: unknown) => (typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk))

/** copies the body of every 2xx JSON answer on a provider path (`/<provider>/...`) as the listener writes it */
export function recordResponses(app: RequestListener, providers: readonly string[], write: SpecRecorder['write']): RequestListener {
  const names = new Set(providers)
  return (req, res) => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    const provider = pathname.split('/')[1] ?? ''
    if (!names.has(provider)) return app(req, res)
    const chunks: Buffer[] = []
    const write0 = res.write
    const end0 = res.end
    res.write = function (this: ServerResponse, chunk: Chunk, ...rest: unknown[]) {
      chunks.push(toBuffer(chunk, rest[0]))
      return (write0 as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof res.write
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk as Chunk, rest[0]))
      const type = String(res.getHeader('content-type') ?? '')
      if (res.statusCode >= 200 && res.statusCode < 300 && /\bjson\b/.test(type) && req.method !== 'HEAD' && chunks.length > 0) {
        write({ kind: 'response', provider, method: req.method ?? 'GET', path: pathname, status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') })
      }
      return (end0 as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest)
    } as typeof res.end
    app(req, res)
  }
}

/**
 * a fetch for the sandbox's webhooks that records each delivery once (retries resend the same bytes). The provider
 * and event type come from the sandbox's own delivery log, found by URL and body: headers depend on configured secrets.
 */
export function recordDeliveries(sandbox: () => Sandbox | undefined, write: SpecRecorder['write']): typeof fetch {
  // bound now, as createSandbox binds its default: a global stubbed later is not picked up
  const base = globalThis.fetch
  const seen = new Set<string>()
  return ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = String(input)
    const body = init?.body
    const sb = sandbox()
    if (typeof body === 'string' && sb) {
      const log = (sb.store.data.core as { webhooks?: DeliveriesState }).webhooks
      // an `inbox:<name>` URL is sent to the sandbox's own /__admin/inbox/<name>
      const sentTo = (stored: string) => {
        const short = parseInboxShortForm(stored)
        return short ? url.endsWith(`/__admin/inbox/${short.name}${short.query}`) : withoutCredentials(stored, {}).url === url
      }
      const d = log?.order.map((id) => log.deliveries[id]).find((x) => x?.body === body && sentTo(x.url))
      if (!d) write({ kind: 'delivery', provider: 'unknown', eventType: 'unknown', url, body })
      else if (!seen.has(d.id)) {
        seen.add(d.id)
        write({ kind: 'delivery', provider: d.provider, eventType: d.eventType, url, body })
      }
    }
    return base(input, init)
  }) as typeof fetch
}
