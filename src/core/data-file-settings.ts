import { z } from 'zod'
import { readEnv } from './env.js'

// DATA_FILE_ACCEPT_LOSS: boot past a damaged log by dropping its bad line and everything after it.
const Settings = z.object({
  DATA_FILE_ACCEPT_LOSS: z.enum(['true', 'false', '1', '0']).default('false'),
})

export const readAcceptLoss = (env: NodeJS.ProcessEnv): boolean => ['true', '1'].includes(readEnv(Settings, env).DATA_FILE_ACCEPT_LOSS)
