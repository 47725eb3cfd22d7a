import { readdirSync, readFileSync } from 'node:fs'

// How many connections the server may hold open and still have file descriptors left for what it must do
// besides: the data file and its log, webhook deliveries, stdout. Past the process's open-file limit, accept()
// fails and libuv silently closes new connections, so the cap must stay below it.

/** descriptors kept free however small the limit (data file, its log and temp file, stdio, DNS, webhooks) */
export const MIN_RESERVE = 64
/** and at least this share of the limit */
export const RESERVE_SHARE = 0.1
/** besides the webhook sockets, what a delivery burst may also open (DNS lookups, the data file's writes) */
const WEBHOOK_EXTRA = 32

/** the soft "Max open files" of a /proc/<pid>/limits text; undefined when unlimited or absent */
export function parseOpenFilesLimit(limitsText: string): number | undefined {
  const m = /^Max open files\s+(\S+)/m.exec(limitsText)
  if (!m || !/^\d+$/.test(m[1]!)) return undefined
  return Number(m[1])
}

/** this process's soft open-file limit, on Linux; undefined elsewhere (no /proc) */
export function readOpenFilesLimit(): number | undefined {
  try {
    return parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'))
  } catch {
    return undefined
  }
}

/** descriptors this process holds now, on Linux; 0 when that cannot be told */
export function countOpenFiles(): number {
  try {
    // less the one readdir itself opens
    return Math.max(0, readdirSync('/proc/self/fd').length - 1)
  } catch {
    return 0
  }
}

export interface ConnectionCap {
  maxConnections: number
  /** descriptors left free for everything but client connections */
  reserve: number
}

export interface CapInput {
  /** the soft open-file limit; undefined: no cap */
  openFilesLimit: number | undefined
  /** descriptors already open (stdio, the data file, the listening socket…) */
  openFiles: number
  webhookConcurrency: number
}

/** limit − open − max(64, 10%, webhook concurrency + 32); on a tiny limit at least half of what is free goes to clients */
export function connectionCap({ openFilesLimit, openFiles, webhookConcurrency }: CapInput): ConnectionCap | undefined {
  if (openFilesLimit === undefined) return undefined
  const free = Math.max(0, openFilesLimit - openFiles)
  const wanted = Math.max(MIN_RESERVE, Math.ceil(openFilesLimit * RESERVE_SHARE), webhookConcurrency + WEBHOOK_EXTRA)
  const reserve = Math.min(wanted, Math.floor(free / 2))
  return { maxConnections: Math.max(1, free - reserve), reserve }
}
