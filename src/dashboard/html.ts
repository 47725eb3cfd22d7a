// HTML built from tagged templates: every interpolated value is escaped unless it is already Html, so a stored
// `<script>` in a description, metadata or holder name is shown as text everywhere.

/** markup that is already safe to send (built by `html` or `raw`) */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text
  }
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** trusted markup, never user data */
export const raw = (text: string): Html => new Html(text)

type Part = Html | string | number | boolean | null | undefined | readonly Part[]

const render = (value: Part): string => {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** html`<td>${value}</td>`: strings and numbers escaped, Html kept, arrays joined, null/undefined/false dropped */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!
  return new Html(out)
}
