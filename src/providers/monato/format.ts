// Monato's wire formats: money as 2-decimal strings, Mexico City (UTC-06:00) timestamps.

const MX_OFFSET_MS = -6 * 60 * 60 * 1000

export function centsToAmount(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

/** "123.45" → 12345; the caller has validated the string's shape */
export function amountToCents(amount: string): number {
  const [whole = '0', frac = ''] = amount.split('.')
  return Number(whole) * 100 + Number(frac.padEnd(2, '0').slice(0, 2))
}

const local = (ms: number) => new Date(ms + MX_OFFSET_MS).toISOString().slice(0, 23)

/** `2025-03-05 11:16:59.488685-06:00`, as in resource audits */
export const monatoTimestamp = (ms: number) => `${local(ms).replace('T', ' ')}000-06:00`

/** `2025-03-06 11:16:59.491631`: local time without offset, as in token `expires_at` */
export const monatoLocalTimestamp = (ms: number) => `${local(ms).replace('T', ' ')}000`

/** `2025-04-02T10:14:05.915184-06:00`, as in webhook payloads */
export const monatoIsoTimestamp = (ms: number) => `${local(ms)}000-06:00`
