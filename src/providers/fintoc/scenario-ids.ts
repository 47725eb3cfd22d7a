import type { DeclaredId } from '../types.js'
import type { FintocScenario } from './scenario.js'

// The ids a `fintoc` scenario section fixes: each must name one thing only (see ProviderModule.scenarioIds).

export function fintocScenarioIds(section: FintocScenario): DeclaredId[] {
  const out: DeclaredId[] = []
  ;(section.organizations ?? []).forEach((org, o) => {
    const at = ['organizations', o]
    // a key named twice would merge two organizations into one
    out.push({ kind: 'key', value: org.api_key, path: [...at, 'api_key'], secret: true })
    ;(org.accounts ?? []).forEach((a, i) => {
      if (a.id) out.push({ kind: 'account id', value: a.id, path: [...at, 'accounts', i, 'id'] })
      ;(a.account_numbers ?? []).forEach((n, j) => {
        if (n.id) out.push({ kind: 'account number id', value: n.id, path: [...at, 'accounts', i, 'account_numbers', j, 'id'] })
      })
    })
    ;(org.payment_intents ?? []).forEach((p, i) => {
      if (p.id) out.push({ kind: 'payment intent id', value: p.id, path: [...at, 'payment_intents', i, 'id'] })
    })
    ;(org.customers ?? []).forEach((c, i) => {
      if (c.id) out.push({ kind: 'customer id', value: c.id, path: [...at, 'customers', i, 'id'] })
    })
    ;(org.webhook_endpoints ?? []).forEach((e, i) => {
      if (e.id) out.push({ kind: 'webhook endpoint id', value: e.id, path: [...at, 'webhook_endpoints', i, 'id'] })
    })
  })
  return out
}
