// Fintoc retries a refund it cannot fund for 5 business days before failing it (docs/fintoc.md: "Refunds").
// Business days are Monday to Friday in UTC: no holiday calendar is emulated (inferred).

const DAY_MS = 24 * 3600 * 1000

/** the same time of day `days` business days after `from` (epoch ms) */
export function addBusinessDays(from: number, days: number): number {
  let at = from
  let left = days
  while (left > 0) {
    at += DAY_MS
    const weekday = new Date(at).getUTCDay()
    if (weekday !== 0 && weekday !== 6) left--
  }
  return at
}
