import type { NextFunction, Request, Response } from 'express'
import { isJsonContentType } from '../core/http/body.js'
import { AdminError } from './errors.js'
import { freeHeap, heapProblem } from './json-heap.js'

// JSON bodies of /__admin calls, bounded by ADMIN_BODY_LIMIT: a larger one is refused with 413 before it is
// parsed, by its Content-Length when it declares one, else as soon as the bytes read pass the limit. A body
// under the limit whose parsed value would not fit in the heap is refused with 413 too, instead of crashing V8.

export function adminJsonBody(limit: number, heapLeft: () => number = freeHeap) {
  const tooLarge = () => new AdminError(413, `The request body is larger than ADMIN_BODY_LIMIT (${limit} bytes)`)
  return (req: Request, res: Response, next: NextFunction): void => {
    req.body = undefined
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length'])
    const chunkedBody = req.headers['transfer-encoding'] !== undefined
    if (!chunkedBody && !declared) return void next()
    if (declared !== undefined && declared > limit) {
      // the rest is not worth reading: the connection closes after the answer
      res.setHeader('Connection', 'close')
      return void next(tooLarge())
    }
    if (!isJsonContentType(req.headers['content-type'])) return void next()
    const encoding = req.headers['content-encoding']
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return void next(new AdminError(415, `Content-Encoding ${encoding} is not supported on /__admin: send plain JSON`))

    // a declared length is read into one buffer (allocated once bytes arrive); a chunked body is gathered and joined once
    let whole: Buffer | undefined
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const finish = (err?: unknown) => {
      if (settled) return
      settled = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', finish)
      if (err) return next(err)
      const bytes = whole ? whole.subarray(0, size) : Buffer.concat(chunks, size)
      chunks.length = 0
      const tooDense = heapProblem(bytes, heapLeft())
      if (tooDense) return next(new AdminError(413, tooDense))
      let body: unknown
      try {
        body = JSON.parse(bytes.toString('utf8'))
      } catch (parseError) {
        return next(new AdminError(400, `The request body is not valid JSON: ${parseError instanceof SyntaxError ? parseError.message : 'nesting too deep'}`))
      }
      req.body = body
      next()
    }
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        req.pause()
        res.setHeader('Connection', 'close')
        return finish(tooLarge())
      }
      if (declared) {
        whole ??= Buffer.allocUnsafe(declared)
        chunk.copy(whole, size)
      } else chunks.push(chunk)
      size += chunk.length
    }
    const onEnd = () => finish()
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', finish)
  }
}
