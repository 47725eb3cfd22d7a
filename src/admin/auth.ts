import type { IncomingMessage } from 'node:http'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'

// ADMIN_TOKEN on /__admin: `Authorization: Bearer <token>` for API clients, or the dashboard's login cookie for a
// browser. Some paths check for themselves (the dashboard shows its login form) or are open (the webhook inbox
// takes deliveries the way a real receiver would).

/** the dashboard's login cookie: HttpOnly, SameSite=Strict, path /__admin */
export const ADMIN_COOKIE = 'fmm_admin_token'

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** what the login cookie holds: derived from the token, so a leaked cookie (a browser profile, a HAR file) is not the token */
export const adminCookieValue = (token: string): string => createHmac('sha256', token).update('fintoc-monato-mock dashboard session').digest('base64url')

/** whether the request carries the token, as a bearer header or as the dashboard's cookie (always true without a token) */
export function isAdminAuthorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]
  if (bearer !== undefined && same(bearer, token)) return true
  const cookie = cookieValue(req.headers.cookie, ADMIN_COOKIE)
  return cookie !== undefined && same(cookie, adminCookieValue(token))
}

/** paths (below /__admin) whose routes check for themselves or are open: `(method, path) => boolean` */
export type OpenPath = (method: string, path: string) => boolean

export function adminAuth(token: string | undefined, open: OpenPath[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!token || open.some((o) => o(req.method, req.path)) || isAdminAuthorized(req, token)) return next()
    res.status(401).json({ error: { message: 'The control API needs Authorization: Bearer <ADMIN_TOKEN>', issues: [] } })
  }
}
