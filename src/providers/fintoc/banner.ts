import { maskSecret } from '../../core/logger.js'
import type { FintocScenario } from './scenario.js'
import { readSettings } from './settings.js'

// What the startup banner says of Fintoc: the organizations a scenario declares, and whether requests must be
// signed (the usual surprise: a first SDK transfer answered 401 missing_active_jws_public_key).

export function describeFintocScenario(section: FintocScenario): string[] {
  return (section.organizations ?? []).map((org) => {
    const keys = org.jws_public_keys?.length ?? 0
    const about = [org.holder_name, keys > 0 ? `${keys} JWS key${keys > 1 ? 's' : ''}` : undefined].filter(Boolean).join(', ')
    return `organization ${maskSecret(org.api_key)}${about ? ` (${about})` : ''}`
  })
}

export function describeFintocSettings(env: NodeJS.ProcessEnv, sections: FintocScenario[]): string[] {
  const settings = readSettings(env)
  if (settings.jws === 'off') return ['JWS off: transfers and account verifications need no Fintoc-JWS-Signature (FINTOC_JWS=enforce checks it)']
  const keyed = sections.flatMap((s) => s.organizations ?? []).filter((o) => (o.jws_public_keys?.length ?? 0) > 0).length
  const keys = settings.globalJwsKey ? 'FINTOC_JWS_PUBLIC_KEY verifies every organization' : keyed > 0 ? `${keyed} scenario organization${keyed > 1 ? 's have' : ' has'} a key, others none` : 'no key registered yet'
  return [
    `JWS enforced (${keys}): POST /v2/transfers, /v2/transfers/return and /v2/account_verifications need a Fintoc-JWS-Signature; register a public key with POST /__admin/fintoc/jws-keys or FINTOC_JWS_PUBLIC_KEY, or set FINTOC_JWS=off`,
  ]
}
