import { describeFintocScenario, describeFintocSettings } from './fintoc/banner.js'
import { fintocModule } from './fintoc/index.js'
import { describeMonatoScenario, describeMonatoSettings } from './monato/banner.js'
import { monatoModule } from './monato/index.js'
import type { ProviderModule } from './types.js'

export const defaultModules: ProviderModule[] = [
  // each with what the startup banner says of it
  { ...fintocModule, describeScenario: describeFintocScenario, describeSettings: describeFintocSettings },
  { ...monatoModule, describeScenario: describeMonatoScenario, describeSettings: describeMonatoSettings },
] as ProviderModule[]
