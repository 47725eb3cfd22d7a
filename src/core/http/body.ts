import { ApiError } from '../errors.js'

// Turns the raw request bytes into JSON, with the failures each provider reports in its envelope.

const decoder = new TextDecoder('utf-8', { fatal: true })

export const isJsonContentType = (type: string | undefined): boolean =>
  !!type && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim())

export function parseJsonBody(raw: Buffer | undefined, contentType: string | undefined): unknown {
  if (!raw || raw.length === 0) return undefined
  if (!isJsonContentType(contentType)) {
    throw new ApiError('unsupported_media_type', `Unsupported content type ${JSON.stringify(contentType ?? '')}: send application/json`)
  }
  let text: string
  try {
    text = decoder.decode(raw)
  } catch {
    throw new ApiError('malformed_body', 'The request body is not valid UTF-8')
  }
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch (err) {
    // deep nesting can overflow the parser's stack; that is bad input too, not a crash
    const detail = err instanceof SyntaxError ? err.message : 'nesting too deep'
    throw new ApiError('malformed_body', `The request body is not valid JSON: ${detail}`)
  }
}
