import type { DashboardDeps } from './context.js'
import { type Html, html } from './html.js'
import { actionForm, json, table } from './kit.js'
import type { DashboardRequest } from './types.js'

// What a tester does without curl, for the whole sandbox: reset, snapshot, scenarios, faults. Provider actions
// (simulate a transfer, money in, force a transition) are on the providers' own pages.

export function actions(deps: DashboardDeps, _req: DashboardRequest): Html {
  const faults = deps.faults.list()
  return html`<div class="grid"><section class="card"><h2>State</h2>${actionForm('Reset', 'POST', '/__admin/reset', [], 'Reset to the loaded scenarios')}<p><a href="/__admin/snapshot?download=1" download>Download a snapshot</a> <small class="muted">(the whole state as JSON, secrets included; restore it with POST /__admin/snapshot)</small></p></section><section class="card"><h2>Scenario</h2><form class="upload" data-action="/__admin/scenarios" data-method="POST"><h3>Load a scenario file</h3><p><label for="scenario-file">Scenario (JSON)</label> <input id="scenario-file" name="file" type="file" accept="application/json,.json" required></p><p><input id="scenario-replace" name="replace" type="checkbox"> <label for="scenario-replace">Replace the loaded scenarios (and reset the state)</label></p><button type="submit">Load</button><output class="result" aria-live="polite"></output></form></section></div><section class="card"><h2>Faults</h2>${actionForm(
    'Inject a fault',
    'POST',
    '/__admin/faults',
    [
      { name: 'provider', label: 'Provider', type: 'select', options: ['', ...deps.providers.map((p) => p.name)] },
      { name: 'method', label: 'Method', type: 'select', options: ['', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
      { name: 'path', label: 'Path', value: '**', hint: '* within a segment, ** across: /v2/transfers*' },
      { name: 'status', label: 'Status', type: 'number', hint: '400–599, answered in the provider’s envelope' },
      { name: 'code', label: 'Error code' },
      { name: 'message', label: 'Message' },
      { name: 'latency_ms', label: 'Latency (ms)', type: 'number' },
      { name: 'probability', label: 'Probability', type: 'number', hint: '0–1; empty: always' },
      { name: 'times', label: 'Times', type: 'number', hint: 'the next N matching requests; empty: until cleared' },
      { name: 'drop', label: 'Drop the connection', type: 'json', hint: 'true, or empty' },
    ],
    'Inject',
  )}${table(
    'Active faults',
    [
      { label: 'Id', cell: (f) => f.id },
      { label: 'Rule', cell: (f) => json(Object.fromEntries(Object.entries(f).filter(([k]) => !['id', 'remaining', 'matched'].includes(k)))) },
      { label: 'Matched', cell: (f) => f.matched },
      { label: 'Remaining', cell: (f) => f.remaining ?? '∞' },
    ],
    faults,
    'No fault is active.',
  )}${faults.length > 0 ? actionForm('Clear faults', 'DELETE', '/__admin/faults', [], 'Clear all faults') : ''}</section>`
}
