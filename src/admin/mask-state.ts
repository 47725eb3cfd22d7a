import { maskSecret, maskUrlPassword } from '../core/logger.js'

// GET /__admin/state without ?secrets=true: the state as JSON with every secret masked as in the logs. Built by
// the serializer (a replacer keyed by field name), so the stored state is neither mutated nor cloned.

/** Fintoc webhook secrets and widget tokens, Monato client secrets and receiver tokens, as stored or as answered */
const SECRET_KEYS = new Set(['secret', 'token', 'widgetToken', 'widget_token', 'client_secret', 'clientSecret', 'password', 'private_key'])

/** a stored idempotency reply that may hold one of them (or a URL with a password), worth parsing */
const SECRET_IN_TEXT = /"(?:secret|token|widget_token|client_secret|clientSecret|password|private_key|url)"\s*:/

function replacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value
  if (SECRET_KEYS.has(key)) return maskSecret(value)
  if (key === 'url') return maskUrlPassword(value)
  // idempotency records keep the response body as sent: its secrets are masked inside it
  if (key === 'text' && SECRET_IN_TEXT.test(value) && typeof (this as { status?: unknown }).status === 'number') {
    try {
      return JSON.stringify(JSON.parse(value), replacer)
    } catch {
      return value
    }
  }
  return value
}

export const maskedStateJson = (value: unknown): string => JSON.stringify(value, replacer)

/** a delivery as the control API shows it: receiver URLs without their password */
export function maskedDelivery<D extends { url: string; attempts: Array<{ url: string }> }>(d: D): D {
  return { ...d, url: maskUrlPassword(d.url), attempts: d.attempts.map((a) => ({ ...a, url: maskUrlPassword(a.url) })) }
}
