import { type Html, html, raw } from './html.js'

// Building blocks shared by the dashboard's own pages and the providers' pages: tables, paging, filters, times,
// statuses, timelines and action forms. Plain HTML; the shell's stylesheet and script give them their look and
// behaviour (see shell).

/** "3 s ago" / "in 2 min", measured on the sandbox clock */
export function relative(at: number, now: number): string {
  const diff = Math.round((now - at) / 1000)
  const abs = Math.abs(diff)
  const text = abs < 60 ? `${abs} s` : abs < 3600 ? `${Math.floor(abs / 60)} min` : abs < 86400 ? `${Math.floor(abs / 3600)} h` : `${Math.floor(abs / 86400)} d`
  return diff >= 0 ? `${text} ago` : `in ${text}`
}

/** an instant as ISO with its relative form; accepts epoch ms or an ISO string */
export function time(at: number | string | null | undefined, now: number): Html {
  if (at === null || at === undefined || at === '') return html`<span class="muted">—</span>`
  const ms = typeof at === 'number' ? at : Date.parse(at)
  if (Number.isNaN(ms)) return html`${String(at)}`
  const iso = new Date(ms).toISOString()
  return html`<time datetime="${iso}" title="${iso}">${iso}</time> <span class="muted">(${relative(ms, now)})</span>`
}

/** a status as the provider writes it, coloured by what it means */
export function status(value: string | null | undefined): Html {
  if (!value) return html`<span class="muted">—</span>`
  const tone = /succeeded|success|completed|finished|paid|active|enabled|liquidated|verified|ok/i.test(value)
    ? 'good'
    : /fail|reject|error|canceled|cancelled|expired|refused|deleted|returned|disabled/i.test(value)
      ? 'bad'
      : 'wait'
  return html`<span class="status ${tone}">${value}</span>`
}

export interface Column<T> {
  label: string
  cell(row: T): Html | string | number | null | undefined
}

/** a table with a caption; an empty list says so instead of showing an empty grid */
export function table<T>(caption: string, columns: Array<Column<T>>, rows: T[], empty = 'Nothing yet.'): Html {
  if (rows.length === 0) return html`<section class="card"><h2>${caption}</h2><p class="muted">${empty}</p></section>`
  return html`<section class="card"><table><caption>${caption}</caption><thead><tr>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${columns.map((c) => html`<td>${c.cell(r)}</td>`)}</tr>`,
  )}</tbody></table></section>`
}

/** term/value pairs for a resource's page */
export function fields(pairs: Array<[string, Html | string | number | null | undefined]>): Html {
  return html`<dl class="fields">${pairs.map(([k, v]) => html`<dt>${k}</dt><dd>${v ?? raw('<span class="muted">—</span>')}</dd>`)}</dl>`
}

/** a link; `href` is escaped like any value */
export const link = (href: string, text: string | Html): Html => html`<a href="${href}">${text}</a>`

/** JSON shown as text (escaped), e.g. a payload or a request body */
export const json = (value: unknown): Html => html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`

export interface PageOf<T> {
  rows: T[]
  total: number
  offset: number
  limit: number
}

/** one page of `items` (newest first is the caller's order); `page` from the query, 1-based */
export function paginate<T>(items: readonly T[], query: Record<string, string>, defaultLimit = 50): PageOf<T> {
  const limit = Math.min(Math.max(Number.parseInt(query.limit ?? '', 10) || defaultLimit, 1), 500)
  const page = Math.max(Number.parseInt(query.page ?? '', 10) || 1, 1)
  const offset = (page - 1) * limit
  return { rows: items.slice(offset, offset + limit), total: items.length, offset, limit }
}

