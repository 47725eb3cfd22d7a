import type { Clock } from '../core/clock.js'
import type { Faults } from '../core/faults.js'
import type { Journal } from '../core/journal.js'
import type { DeliveriesState } from '../core/webhooks.js'
import { type Html, html } from './html.js'
import { BASE } from './layout.js'
import type { DashboardRequest, DashboardSection } from './types.js'

// What the dashboard's own pages read, and the links between them and the providers' pages.

export interface SectionRef {
  name: string
  dashboard?: DashboardSection
}

export interface DashboardDeps {
  clock: Clock
  /** the webhook deliveries the core keeps (store.data.core.webhooks) */
  deliveries(): DeliveriesState
  journal: Journal
  faults: Faults
  providers: SectionRef[]
  /** when set, every page needs the token (bearer header or the login cookie) */
  token?: string
  name: string
  version: string
  /** wall-clock ms when the sandbox started, for the uptime */
  startedAt: number
}

/** a dashboard view: its title and body, or null for a 404 */
export type ViewFn = (req: DashboardRequest) => { title: string; body: Html } | null

/** the provider page of a resource, as its section's resourcePath answers it (relative to the section or absolute) */
export function resourceHref(providers: SectionRef[], id: string, provider?: string): string | undefined {
  for (const p of providers) {
    if (provider && p.name !== provider) continue
    let path: string | undefined
    try {
      path = p.dashboard?.resourcePath?.(id)
    } catch {
      path = undefined
    }
    if (path) return path.startsWith(BASE) ? path : `${BASE}/${p.name}${path.startsWith('/') ? '' : '/'}${path}`
  }
  return undefined
}

/** a resource id linked to its page (when a provider knows it) and to the requests that named it */
export function resourceLink(providers: SectionRef[], id: string | null | undefined, provider?: string): Html {
  if (!id) return html`<span class="muted">—</span>`
  const href = resourceHref(providers, id, provider)
  return html`${href ? html`<a href="${href}">${id}</a>` : html`<code>${id}</code>`} <a class="muted" href="${BASE}/requests?${new URLSearchParams({ resource_id: id }).toString()}" title="Requests that named ${id}">requests</a>`
}

export const queryHref = (path: string, query: Record<string, string>): string => {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString()
  return q ? `${path}?${q}` : path
}
