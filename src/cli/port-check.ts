import { createServer } from 'node:net'

// A second instance on a used port stops before it opens or writes anything (DATA_FILE included): the port is
// tried first, and released at once for the real server.

/** one line saying why the server cannot listen there, with the way out */
export function listenProblem(err: NodeJS.ErrnoException, port: number, host: string): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use; pass --port or PORT (0 picks a free port)`
    case 'EACCES':
      return `port ${port} needs privileges this process does not have (EACCES); pass --port or PORT above 1023`
    case 'EADDRNOTAVAIL':
      return `host ${host} is not an address of this machine (EADDRNOTAVAIL); pass --host or HOST`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${host} cannot be resolved (${err.code}); pass --host or HOST`
    default:
      return `cannot listen on ${host}:${port} (${err.code ?? err.message})`
  }
}

/** null when `port` on `host` can be listened on; port 0 always can */
export function portProblem(port: number, host: string): Promise<string | null> {
  if (port === 0) return Promise.resolve(null)
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(listenProblem(err, port, host)))
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)))
  })
}
