import type { RequestListener, ServerResponse } from 'node:http'

// What the sandbox answered to each request an SDK call made: status, X-Mock-Source and, for an error, its code.

export interface Exchange {
  method: string
  /** below the provider prefix, without the query string, e.g. `/v2/transfers/tr_…` */
  path: string
  status: number
  source: string | undefined
  /** `error.code` of a Fintoc error body */
  code: string | undefined
}

export function tapExchanges(app: RequestListener, prefix: string): { listener: RequestListener; exchanges: Exchange[] } {
  const exchanges: Exchange[] = []
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = []
    const end0 = res.end
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk))
      const url = req.url ?? '/'
      const path = url.split('?')[0]!.slice(prefix.length)
      let code: string | undefined
      if (res.statusCode >= 400) {
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: { code?: string } }).error?.code
        } catch {
          code = undefined
        }
      }
      const source = res.getHeader('x-mock-source')
      exchanges.push({ method: req.method ?? 'GET', path, status: res.statusCode, source: source === undefined ? undefined : String(source), code })
      return (end0 as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest)
    } as typeof res.end
    app(req, res)
  }
  return { listener, exchanges }
}
