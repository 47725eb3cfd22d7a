import { fintocModule } from './fintoc/index.js'
import { monatoModule } from './monato/index.js'
import type { ProviderModule } from './types.js'

export const defaultModules: ProviderModule[] = [fintocModule, monatoModule] as ProviderModule[]
