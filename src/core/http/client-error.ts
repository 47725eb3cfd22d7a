import type { Duplex } from 'node:stream'
import { ApiError } from '../errors.js'
import type { ErrorResponse } from '../../providers/types.js'

// Requests Node's HTTP parser rejects before Express sees them (an over-long URL or header → 431,
// malformed HTTP → 400) still get a JSON answer in the envelope of the provider the path names.

type Formatter = (err: ApiError) => ErrorResponse

export function createClientErrorHandler(formatters: Record<string, Formatter>) {
  return (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy()
      return
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
    const status = tooLarge ? 431 : 400
    const firstLine = err.rawPacket?.subarray(0, 200).toString('latin1') ?? ''
    const provider = /^[A-Z]+ \/([a-z]+)\//.exec(firstLine)?.[1]
    const message = tooLarge ? 'Request line or headers too large' : 'Malformed HTTP request'
    const format = provider ? formatters[provider] : undefined
    const body = JSON.stringify(format ? format(new ApiError('invalid_request', message, { status })).body : { error: { type: 'invalid_request', message } })
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
}
