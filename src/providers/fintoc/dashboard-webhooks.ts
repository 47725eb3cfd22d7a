import { maskSecret, maskUrlPassword } from '../../core/logger.js'
import { html } from '../../dashboard/html.js'
import { fields, filters, link, pager, status, table, time, timeline } from '../../dashboard/kit.js'
import type { DashboardPage } from '../../dashboard/types.js'
import { at, belongsTo, idLink, newestPage, orgLink, orgsFor, own, type Read, traces } from './dashboard-common.js'
import type { WebhookEndpointRecord } from './state.js'

// Webhook endpoints: URL without its password, the signing secret masked as in the logs (`whsec_…` → `****abcd`).

function list(state: Read): DashboardPage {
  return {
    path: '/webhook_endpoints',
    nav: 'Webhook endpoints',
    title: 'Webhook endpoints',
    render(req) {
      const s = state.data
      const q = req.query
      const keep = q.status ? (e: WebhookEndpointRecord) => e.status === q.status : undefined
      const page = newestPage(orgsFor(s, q.org).map((o) => o.webhookEndpointIds), (id) => s.webhookEndpoints[id], (e) => e.createdAt, keep, q)
      return html`${filters(at(req, '/webhook_endpoints'), q, [
        { name: 'org', label: 'Organization (id or masked key)' },
        { name: 'status', label: 'Status', options: ['enabled', 'disabled'] },
      ])}${table(
        'Webhook endpoints, newest first',
        [
          { label: 'Id', cell: (e) => idLink(req, 'webhook_endpoints', e.id) },
          { label: 'Organization', cell: (e) => orgLink(req, s, e.orgId) },
          { label: 'URL', cell: (e) => maskUrlPassword(e.url) },
          { label: 'Description', cell: (e) => e.description },
          { label: 'Events', cell: (e) => e.enabledEvents.join(', ') },
          { label: 'Status', cell: (e) => status(e.status) },
          { label: 'Created', cell: (e) => time(e.createdAt, req.now) },
        ],
        page.rows,
        'No webhook endpoints.',
      )}${pager(page, at(req, '/webhook_endpoints'), q)}`
    },
  }
}

function detail(state: Read): DashboardPage {
  return {
    path: '/webhook_endpoints/:id',
    title: (req) => `Webhook endpoint ${req.params.id}`,
    render(req) {
      const s = state.data
      const e = own(s.webhookEndpoints, req.params.id!)
      if (!e) return null
      return html`${belongsTo(req, s, e.orgId)}${traces(req, e.id)}<section class="card">${fields([
        ['Id', e.id],
        ['URL', maskUrlPassword(e.url)],
        ['Description', e.description],
        ['Enabled events', e.enabledEvents.join(', ')],
        ['Status', status(e.status)],
        ['Secret', maskSecret(e.secret)],
        ['Created', time(e.createdAt, req.now)],
        ['Deliveries', link(`${req.base}/deliveries?provider=fintoc`, 'Fintoc deliveries')],
      ])}</section>${timeline('Timeline', [{ at: e.createdAt, what: 'created' }], req.now)}`
    },
  }
}

export const webhookPages = (state: Read): DashboardPage[] => [list(state), detail(state)]
