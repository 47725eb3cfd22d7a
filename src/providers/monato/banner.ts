import { maskSecret } from '../../core/logger.js'
import type { MonatoScenario } from './scenario.js'
import { readMonatoSettings } from './settings.js'

// What the startup banner says of Monato: the clients a scenario declares (their secrets stay in the file).

export function describeMonatoScenario(section: MonatoScenario): string[] {
  const clients = (section.clients ?? []).map((c) => `client ${c.id}${c.name ? ` (${c.name})` : ''}, x-api-key ${maskSecret(c.api_key)}`)
  const banks = section.banks?.length ? [`${section.banks.length} banks in the SPEI catalog`] : []
  return [...clients, ...banks]
}

export function describeMonatoSettings(env: NodeJS.ProcessEnv): string[] {
  const settings = readMonatoSettings(env)
  return settings.clabeCheck ? [] : ['CLABE check digits not checked (MONATO_CLABE_CHECK=off)']
}
