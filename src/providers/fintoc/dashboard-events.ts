import type { Emit } from './events.js'
import type { EventRecord, FintocState } from './state.js'

// Which events name a resource, for the dashboard's timelines without a scan of every event per page (100k
// transfers hold 100k+ events). Built on the first look at a state's events, then kept up by the emitter; a
// restored or reset state is a new events object, indexed afresh. Ids of events an update took back, or that went
// with a freed organization, are skipped on reading, and dropped by a rebuild once as many events were added again
// as the index held (so a long-running sandbox's index stays about the size of its events).

export interface EventIndex {
  /** wraps the emitter so every event it records is indexed */
  watch(emit: Emit): Emit
  /** the events naming `resourceId`, oldest first */
  of(resourceId: string): EventRecord[]
}

/** the resource an event names: a transfer's id, or the `id` of the data it carries */
export const eventResource = (e: EventRecord): unknown => (e.transfer ? e.transfer.transferId : (e.data as { id?: unknown } | null)?.id)

export function createEventIndex(state: { readonly data: FintocState }): EventIndex {
  interface Index {
    /** one event id, or several (most resources have one or two events: no array for one) */
    byResource: Map<string, string | string[]>
    built: number
    added: number
  }
  const indexes = new WeakMap<object, Index>()
  const add = (index: Index, e: EventRecord) => {
    const of = eventResource(e)
    if (typeof of !== 'string') return
    const known = index.byResource.get(of)
    if (known === undefined) index.byResource.set(of, e.id)
    else if (typeof known === 'string') index.byResource.set(of, [known, e.id])
    else known.push(e.id)
  }
  const indexOf = (events: Record<string, EventRecord>): Index => {
    let index = indexes.get(events)
    if (!index) {
      index = { byResource: new Map(), built: 0, added: 0 }
      for (const id in events) {
        add(index, events[id]!)
        index.built++
      }
      indexes.set(events, index)
    }
    return index
  }
  return {
    watch: (emit) => (s, tools, orgId, type, payload) => {
      const e = emit(s, tools, orgId, type, payload)
      // not built yet: the first look will find it
      const events = state.data.events
      const index = e && indexes.get(events)
      if (!e || !index) return e
      add(index, e)
      if (++index.added > Math.max(index.built, 10_000)) indexes.delete(events)
      return e
    },
    of(resourceId) {
      const events = state.data.events
      const out: EventRecord[] = []
      const known = indexOf(events).byResource.get(resourceId) ?? []
      for (const id of typeof known === 'string' ? [known] : known) {
        const e = Object.hasOwn(events, id) ? events[id] : undefined
        if (e && !out.includes(e)) out.push(e)
      }
      return out.sort((a, b) => a.createdAt - b.createdAt)
    },
  }
}
