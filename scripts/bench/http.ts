import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request } from 'node:http'
import { pipeline } from 'node:stream/promises'

// Setup calls (tokens, funding, snapshots); the measured traffic goes through autocannon only.

export async function callJson<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: res.status, body: parsed as T }
}

export async function expectJson<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await callJson<T>(method, url, body, headers)
  if (res.status < 200 || res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`)
  return res.body
}

/** streams a GET answer into a file (snapshots can be hundreds of MB); resolves with its size in bytes */
export function download(url: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        reject(new Error(`GET ${url} answered ${res.statusCode}`))
        return
      }
      pipeline(res, createWriteStream(file)).then(() => stat(file).then((s) => resolve(s.size)), reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** POSTs a JSON file as the body, streamed */
export async function uploadJson(url: string, file: string): Promise<{ status: number; body: string }> {
  const { size } = await stat(file)
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(size) } }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => {
        text += c.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    createReadStream(file).on('error', reject).pipe(req)
  })
}
