import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto'

// Signs a request body the way the official SDKs do: detached RS256 JWS over protected + "." + b64url(body).

export function makeKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  }
}

export interface SignOptions {
  ts?: number
  nonce?: string
  alg?: string
  crit?: string[]
}

export function signJws(privatePem: string, body: string, opts: SignOptions = {}): string {
  const header = {
    alg: opts.alg ?? 'RS256',
    nonce: opts.nonce ?? randomBytes(16).toString('hex'),
    ts: opts.ts ?? Math.floor(Date.now() / 1000),
    crit: opts.crit ?? ['ts', 'nonce'],
  }
  const protectedB64 = Buffer.from(JSON.stringify(header)).toString('base64url')
  const signer = createSign('sha256')
  signer.update(`${protectedB64}.${Buffer.from(body).toString('base64url')}`)
  return `${protectedB64}.${signer.sign(privatePem).toString('base64url')}`
}
