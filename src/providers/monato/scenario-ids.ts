import type { DeclaredId } from '../types.js'
import type { MonatoScenario } from './scenario.js'

// The ids a `monato` scenario section fixes: each must name one thing only (see ProviderModule.scenarioIds).

export function monatoScenarioIds(section: MonatoScenario): DeclaredId[] {
  const out: DeclaredId[] = []
  ;(section.banks ?? []).forEach((b, i) => {
    // the catalog: a later scenario's bank with the same code replaces the entry
    out.push({ kind: 'bank id', value: b.id, path: ['banks', i, 'id'], acrossScenarios: false })
    out.push({ kind: 'bank code', value: b.code, path: ['banks', i, 'code'], acrossScenarios: false })
  })
  ;(section.clients ?? []).forEach((c, k) => {
    const at = ['clients', k]
    // a later scenario may name a loaded client again, with its key, to add instruments, accounts… to it
    const client = `${c.id}\u0000${c.api_key}`
    out.push({ kind: 'client id', value: c.id, path: [...at, 'id'], sameWhen: client })
    out.push({ kind: 'API key', value: c.api_key, path: [...at, 'api_key'], secret: true, sameWhen: client })
    if (c.credential_id) out.push({ kind: 'credential id', value: c.credential_id, path: [...at, 'credential_id'], sameWhen: `${client}\u0000${c.client_secret}` })
    ;(c.accounts ?? []).forEach((a, i) => {
      if (a.id) out.push({ kind: 'account id', value: a.id, path: [...at, 'accounts', i, 'id'] })
      // an account's own instrument and a registered instrument share one namespace (resolveDestination)
      if (a.instrument_id) out.push({ kind: 'instrument id', value: a.instrument_id, path: [...at, 'accounts', i, 'instrument_id'] })
      if (a.clabe) out.push({ kind: 'CLABE', value: a.clabe, path: [...at, 'accounts', i, 'clabe'] })
    })
    ;(c.customers ?? []).forEach((cu, i) => {
      out.push({ kind: 'customer id', value: cu.id, path: [...at, 'customers', i, 'id'] })
    })
    ;(c.instruments ?? []).forEach((ins, i) => {
      if (ins.id) out.push({ kind: 'instrument id', value: ins.id, path: [...at, 'instruments', i, 'id'] })
    })
    ;(c.webhooks ?? []).forEach((w, i) => {
      if (w.id) out.push({ kind: 'webhook id', value: w.id, path: [...at, 'webhooks', i, 'id'] })
    })
  })
  return out
}
