import { isIP } from 'node:net'
import { z } from 'zod'

// The built-in webhook inbox's addresses: `/__admin/inbox/{name}` on the sandbox itself, and the short form
// `inbox:{name}` a receiver setting may hold, resolved to that path once the server's port is known.

/** an inbox name: letters, digits, `_` and `-`, up to 64 characters */
export const INBOX_NAME = /^[A-Za-z0-9_-]{1,64}$/

/** the message for a bad name (after the field name) */
export const INBOX_NAME_PROBLEM = 'must be 1 to 64 letters, digits, _ or -'

const INBOX_PATH = /^\/__admin\/inbox\/[A-Za-z0-9_-]{1,64}\/?$/i

/** whether a normalized path is exactly an inbox's delivery path (the one place of the sandbox a webhook may go) */
export const isInboxPath = (normalizedPath: string): boolean => INBOX_PATH.test(normalizedPath)

const SHORT = /^inbox:([^?#]*)(\?[^#]*)?$/

/** `inbox:ci` or `inbox:ci?status=503` → its name and query, or undefined when `value` is not the short form */
export function parseInboxShortForm(value: string): { name: string; query: string } | undefined {
  const m = SHORT.exec(value)
  return m ? { name: m[1]!, query: m[2] ?? '' } : undefined
}

/** a receiver URL setting: an http(s) URL, or `inbox:<name>` for the sandbox's own inbox */
export const webhookUrlSetting = z.string().superRefine((value, ctx) => {
  const short = parseInboxShortForm(value)
  if (short) {
    if (!INBOX_NAME.test(short.name)) ctx.addIssue({ code: 'custom', message: `inbox:<name>: the name ${INBOX_NAME_PROBLEM}` })
    return
  }
  if (!z.url({ protocol: /^https?$/ }).safeParse(value).success) ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL or inbox:<name>' })
})

/** where the server listens, as far as resolving the short form goes */
export interface ListenAddress {
  host: string
  port: number
}

/** the address a local client reaches the server at: a wildcard host means this machine's loopback */
function reachableHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '')
  if (bare === '0.0.0.0' || bare === '::') return '127.0.0.1'
  return isIP(bare) === 6 ? `[${bare}]` : bare
}

/** the http URL of an `inbox:` short form, or the URL unchanged; throws when the port is not known yet */
export function resolveInboxUrl(url: string, self: ListenAddress | undefined): string {
  const short = parseInboxShortForm(url)
  if (!short) return url
  // checked here too: a provider API may take the short form, and a name like `x/../../reset` would leave the inbox
  if (!INBOX_NAME.test(short.name)) throw new Error(`${url}: the inbox name ${INBOX_NAME_PROBLEM}`)
  if (!self) throw new Error(`${url}: the sandbox does not listen yet, so the inbox has no address`)
  return `http://${reachableHost(self.host)}:${self.port}/__admin/inbox/${short.name}${short.query}`
}

/** a fetch that sends `inbox:` URLs to the sandbox's own inbox (the delivery keeps the short form as its URL) */
export function inboxResolvingFetch<F extends (url: string, init: never) => Promise<unknown>>(send: F, self: () => ListenAddress | undefined): F {
  return ((url: string, init: never) => {
    let target: string
    try {
      target = resolveInboxUrl(url, self())
    } catch (err) {
      return Promise.reject(err)
    }
    return send(target, init)
  }) as F
}
