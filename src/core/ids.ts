import { randomBytes } from 'node:crypto'

// Ids: provider-prefixed KSUID-like ids (time-sortable, 27 base62 chars) and UUIDs.

export type RandomBytes = (size: number) => Uint8Array

export interface IdGenerator {
  /** `prefix_` + 27 base62 characters, sortable by creation time */
  prefixed(prefix: string): string
  uuid(): string
  /** hex string of `bytes` random bytes */
  hex(bytes: number): string
  /** `length` characters drawn from `alphabet` */
  chars(alphabet: string, length: number): string
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const KSUID_EPOCH = 1_400_000_000

function base62(bytes: Uint8Array, width: number): string {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  let out = ''
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out
    n /= 62n
  }
  return out.padStart(width, '0')
}

/** crypto randomness drawn 4 KB at a time: one system call per ~200 ids instead of one per id */
export function pooledRandom(poolSize = 4096): RandomBytes {
  let pool = randomBytes(poolSize)
  let offset = 0
  return (size) => {
    if (size > poolSize) return randomBytes(size)
    if (offset + size > poolSize) {
      pool = randomBytes(poolSize)
      offset = 0
    }
    // a copy: callers may write into what they get
    const out = Uint8Array.prototype.slice.call(pool, offset, offset + size)
    offset += size
    return out
  }
}

export function createIds(now: () => number, random: RandomBytes = pooledRandom()): IdGenerator {
  let lastSecond = 0
  let seq = 0
  return {
    prefixed(prefix) {
      const second = Math.floor(now() / 1000) - KSUID_EPOCH
      // same-second ids stay ordered by creation: a per-second counter fills the first random bytes
      seq = second === lastSecond ? seq + 1 : 0
      lastSecond = second
      const buf = new Uint8Array(20)
      new DataView(buf.buffer).setUint32(0, Math.max(0, second) >>> 0)
      buf.set(random(16), 4)
      new DataView(buf.buffer).setUint32(4, seq >>> 0)
      return `${prefix}_${base62(buf, 27)}`
    },
    uuid() {
      const b = random(16)
      b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
      b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
      const h = Buffer.from(b).toString('hex')
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
    },
    hex: (bytes) => Buffer.from(random(bytes)).toString('hex'),
    chars(alphabet, length) {
      const bytes = random(length)
      let out = ''
      for (const b of bytes) out += alphabet[b % alphabet.length]
      return out
    },
  }
}

/** deterministic byte source for tests (mulberry32) */
export function seededRandom(seed: number): RandomBytes {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return (size) => Uint8Array.from({ length: size }, () => Math.floor(next() * 256))
}
