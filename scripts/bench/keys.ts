import { createHash, randomBytes, randomUUID } from 'node:crypto'

// Fresh idempotency keys: Fintoc takes any string, Monato wants a UUID v5 (RFC 9562: SHA-1 of namespace + name).

export function uuidV5(namespace: string, name: string): string {
  const digest = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name).digest()
  const b = digest.subarray(0, 16)
  b[6] = (b[6]! & 0x0f) | 0x50
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/** a generator of keys never used before in this run */
export function keySource(kind: 'fintoc' | 'monato'): () => string {
  const run = randomBytes(6).toString('hex')
  const namespace = randomUUID()
  let n = 0
  return kind === 'fintoc' ? () => `bench-${run}-${++n}` : () => uuidV5(namespace, `bench-${++n}`)
}
