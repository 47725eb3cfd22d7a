import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { readPublicKey } from './jws.js'

// Fintoc settings from the environment, checked when the provider is built.

const Settings = z.object({
  FINTOC_SETTLE_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  FINTOC_JWS: z.enum(['enforce', 'off']).default('enforce'),
  FINTOC_JWS_PUBLIC_KEY: z.string().optional(),
  FINTOC_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  FINTOC_WEBHOOK_SECRET: z.string().min(1).optional(),
})

export interface FintocSettings {
  settleDelayMs: number
  jws: 'enforce' | 'off'
  /** PEM that verifies requests of every organization */
  globalJwsKey?: string
  /** receives every event of every organization */
  webhookUrl?: string
  webhookSecret?: string
}

export function readSettings(env: NodeJS.ProcessEnv): FintocSettings {
  const pick = (k: string) => (env[k] === '' ? undefined : env[k])
  const parsed = Settings.safeParse({
    FINTOC_SETTLE_DELAY_MS: pick('FINTOC_SETTLE_DELAY_MS'),
    FINTOC_JWS: pick('FINTOC_JWS'),
    FINTOC_JWS_PUBLIC_KEY: pick('FINTOC_JWS_PUBLIC_KEY'),
    FINTOC_WEBHOOK_URL: pick('FINTOC_WEBHOOK_URL'),
    FINTOC_WEBHOOK_SECRET: pick('FINTOC_WEBHOOK_SECRET'),
  })
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`)
  let globalJwsKey = parsed.data.FINTOC_JWS_PUBLIC_KEY
  // PEM text, or a path to a PEM file
  if (globalJwsKey && !globalJwsKey.includes('-----BEGIN') && existsSync(globalJwsKey)) globalJwsKey = readFileSync(globalJwsKey, 'utf8')
  if (globalJwsKey) {
    try {
      readPublicKey(globalJwsKey)
    } catch (err) {
      throw new Error(`invalid configuration: FINTOC_JWS_PUBLIC_KEY: ${(err as Error).message}`)
    }
  }
  return {
    settleDelayMs: parsed.data.FINTOC_SETTLE_DELAY_MS,
    jws: parsed.data.FINTOC_JWS,
    globalJwsKey,
    webhookUrl: parsed.data.FINTOC_WEBHOOK_URL,
    webhookSecret: parsed.data.FINTOC_WEBHOOK_SECRET,
  }
}
