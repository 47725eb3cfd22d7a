import type { Duplex } from 'node:stream'
import { ApiError } from '../errors.js'
import type { ErrorResponse } from '../../providers/types.js'

// Requests Node's HTTP parser rejects before Express sees them (an over-long URL or header → 431,
// malformed HTTP → 400, a request head or body not received in time → 408) still get a JSON answer in the
// envelope of the provider the path names.

type Formatter = (err: ApiError) => ErrorResponse

/** how long a client answered with an error may take to close its side before the socket is destroyed */
export const LINGER_MS = 1_000

/** a response already started on this socket: appending another would corrupt it (Node's own rule) */
const responseStarted = (socket: Duplex) => (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true

export function createClientErrorHandler(formatters: Record<string, Formatter>) {
  return (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (!socket.writable || responseStarted(socket)) {
      socket.destroy()
      return
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    const status = tooLarge ? 431 : timedOut ? 408 : 400
    const firstLine = err.rawPacket?.subarray(0, 200).toString('latin1') ?? ''
    const provider = /^[A-Z]+ \/([a-z]+)\//.exec(firstLine)?.[1]
    const message = tooLarge ? 'Request line or headers too large' : timedOut ? 'Request not received in time' : 'Malformed HTTP request'
    const reason = tooLarge ? 'Request Header Fields Too Large' : timedOut ? 'Request Timeout' : 'Bad Request'
    const format = provider ? formatters[provider] : undefined
    const body = JSON.stringify(format ? format(new ApiError('invalid_request', message, { status })).body : { error: { type: 'invalid_request', message } })
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
    // the server keeps sockets half-open: a client that never closes its side (a silent one) would hold the descriptor for good
    const destroy = () => socket.destroy()
    // one that timed out is sending nothing more: closed as soon as the answer is out
    if (timedOut) socket.once('finish', destroy)
    const linger = setTimeout(destroy, LINGER_MS).unref()
    socket.once('close', () => clearTimeout(linger))
  }
}
