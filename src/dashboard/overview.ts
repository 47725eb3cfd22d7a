import type { DashboardDeps } from './context.js'
import { type Html, html } from './html.js'
import { actionForm, fields, httpStatus, link, table, time } from './kit.js'
import { BASE, postButton } from './layout.js'
import { errorEntries } from './requests.js'
import type { DashboardRequest } from './types.js'

// The first page: what runs (version, uptime, clock), how much each provider holds, and what failed lately.

const RECENT_ERRORS = 20

export function uptime(ms: number): string {
  const s = Math.floor(ms / 1000)
  const parts = [[Math.floor(s / 86400), 'd'], [Math.floor((s % 86400) / 3600), 'h'], [Math.floor((s % 3600) / 60), 'min'], [s % 60, 's']] as const
  const shown = parts.filter(([n]) => n > 0).map(([n, u]) => `${n} ${u}`)
  return shown.length > 0 ? shown.slice(0, 2).join(' ') : '0 s'
}

export function overview(deps: DashboardDeps, req: DashboardRequest): Html {
  const mode = deps.clock.mode()
  const clock = html`<section class="card" aria-labelledby="clock-h"><h2 id="clock-h">Clock</h2>${fields([
    ['Now', time(req.now, req.now)],
    ['Mode', mode],
  ])}<div>${postButton('Advance 1 s', '/__admin/clock/advance', { ms: 1000 })}${postButton('Advance 1 min', '/__admin/clock/advance', { ms: 60_000 })}${postButton('Advance 1 h', '/__admin/clock/advance', { ms: 3_600_000 })}${postButton(
    mode === 'manual' ? 'Switch to real time' : 'Switch to manual time',
    '/__admin/clock/set',
    { mode: mode === 'manual' ? 'real' : 'manual' },
  )}</div>${actionForm('Advance by a custom amount', 'POST', '/__admin/clock/advance', [{ name: 'ms', label: 'Milliseconds', type: 'number', required: true, hint: 'what falls due runs, in order' }], 'Advance')}</section>`

  const about = html`<section class="card"><h2>Sandbox</h2>${fields([
    ['Version', deps.version],
    ['Uptime', uptime(Date.now() - deps.startedAt)],
    ['Started', new Date(deps.startedAt).toISOString()],
  ])}</section>`

  const counts = deps.providers.map((p) => {
    let c: Record<string, number> = {}
    try {
      c = p.dashboard?.counts() ?? {}
    } catch {
      c = {}
    }
    const rows = Object.entries(c)
    return table<[string, number]>(p.name, [{ label: 'Resource', cell: ([k]) => k }, { label: 'Count', cell: ([, n]) => n }], rows, p.dashboard ? 'Nothing stored.' : 'This provider has no dashboard pages.')
  })

  const errors = errorEntries(deps.journal, RECENT_ERRORS)
  const recent = table(
    `Recent errors (last ${RECENT_ERRORS} 4xx/5xx answers)`,
    [
      { label: 'When (wall clock)', cell: (e) => time(e.at, Date.now()) },
      { label: 'Provider', cell: (e) => e.provider },
      { label: 'Request', cell: (e) => html`${e.method} ${e.path}` },
      { label: 'Status', cell: (e) => httpStatus(e.status) },
      { label: 'Detail', cell: (e) => link(`${BASE}/requests/${encodeURIComponent(e.requestId)}`, 'details') },
    ],
    errors,
    'No 4xx or 5xx answers in the journal.',
  )
  return html`<div class="grid">${about}${clock}</div><h2>Counts</h2><div class="grid">${counts}</div>${recent}`
}
