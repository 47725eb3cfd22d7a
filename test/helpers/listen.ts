import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Sandbox } from '../../src/sandbox.js'

// A test sandbox on a real port, told where it listens as main.ts tells it (supertest alone gives it no port).

export interface Listening {
  server: Server
  port: number
  base: string
  close(): Promise<void>
}

/** listens on 127.0.0.1; `tell: false` leaves the sandbox unaware of its port (as before main.ts calls listening) */
export async function listen(sb: Sandbox, tell = true): Promise<Listening> {
  const server = createServer(sb.app)
  server.on('clientError', sb.onClientError)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  if (tell) await sb.listening({ host: '127.0.0.1', port })
  return {
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
