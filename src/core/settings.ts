import { z } from 'zod'
import { readEnv } from './env.js'
import type { WebhookSettings } from './webhooks.js'

// Settings of the core (not of one provider), from the environment.

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }
/** V8 makes no longer string: a body past it could not even be decoded for JSON.parse */
export const MAX_ADMIN_BODY_LIMIT = 0x1fffffe8
/** 500 MB: a snapshot of 100k transfers (~350 MB) fits, and the shipped heap cap (1.5 GB) still parses it */
export const DEFAULT_ADMIN_BODY_LIMIT = 500 * UNITS.mb!

/** a size in bytes, or with a unit: `2048`, `64kb`, `512mb` */
const size = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*(b|kb|mb|gb)?\s*$/i, 'must be a size such as 2048, 64kb or 512mb')
  .transform((v) => {
    const [, n, unit] = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v)!
    return Math.floor(Number(n) * UNITS[(unit || 'b').toLowerCase()]!)
  })
  .pipe(z.number().int().min(1, 'must be at least 1 byte').max(MAX_ADMIN_BODY_LIMIT, 'must be at most 512mb (the longest string V8 makes)'))

const Settings = z.object({
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  WEBHOOK_MAX_RETRIES: z.coerce.number().int().min(0).max(50).default(17),
  WEBHOOK_FIRST_RETRY_MS: z.coerce.number().int().min(0).default(3_000),
  WEBHOOK_LOG_SIZE: z.coerce.number().int().min(1).default(1_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(32),
  JOURNAL_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
  ADMIN_BODY_LIMIT: size.default(DEFAULT_ADMIN_BODY_LIMIT),
  DATA_FILE_ACCEPT_LOSS: z.enum(['true', 'false', '1', '0']).default('false'),
})

export interface CoreSettings {
  webhooks: WebhookSettings
  journalSize: number
  /** bytes: larger /__admin bodies are refused with 413 before they are read */
  adminBodyLimit: number
  /** boot past a damaged DATA_FILE log by dropping its bad line and everything after it */
  acceptDataLoss: boolean
}

export function readCoreSettings(env: NodeJS.ProcessEnv): CoreSettings {
  const d = readEnv(Settings, env)
  return {
    webhooks: { timeoutMs: d.WEBHOOK_TIMEOUT_MS, maxRetries: d.WEBHOOK_MAX_RETRIES, firstRetryMs: d.WEBHOOK_FIRST_RETRY_MS, keep: d.WEBHOOK_LOG_SIZE, concurrency: d.WEBHOOK_CONCURRENCY },
    journalSize: d.JOURNAL_SIZE,
    adminBodyLimit: d.ADMIN_BODY_LIMIT,
    acceptDataLoss: d.DATA_FILE_ACCEPT_LOSS === 'true' || d.DATA_FILE_ACCEPT_LOSS === '1',
  }
}

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

// the HTTP server's own limits: read by main.ts and startSandbox, which create the server
const ServerSettingsSchema = z
  .object({
    MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).optional(),
    HEADERS_TIMEOUT_MS: ms(100, 600_000).default(10_000),
    REQUEST_TIMEOUT_MS: ms(100, 3_600_000).default(120_000),
    KEEP_ALIVE_TIMEOUT_MS: ms(100, 600_000).default(5_000),
    WEBHOOK_CONCURRENCY: Settings.shape.WEBHOOK_CONCURRENCY,
  })
  .refine((s) => s.HEADERS_TIMEOUT_MS <= s.REQUEST_TIMEOUT_MS, { path: ['HEADERS_TIMEOUT_MS'], message: 'must not exceed REQUEST_TIMEOUT_MS' })

export interface ServerSettings {
  /** an explicit cap on open client connections; unset: derived from the open-file limit */
  maxConnections: number | undefined
  /** a connection that has not sent a whole request head by then is closed (silent sockets included) */
  headersTimeoutMs: number
  /** a request whose body has not fully arrived by then is closed */
  requestTimeoutMs: number
  /** an idle keep-alive connection is closed after this */
  keepAliveTimeoutMs: number
  /** descriptors the deliveries may hold at once: part of the reserve */
  webhookConcurrency: number
}

export function readServerSettings(env: NodeJS.ProcessEnv): ServerSettings {
  const d = readEnv(ServerSettingsSchema, env)
  return {
    maxConnections: d.MAX_CONNECTIONS,
    headersTimeoutMs: d.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: d.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: d.KEEP_ALIVE_TIMEOUT_MS,
    webhookConcurrency: d.WEBHOOK_CONCURRENCY,
  }
}
