import { existsSync, readFileSync } from 'node:fs'
import { z } from 'zod'
import { readEnv } from '../../core/env.js'
import { webhookUrlSetting } from '../../core/inbox-url.js'
import { readPublicKey } from './jws.js'

// Fintoc settings from the environment, checked when the provider is built.

/** a count or duration from the environment, 0 included (0 turns the bound off) */
const wholeNumber = (unit: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number of ${unit} (0: no limit)`)
    .transform(Number)
    .pipe(z.number().max(Number.MAX_SAFE_INTEGER, 'is too large'))

const Settings = z.object({
  FINTOC_SETTLE_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  FINTOC_JWS: z.enum(['enforce', 'off']).default('enforce'),
  FINTOC_JWS_PUBLIC_KEY: z.string().optional(),
  // an http(s) URL, or `inbox:<name>`: the sandbox's own inbox, resolved at delivery
  FINTOC_WEBHOOK_URL: webhookUrlSetting.optional(),
  FINTOC_WEBHOOK_SECRET: z.string().min(1).optional(),
  FINTOC_ORG_IDLE_TTL_MS: wholeNumber('milliseconds').default(24 * 60 * 60 * 1000),
  FINTOC_MAX_AUTO_ORGS: wholeNumber('organizations').default(50_000),
})

export interface FintocSettings {
  settleDelayMs: number
  jws: 'enforce' | 'off'
  /** PEM that verifies requests of every organization */
  globalJwsKey?: string
  /** receives every event of every organization */
  webhookUrl?: string
  webhookSecret?: string
  /** wall-clock ms an organization made on the fly may stay unused before it is freed (0: never) */
  orgIdleTtlMs: number
  /** organizations made on the fly kept at most; one more frees the least recently used (0: no cap) */
  maxAutoOrgs: number
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
    orgIdleTtlMs: d.FINTOC_ORG_IDLE_TTL_MS,
    maxAutoOrgs: d.FINTOC_MAX_AUTO_ORGS,
  }
}
