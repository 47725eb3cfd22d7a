import { z } from 'zod'
import { readEnv } from '../../core/env.js'
import { webhookUrlSetting } from '../../core/inbox-url.js'
import { hasCredentials } from '../../core/webhook-http.js'

// Monato settings from the environment, checked when the provider is built.

const Settings = z.object({
  // Monato's own doc examples fail the CLABE check digit; `off` accepts them
  MONATO_CLABE_CHECK: z.enum(['on', 'off']).default('on'),
  MONATO_SETTLE_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  MONATO_IDEMPOTENCY: z.enum(['lenient', 'strict']).default('lenient'),
  // the staging namespace third-party clients use (inferred)
  MONATO_IDEMPOTENCY_NAMESPACE: z.uuid().default('fb9e4ed2-ab8c-4ce3-9bec-4ae7008bfd43'),
  // an http(s) URL, or `inbox:<name>`: the sandbox's own inbox, resolved at delivery
  MONATO_WEBHOOK_URL: webhookUrlSetting.optional(),
  MONATO_WEBHOOK_TOKEN: z.string().min(1).optional(),
}).superRefine((d, ctx) => {
  // both would be sent as Authorization: the URL's user and password could never reach the receiver
  if (d.MONATO_WEBHOOK_TOKEN && d.MONATO_WEBHOOK_URL && hasCredentials(d.MONATO_WEBHOOK_URL)) {
    ctx.addIssue({ code: 'custom', path: ['MONATO_WEBHOOK_URL'], message: 'must not contain credentials when MONATO_WEBHOOK_TOKEN is set (both would be the Authorization header)' })
  }
})

export function readMonatoSettings(env: NodeJS.ProcessEnv) {
  const d = readEnv(Settings, env)
  return {
    clabeCheck: d.MONATO_CLABE_CHECK === 'on',
    settleDelayMs: d.MONATO_SETTLE_DELAY_MS,
    idempotency: { strict: d.MONATO_IDEMPOTENCY === 'strict', namespace: d.MONATO_IDEMPOTENCY_NAMESPACE },
    webhookUrl: d.MONATO_WEBHOOK_URL,
    webhookToken: d.MONATO_WEBHOOK_TOKEN,
  }
}
