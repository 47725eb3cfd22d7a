import type { InboxFilter as PublicFilter, InboxMessage as PublicMessage, SandboxInbox } from './api-types.js'
import { describeArrivals, type InboxFilter, type InboxMessage, type Inboxes } from './core/inbox.js'
import { INBOX_NAME, INBOX_NAME_PROBLEM } from './core/inbox-url.js'

// startSandbox().inbox(name): the built-in webhook inbox read in-process, without HTTP or the admin token.

// typed as the public message: a field the core message loses or retypes is a compile error here
const toPublic = (m: InboxMessage): PublicMessage => m

const toCore = (f: PublicFilter = {}): InboxFilter => ({ eventType: f.eventType, resourceId: f.resourceId, after: f.after })

const describeFilter = (f: PublicFilter) =>
  [f.eventType !== undefined && `eventType=${f.eventType}`, f.resourceId !== undefined && `resourceId=${f.resourceId}`, f.after !== undefined && `after=${f.after}`].filter(Boolean).join(' ') || 'any message'

/** the predicate's source, on one line and short enough for an error message */
const source = (fn: (m: PublicMessage) => boolean) => {
  const text = fn.toString().replace(/\s+/g, ' ')
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

export function createInboxHandle(inboxes: Inboxes, baseUrl: string, name: string): SandboxInbox {
  if (!INBOX_NAME.test(name)) throw new TypeError(`inbox(${JSON.stringify(name)}): the name ${INBOX_NAME_PROBLEM}`)
  return {
    name,
    url: `${baseUrl}/__admin/inbox/${name}`,
    list: (filter) => inboxes.list(name, toCore(filter), filter?.secrets === true).map(toPublic),
    clear: () => inboxes.clear(name),
    waitFor: async (wanted, options = {}) => {
      const timeout = options.timeout ?? 5000
      const test = typeof wanted === 'function' ? wanted : (m: PublicMessage) => inboxes.matches(m, toCore(wanted))
      const found = await inboxes.waitFor(name, test, timeout)
      if (found) return found
      const what = options.description ?? (typeof wanted === 'function' ? source(wanted) : describeFilter(wanted))
      throw new Error(`inbox ${name}: no message matching ${what} arrived within ${timeout} ms; ${describeArrivals(inboxes.list(name))}`)
    },
  }
}
