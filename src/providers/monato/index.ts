import type { Provider, ProviderModule } from '../types.js'
import { createMonatoAuth, type MonatoPrincipal } from './auth.js'
import { formatMonatoError } from './errors.js'
import { createAuthHandlers } from './handlers-auth.js'
import { createCatalogHandlers } from './handlers-catalog.js'
import { createInstrumentHandlers } from './instruments.js'
import { readMonatoSettings } from './settings.js'
import { createMonatoSigner, createWebhookHandlers } from './webhooks.js'
import { applyMonatoScenario, type MonatoScenario, monatoScenarioSchema } from './scenario.js'
import { initialMonatoState, type MonatoState } from './state.js'

export const monatoModule: ProviderModule<MonatoState, MonatoScenario> = {
  name: 'monato',
  specFile: 'specs/monato-fincore.yaml',
  initialState: initialMonatoState,
  scenarioSchema: monatoScenarioSchema,
  applyScenario: applyMonatoScenario,
  create({ state, clock, ids, env, signWebhooks }) {
    const settings = readMonatoSettings(env)
    signWebhooks(createMonatoSigner(state, settings.webhookToken))
    const provider: Provider<MonatoPrincipal> = {
      name: 'monato',
      authenticate: createMonatoAuth(state, clock),
      formatError: formatMonatoError,
      handlers: {
        ...createAuthHandlers(state, clock, ids),
        ...createCatalogHandlers(state),
        ...createInstrumentHandlers(state, ids, clock, settings.clabeCheck),
        ...createWebhookHandlers(state, ids, clock),
      },
    }
    return provider as Provider
  },
}
