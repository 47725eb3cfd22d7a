import { html } from './html.js'
import { BASE, type View } from './layout.js'

// With ADMIN_TOKEN set, a browser logs in once: the token goes into an HttpOnly cookie the whole /__admin accepts.

/** where to go after logging in: a dashboard path only, never another site */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith(BASE) || /[\r\n\\]/.test(value)) return BASE
  const rest = value.slice(BASE.length)
  return rest === '' || rest.startsWith('/') || rest.startsWith('?') ? value : BASE
}

export function loginView(next: string, message?: string): View {
  return {
    title: 'Log in',
    status: 401,
    body: html`<form class="login card" method="post" action="${BASE}/login"><p>This sandbox’s control API is protected by <code>ADMIN_TOKEN</code>. Enter it to open the dashboard; it is kept in a cookie for this browser.</p>${
      message ? html`<p class="message error" role="alert">${message}</p>` : ''
    }<p><label for="token">Admin token</label><br><input id="token" name="token" type="password" autocomplete="current-password" required autofocus></p><input type="hidden" name="next" value="${safeNext(next)}"><button type="submit">Log in</button></form>`,
  }
}
