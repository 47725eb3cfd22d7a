// JSON paths in messages about bad input, e.g. `$.monato.clients[0].api_key`.

export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`
}
