import { maskedDelivery } from '../admin/mask-state.js'
import type { DeliveryRecord } from '../core/webhooks.js'
import { type DashboardDeps, resourceLink } from './context.js'
import { type Html, html } from './html.js'
import { actionForm, fields, filters, httpStatus, json, link, own, pager, paginate, status, table, time } from './kit.js'
import { BASE } from './layout.js'
import type { DashboardRequest } from './types.js'

// Webhook deliveries as the core keeps them: every attempt, the signed payload, a redeliver button. Receiver URLs
// are masked as the control API masks them.

const OUTCOMES = ['pending', 'succeeded', 'failed', 'refused']

const lastAttempt = (d: DeliveryRecord): Html | string => {
  const a = d.attempts.at(-1)
  if (!a) return html`<span class="muted">not yet</span>`
  return a.error ? html`<span class="status bad">${a.error}</span>` : httpStatus(a.statusCode)
}

export function deliveriesList(deps: DashboardDeps, req: DashboardRequest): Html {
  const q = req.query
  const log = deps.deliveries()
  // ids only, newest first: records are read for the filters, and only the page's rows are rendered
  const ids: string[] = []
  for (let i = log.order.length - 1; i >= 0; i--) {
    const d = log.deliveries[log.order[i]!]
    if (!d) continue
    if ((q.provider && d.provider !== q.provider) || (q.event_type && d.eventType !== q.event_type) || (q.resource_id && d.resourceId !== q.resource_id) || (q.outcome && d.status !== q.outcome)) continue
    ids.push(d.id)
  }
  const page = paginate(ids, q)
  const rows = page.rows.map((id) => maskedDelivery(log.deliveries[id]!))
  const path = `${BASE}/deliveries`
  const kept = Object.fromEntries(Object.entries(q).filter(([k, v]) => k !== 'page' && v !== ''))
  return html`${filters(path, q, [
    { name: 'provider', label: 'Provider', options: deps.providers.map((p) => p.name) },
    { name: 'event_type', label: 'Event type' },
    { name: 'resource_id', label: 'Resource id' },
    { name: 'outcome', label: 'Outcome', options: OUTCOMES },
  ])}${table(
    'Webhook deliveries, newest first',
    [
      { label: 'Created', cell: (d) => time(d.createdAt, req.now) },
      { label: 'Delivery', cell: (d) => link(`${path}/${encodeURIComponent(d.id)}`, d.id) },
      { label: 'Provider', cell: (d) => d.provider },
      { label: 'Event type', cell: (d) => d.eventType },
      { label: 'Resource', cell: (d) => resourceLink(deps.providers, d.resourceId, d.provider) },
      { label: 'Outcome', cell: (d) => status(d.status) },
      { label: 'Attempts', cell: (d) => d.attempts.length },
      { label: 'Last attempt', cell: lastAttempt },
      { label: 'URL', cell: (d) => html`<code>${d.url}</code>` },
    ],
    rows,
    Object.values(kept).length > 0 ? 'No delivery matches these filters.' : 'No webhook delivery yet.',
  )}${pager({ ...page, rows }, path, kept)}`
}

export function deliveryDetail(deps: DashboardDeps, req: DashboardRequest): { title: string; body: Html } | null {
  const stored = own(deps.deliveries().deliveries, req.params.id)
  if (!stored) return null
  const d = maskedDelivery(stored)
  let payload: unknown
  try {
    payload = JSON.parse(d.body)
  } catch {
    payload = d.body
  }
  // each attempt signs anew (its timestamp changes): the last attempt's headers are what the receiver last checked
  const signed = d.attempts.at(-1)?.headers
  return {
    title: `Delivery ${d.id}`,
    body: html`<section class="card">${fields([
      ['Provider', d.provider],
      ['Event type', d.eventType],
      ['Event id', d.eventId],
      ['Resource', resourceLink(deps.providers, d.resourceId, d.provider)],
      ['Endpoint', d.endpointId ? resourceLink(deps.providers, d.endpointId, d.provider) : html`<span class="muted">configured URL</span>`],
      ['URL', html`<code>${d.url}</code>`],
      ['Outcome', status(d.status)],
      ['Created', time(d.createdAt, req.now)],
    ])}${actionForm('Redeliver', 'POST', `/__admin/webhooks/deliveries/${d.id}/redeliver`, [], 'Redeliver now')}</section>${table(
      'Attempts',
      [
        { label: '#', cell: (a) => d.attempts.indexOf(a) + 1 },
        { label: 'When', cell: (a) => time(a.at, req.now) },
        { label: 'URL', cell: (a) => html`<code>${a.url}</code>` },
        { label: 'Answer', cell: (a) => (a.error ? html`<span class="status bad">${a.error}</span>` : httpStatus(a.statusCode)) },
        { label: 'Duration', cell: (a) => `${a.durationMs} ms` },
      ],
      d.attempts,
      'No attempt yet: the first one is due.',
    )}<section class="card"><h2>Signed payload</h2><p class="muted">The exact bytes sent on every attempt, and the signature headers of the last one (each attempt signs anew).</p>${signed ? html`<h3>Signature headers</h3>${json(signed)}` : ''}${json(payload)}</section>`,
  }
}
