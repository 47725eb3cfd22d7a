import { z } from 'zod'

// Building blocks of the state schemas (core and providers): records keyed by id, free-form JSON of bounded
// depth, and references between records, checked before a snapshot replaces anything.

/** deeper free-form values (metadata, event data) cannot be answered: JSON.stringify overflows its stack */
export const FREE_JSON_MAX_DEPTH = 200

/** whether `value` nests deeper than `max` levels (iterative: the value may be too deep to recurse into) */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (depth > max) return true
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
  }
  return false
}

const depthMessage = `nested deeper than ${FREE_JSON_MAX_DEPTH} levels`

/** any JSON value (an event's data) */
export const freeJson = z.unknown().refine((v) => !nestedDeeperThan(v, FREE_JSON_MAX_DEPTH), depthMessage)

/** a client's free-form object (metadata) */
export const freeObject = z.record(z.string(), z.unknown()).refine((v) => !nestedDeeperThan(v, FREE_JSON_MAX_DEPTH), depthMessage)

/** records keyed by their own id */
export function byId<T extends { id: string | number }>(item: z.ZodType<T>) {
  return z.record(z.string(), item).superRefine((records, ctx) => {
    for (const key in records) {
      const id = String(records[key]!.id)
      if (id !== key) ctx.addIssue({ code: 'custom', path: [key, 'id'], message: `must be its key (${key}), not ${id}` })
    }
  })
}

/** at most this many reference problems are listed: one missing record often breaks thousands of links */
const MAX_REFERENCE_ISSUES = 20

/** checks that the ids records name exist, within one refinement of a slice */
export function referenceChecker(ctx: z.RefinementCtx) {
  let reported = 0
  const report = (path: PropertyKey[], message: string) => {
    if (reported++ < MAX_REFERENCE_ISSUES) ctx.addIssue({ code: 'custom', path, message })
  }
  return {
    /** `records[*].<field>` (an id, an array of ids, or null) must each be a key of `target` */
    refs<T>(map: string, records: Record<string, T>, field: keyof T & string, target: Record<string, unknown>, what: string) {
      for (const key in records) {
        const value = records[key]![field] as unknown
        if (typeof value === 'string') {
          if (!Object.hasOwn(target, value)) report([map, key, field], `no ${what} ${value}`)
        } else if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            const id: unknown = value[i]
            if (typeof id !== 'string' || !Object.hasOwn(target, id)) report([map, key, field, i], `no ${what} ${String(id)}`)
          }
        }
      }
    },
    /** every value of an index (`keyIndex`: hash → id) must be a key of `target` */
    index(map: string, index: Record<string, string>, target: Record<string, unknown>, what: string) {
      for (const key in index) if (!Object.hasOwn(target, index[key]!)) report([map, key], `no ${what} ${index[key]}`)
    },
    report,
  }
}
