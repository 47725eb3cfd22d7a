// The HTTP side of one delivery attempt: credentials in the receiver's URL, and reading its answer.

/** how much of a receiver's answer is read before the connection is closed: the status is all that counts */
export const RESPONSE_READ_LIMIT = 64 * 1024

const decode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** whether a URL carries a user name or password */
export function hasCredentials(url: string): boolean {
  try {
    const u = new URL(url)
    return u.username !== '' || u.password !== ''
  } catch {
    return false
  }
}

/**
 * fetch refuses a URL with credentials: they are taken out of it and sent as `Authorization: Basic`, unless the
 * provider's own signature already sets Authorization (Monato's Bearer token), which then wins.
 */
export function withoutCredentials(url: string, headers: Record<string, string>): { url: string; headers: Record<string, string> } {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return { url, headers }
  }
  if (!u.username && !u.password) return { url, headers }
  const basic = Buffer.from(`${decode(u.username)}:${decode(u.password)}`).toString('base64')
  u.username = ''
  u.password = ''
  const signed = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')
  return { url: u.toString(), headers: signed ? headers : { ...headers, authorization: `Basic ${basic}` } }
}

/** reads the answer up to `limit` bytes (so the connection can be reused), then cancels it: an endless body is not read */
export async function drainBounded(body: ReadableStream<Uint8Array> | null, limit = RESPONSE_READ_LIMIT): Promise<void> {
  if (!body) return
  const reader = body.getReader()
  let read = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      read += value.byteLength
      if (read > limit) break
    }
    await reader.cancel()
  } catch {
    // a body that breaks off does not change the attempt's outcome: the status was received
  }
}
