// Every manager and method of a constructed `fintoc` SDK client, found by walking the object: the SDK marks a manager
// with a static `methods` list on its class (ManagerMixin), and nests some (`v2.accounts.movements`), so a method
// added by a new SDK version shows up here without a change.

export type SdkCall = (...args: unknown[]) => Promise<unknown>
export type Manager = Record<string, unknown> & { constructor: { name: string; methods: string[] } }

export interface SdkMethod {
  /** the path of the manager from the client, e.g. `v2.accounts.movements` */
  manager: string
  method: string
  /** the method, bound to its manager */
  call: SdkCall
}

const isManager = (v: unknown): v is Manager =>
  typeof v === 'object' && v !== null && Array.isArray((v.constructor as { methods?: unknown } | undefined)?.methods)

function* managersOf(node: object, prefix: string, seen: Set<object>): Generator<[string, Manager]> {
  for (const [key, value] of Object.entries(node)) {
    // the SDK's own client and anything already visited are not managers to walk into
    if (typeof value !== 'object' || value === null || seen.has(value) || key.startsWith('_')) continue
    seen.add(value)
    const name = `${prefix}${key}`
    if (isManager(value)) yield [name, value]
    // a version namespace (`v2`) or a manager holding sub-managers
    yield* managersOf(value, `${name}.`, seen)
  }
}

export function sdkMethods(client: object): SdkMethod[] {
  const out: SdkMethod[] = []
  for (const [manager, m] of managersOf(client, '', new Set())) {
    for (const method of m.constructor.methods) {
      const fn = m[method]
      if (typeof fn !== 'function') throw new Error(`${manager}.${method} is listed by the SDK but is not a function`)
      out.push({ manager, method, call: (fn as SdkCall).bind(m) })
    }
  }
  return out
}
