import { makeClabe } from '../../core/clabe.js'
import type { FintocState } from './state.js'

// Account numbers Fintoc allocates: CLABEs under its own prefix in Mexico, plain numbers in Chile.

export const FINTOC_CLABE_PREFIX = '735969'

export const allocateNumber = (s: FintocState, currency: 'MXN' | 'CLP') =>
  currency === 'MXN' ? makeClabe(FINTOC_CLABE_PREFIX, s.clabeSeq++) : String(900_000_000 + s.clabeSeq++)
