import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { networkInterfaces } from 'node:os'
import path from 'node:path'
import { isInboxPath } from './inbox-url.js'

// Where the sandbox itself listens. A webhook delivered back into it would let one tenant drive the control API
// (e.g. /__admin/reset wipes every tenant) or loop into a provider API, so no delivery may go there.

export interface SelfAddress {
  /** the host the server listens on, as configured (`0.0.0.0`, `::`, `127.0.0.1`, a LAN address…) */
  host: string
  port: number
}

/** the sandbox's own top-level paths; of them, only the built-in inbox's delivery path is allowed (see ownPath) */
const OWN_SEGMENTS = new Set(['__admin', 'fintoc', 'monato'])

/** the validation message the providers give for such a URL (after the field name) */
export const SELF_URL_PROBLEM = 'must not point at the sandbox itself (its /__admin, /fintoc or /monato paths)'

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')
// loopback, plus the unspecified addresses (a connection to 0.0.0.0 reaches this machine)
const always = new BlockList()
always.addSubnet('127.0.0.0', 8, 'ipv4')
always.addAddress('::1', 'ipv6')
always.addAddress('0.0.0.0', 'ipv4')
always.addAddress('::', 'ipv6')

const WILDCARD = new Set(['0.0.0.0', '::'])

const bare = (host: string) => host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()

/** an IP literal that reaches the server: loopback, unspecified, its listening host, or any local interface when it listens on all */
function addressIsSelf(ip: string, self: SelfAddress): boolean {
  const family = isIP(ip)
  if (family === 0) return false
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (always.check(ip, type)) return true
  const own = new BlockList()
  const host = bare(self.host)
  if (isIP(host)) own.addAddress(host, isIP(host) === 4 ? 'ipv4' : 'ipv6')
  if (WILDCARD.has(host)) for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) own.addAddress(a.address, a.family === 'IPv4' ? 'ipv4' : 'ipv6')
  return own.check(ip, type)
}

/**
 * the first path segment, as the server could route it: dot segments resolved, percent-decoding and case ignored;
 * exactly /__admin/inbox/{name} is not the sandbox's own (it only keeps what it receives), in every form checked
 */
function ownPath(pathname: string): boolean {
  const forms = [pathname]
  try {
    forms.push(decodeURIComponent(pathname))
  } catch {
    // a malformed escape: the raw form is still checked
  }
  return forms.some((p) => {
    const normal = path.posix.normalize(p)
    const first = normal.toLowerCase().split('/').find((s) => s !== '')
    return first !== undefined && OWN_SEGMENTS.has(first) && !isInboxPath(normal)
  })
}

/**
 * Whether a delivery to `url` would reach the sandbox's own /__admin, /fintoc or /monato: a loopback, localhost,
 * unspecified or own address (literally, or as a name resolves now) on the server's own port. Unknown port
 * (`self` undefined: the app is not listening, e.g. under supertest): nothing is refused.
 */
export async function isSelfAddress(url: string, self: SelfAddress | undefined): Promise<boolean> {
  if (!self) return false
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80
  if (port !== self.port || !ownPath(u.pathname)) return false
  const host = bare(u.hostname)
  if (host === 'localhost' || host.endsWith('.localhost') || host === bare(self.host) || addressIsSelf(host, self)) return true
  if (isIP(host)) return false
  try {
    // a name may resolve to the sandbox's own address (checked again at each delivery: it may resolve differently later)
    return (await lookup(host, { all: true })).some((a) => addressIsSelf(a.address, self))
  } catch {
    return false
  }
}

/** a host only this machine can reach (the control API is then as private as the machine) */
export function isLoopbackHost(host: string): boolean {
  const h = bare(host)
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  const family = isIP(h)
  return family !== 0 && loopback.check(h, family === 4 ? 'ipv4' : 'ipv6')
}
