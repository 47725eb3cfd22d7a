import { z } from 'zod'
import { readEnv } from './env.js'
import type { WebhookSettings } from './webhooks.js'

// Settings of the core (not of one provider), from the environment.

const Settings = z.object({
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  WEBHOOK_MAX_RETRIES: z.coerce.number().int().min(0).max(50).default(17),
  WEBHOOK_FIRST_RETRY_MS: z.coerce.number().int().min(0).default(3_000),
  WEBHOOK_LOG_SIZE: z.coerce.number().int().min(1).default(1_000),
  JOURNAL_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
})

export function readCoreSettings(env: NodeJS.ProcessEnv): { webhooks: WebhookSettings; journalSize: number } {
  const d = readEnv(Settings, env)
  return {
    webhooks: { timeoutMs: d.WEBHOOK_TIMEOUT_MS, maxRetries: d.WEBHOOK_MAX_RETRIES, firstRetryMs: d.WEBHOOK_FIRST_RETRY_MS, keep: d.WEBHOOK_LOG_SIZE },
    journalSize: d.JOURNAL_SIZE,
  }
}
