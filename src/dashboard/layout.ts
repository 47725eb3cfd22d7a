import { type Html, html } from './html.js'

// The page around every dashboard view: header (name, version, sandbox clock), navigation, <main>. A partial
// answer (the live refresh) is only the clock and <main>.

export const BASE = '/__admin/ui'
export const ASSETS = { css: `${BASE}/assets/dashboard.css`, js: `${BASE}/assets/dashboard.js` }

export interface NavGroup {
  /** a provider's name, or null for the dashboard's own links */
  heading: string | null
  links: Array<{ href: string; label: string }>
}

export interface Chrome {
  name: string
  version: string
  /** ISO time and mode of the sandbox clock */
  clock: { iso: string; mode: string }
  nav: NavGroup[]
  /** the path being shown, to mark its link */
  current: string
  /** shows a logout link (ADMIN_TOKEN is set and the user is in) */
  loggedIn: boolean
}

export interface View {
  title: string
  body: Html
  /** 200 unless a page says otherwise (404, 401) */
  status?: number
}

/** one button posting a fixed JSON body to the control API: a hidden field per value */
export function postButton(label: Html | string, action: string, values: Record<string, string | number>): Html {
  return html`<form class="inline" data-action="${action}" data-method="POST">${Object.entries(values).map(
    ([k, v]) => html`<input type="hidden" name="${k}" value="${v}" data-type="${typeof v === 'number' ? 'number' : 'text'}">`,
  )}<button type="submit">${label}</button><output class="result" aria-live="polite"></output></form>`
}

// on every page: time moves from wherever the user looks at what it changes
const clockButtons = () =>
  html`<span class="clock-actions" role="group" aria-label="Advance the clock">${postButton('+1 s', '/__admin/clock/advance', { ms: 1000 })}${postButton('+1 min', '/__admin/clock/advance', { ms: 60_000 })}${postButton('+1 h', '/__admin/clock/advance', { ms: 3_600_000 })}</span>`

export const clockText = (chrome: Pick<Chrome, 'clock'>): Html => html`<time datetime="${chrome.clock.iso}">${chrome.clock.iso}</time> <span class="mode">(${chrome.clock.mode} clock)</span>`

// the longest link that is a prefix of the current path is the current section
function currentHref(nav: NavGroup[], current: string): string | undefined {
  let best: string | undefined
  for (const g of nav) for (const l of g.links) if ((current === l.href || (l.href !== BASE && current.startsWith(`${l.href}/`))) && (!best || l.href.length > best.length)) best = l.href
  return best ?? (current === BASE ? BASE : undefined)
}

function navigation(nav: NavGroup[], current: string): Html {
  const here = currentHref(nav, current)
  const links = (g: NavGroup) => html`<ul>${g.links.map((l) => html`<li><a href="${l.href}"${l.href === here ? html` aria-current="page"` : ''}>${l.label}</a></li>`)}</ul>`
  return html`<nav class="side" aria-label="Dashboard">${nav.map((g) => (g.heading === null ? links(g) : html`<h2>${g.heading}</h2>${links(g)}`))}</nav>`
}

const mainOf = (view: View) => html`<main id="main" tabindex="-1" data-title="${view.title} · dashboard"><h1>${view.title}</h1>${view.body}</main>`

export function page(chrome: Chrome, view: View): string {
  const live = (view.status ?? 200) === 200
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${view.title} · dashboard</title><link rel="icon" href="data:,"><link rel="stylesheet" href="${ASSETS.css}"><script src="${ASSETS.js}" defer></script></head><body data-live="${live ? 'on' : 'off'}"><a class="skip" href="#main">Skip to content</a><header class="top"><a class="name" href="${BASE}">${chrome.name}</a><span>Sandbox clock: <span id="clock">${clockText(chrome)}</span></span>${chrome.nav.length > 0 ? clockButtons() : ''}<span class="version">v${chrome.version}</span>${chrome.loggedIn ? html`<a class="logout" href="${BASE}/logout">Log out</a>` : ''}</header>${navigation(chrome.nav, chrome.current)}${mainOf(view)}</body></html>`.text}`
}

/** what the live refresh swaps in: the header clock and <main> */
export function partial(chrome: Chrome, view: View): string {
  return html`<span id="clock">${clockText(chrome)}</span>${mainOf(view)}`.text
}
