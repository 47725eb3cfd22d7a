import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto'

// Detached RS256 JWS over one fixed body, pre-signed in bulk: every signature carries its own nonce and
// is accepted once, so the pool must be at least as large as the number of signed requests sent.

export interface JwsKeys {
  publicPem: string
  privateKey: KeyObject
}

export function makeJwsKeys(): JwsKeys {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: createPrivateKey(pem) }
}

export function signDetached(key: KeyObject, body: string, nowS = Math.floor(Date.now() / 1000)): string {
  const header = { alg: 'RS256', nonce: randomBytes(16).toString('hex'), ts: nowS, crit: ['ts', 'nonce'] }
  const protectedB64 = Buffer.from(JSON.stringify(header)).toString('base64url')
  const signature = sign('sha256', Buffer.from(`${protectedB64}.${Buffer.from(body).toString('base64url')}`), key)
  return `${protectedB64}.${signature.toString('base64url')}`
}

export interface SignaturePool {
  size: number
  next: () => string
  /** how many requests asked for a signature after the pool ran out (each reused the last one) */
  overdrawn: () => number
}

export function signPool(key: KeyObject, body: string, size: number): SignaturePool {
  const sigs: string[] = new Array(size)
  for (let i = 0; i < size; i++) sigs[i] = signDetached(key, body)
  let i = 0
  let over = 0
  return {
    size,
    next: () => {
      if (i < size) return sigs[i++]!
      over++
      return sigs[size - 1]!
    },
    overdrawn: () => over,
  }
}