/** previous/next links keeping the other query values */
export function pager(page: PageOf<unknown>, path: string, query: Record<string, string>): Html {
  const at = Math.floor(page.offset / page.limit) + 1
  const last = Math.max(Math.ceil(page.total / page.limit), 1)
  const href = (n: number) => `${path}?${new URLSearchParams({ ...query, page: String(n) }).toString()}`
  const from = page.total === 0 ? 0 : page.offset + 1
  return html`<nav class="pager" aria-label="Pages">${at > 1 ? link(href(at - 1), '← Previous') : ''} <span>${from}–${page.offset + page.rows.length} of ${page.total}</span> ${at < last ? link(href(at + 1), 'Next →') : ''}</nav>`
}

export interface FilterField {
  name: string
  label: string
  /** a select when given; a text input otherwise */
  options?: string[]
}

/** a GET form of filters; the current values are kept */
export function filters(path: string, query: Record<string, string>, list: FilterField[]): Html {
  return html`<form class="filters" method="get" action="${path}">${list.map((f) => {
    const id = `f-${f.name}`
    const value = query[f.name] ?? ''
    return f.options
      ? html`<label for="${id}">${f.label}</label><select id="${id}" name="${f.name}"><option value="">any</option>${f.options.map((o) => html`<option${o === value ? raw(' selected') : ''}>${o}</option>`)}</select>`
      : html`<label for="${id}">${f.label}</label><input id="${id}" name="${f.name}" value="${value}">`
  })}<button type="submit">Filter</button></form>`
}

/** what happened to a resource, oldest first */
export function timeline(caption: string, entries: Array<{ at: number | string; what: Html | string; detail?: Html | string }>, now: number): Html {
  if (entries.length === 0) return html`<section class="card"><h2>${caption}</h2><p class="muted">Nothing yet.</p></section>`
  return html`<section class="card"><h2>${caption}</h2><ol class="timeline">${entries.map((e) => html`<li>${time(e.at, now)} — ${e.what}${e.detail ? html` <span class="muted">${e.detail}</span>` : ''}</li>`)}</ol></section>`
}

export interface ActionField {
  name: string
  label: string
  /** `number` fields are sent as JSON numbers, `json` fields parsed as JSON; empty fields are left out */
  type?: 'text' | 'number' | 'json' | 'select'
  options?: string[]
  value?: string
  required?: boolean
  hint?: string
}

/**
 * A form that calls the control API with JSON (the shell's script sends it with fetch) and shows the API's own
 * error message next to it, or its answer, without leaving the page. `action` is the full path, `/__admin/...`.
 */
export function actionForm(title: string, method: 'POST' | 'DELETE', action: string, list: ActionField[], submit = title): Html {
  return html`<form class="action" data-action="${action}" data-method="${method}"><h3>${title}</h3>${list.map((f) => {
    const id = `a-${action.replace(/[^a-z0-9]+/gi, '-')}-${f.name}`
    const control =
      f.type === 'select'
        ? html`<select id="${id}" name="${f.name}" data-type="text">${(f.options ?? []).map((o) => html`<option${o === f.value ? raw(' selected') : ''}>${o}</option>`)}</select>`
        : f.type === 'json'
          ? html`<textarea id="${id}" name="${f.name}" data-type="json"${f.required ? raw(' required') : ''}>${f.value ?? ''}</textarea>`
          : html`<input id="${id}" name="${f.name}" data-type="${f.type ?? 'text'}" value="${f.value ?? ''}"${f.required ? raw(' required') : ''}${f.type === 'number' ? raw(' inputmode="numeric"') : ''}>`
    return html`<p><label for="${id}">${f.label}</label> ${control}${f.hint ? html` <small class="muted">${f.hint}</small>` : ''}</p>`
  })}<button type="submit">${submit}</button><output class="result" aria-live="polite"></output></form>`
}

/** an HTTP status code, coloured by its class (2xx good, 4xx/5xx bad) */
export function httpStatus(code: number | null | undefined): Html {
  if (code === null || code === undefined) return html`<span class="muted">—</span>`
  const tone = code >= 200 && code < 300 ? 'good' : code >= 400 ? 'bad' : 'wait'
  return html`<span class="status ${tone}">${code}</span>`
}

/** a record by an id from the URL, never one inherited from Object.prototype */
export { own } from '../core/own.js'
