import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { readEnv } from '../../core/env.js'
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
  const d = readEnv(Settings, env)
  let globalJwsKey = d.FINTOC_JWS_PUBLIC_KEY
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
    settleDelayMs: d.FINTOC_SETTLE_DELAY_MS,
    jws: d.FINTOC_JWS,
    globalJwsKey,
    webhookUrl: d.FINTOC_WEBHOOK_URL,
    webhookSecret: d.FINTOC_WEBHOOK_SECRET,
  }
}
