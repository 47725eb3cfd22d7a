import type { Provider, ProviderModule } from '../types.js'
import { createFintocAuth, type FintocPrincipal } from './auth.js'
import { formatFintocError } from './errors.js'
import { createReadHandlers } from './handlers-read.js'
import { applyFintocScenario, type FintocScenario, fintocScenarioSchema } from './scenario.js'
import { type FintocState, initialFintocState } from './state.js'

export const fintocModule: ProviderModule<FintocState, FintocScenario> = {
  name: 'fintoc',
  specFile: 'specs/fintoc.yaml',
  initialState: initialFintocState,
  scenarioSchema: fintocScenarioSchema,
  applyScenario: applyFintocScenario,
  create({ state, ids, clock }) {
    const provider: Provider<FintocPrincipal> = {
      name: 'fintoc',
      authenticate: createFintocAuth(state, ids, clock),
      formatError: formatFintocError,
      handlers: { ...createReadHandlers(state) },
    }
    return provider as Provider
  },
}
