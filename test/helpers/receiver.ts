import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

// A real webhook receiver on 127.0.0.1 that records what it gets and answers what the test says.

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

export interface Receiver {
  url: string
  received: Received[]
  /** status to answer next; 'hang' never answers */
  respond: (next: () => number | 'hang') => void
  close(): Promise<void>
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  const received: Received[] = []
  let decide: () => number | 'hang' = () => 200
  const hanging = new Set<import('node:http').ServerResponse>()
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() })
      const status = decide()
      if (status === 'hang') {
        hanging.add(res)
        return
      }
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    respond: (next) => {
      decide = next
    },
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy()
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
