import { pino, type DestinationStream, type Logger } from 'pino'
import { type BatchedDestination, batchedDestination } from './log-destination.js'

export type { Logger }

// Secrets never reach the log in full: keep a short prefix and the last 4 characters.
export function maskSecret(value: string | undefined | null): string {
  if (!value) return ''
  if (value.length <= 8) return '****'
  const prefix = /^(sk|pk)_(test|live)_/.exec(value)?.[0] ?? /^(Bearer )/i.exec(value)?.[0] ?? ''
  return `${prefix}****${value.slice(-4)}`
}

/** a URL fit for the log: a receiver's credentials may sit in its userinfo or query string */
export function safeUrl(value: string): string {
  try {
    const u = new URL(value)
    if (u.username || u.password) u.username = u.password = '****'
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '****')
    return u.toString()
  } catch {
    return '[unparseable url]'
  }
}

/** a URL for humans (control API views): its password, if any, masked; the rest kept so the receiver stays recognisable */
export function maskUrlPassword(value: string): string {
  // most URLs carry no userinfo: not parsed
  if (!value.includes('@')) return value
  try {
    const u = new URL(value)
    if (!u.password) return value
    u.password = '****'
    return u.toString()
  } catch {
    return value
  }
}

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'fintoc-jws-signature', 'cookie'])

export function maskHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(headers)) {
    out[k] = SECRET_HEADERS.has(k.toLowerCase()) && typeof v === 'string' ? maskSecret(v) : v
  }
  return out
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'fintoc-monato-mock' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // defence in depth: should a secret-bearing field ever be logged, pino censors it
      redact: {
        paths: ['headers.authorization', 'headers["x-api-key"]', '*.client_secret', '*.token', '*.secret', 'client_secret', 'token', 'secret'],
        censor: '[redacted]',
      },
    },
    destination,
  )
}

/**
 * The logger of the per-request line, whose fields are fixed (id, method, path, status, duration) and hold no
 * secret: without redaction, which walks every wildcard path and was two thirds of that line's garbage.
 */
export const accessLogger = (logger: Logger): Logger => logger.child({}, { redact: [] })

/** stdout, batched (see log-destination.ts); main drains it before exiting */
export const stdoutDestination = (): BatchedDestination => batchedDestination(1)
