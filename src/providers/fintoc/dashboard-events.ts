import type { Emit } from './events.js'
import type { EventRecord, FintocState } from './state.js'

// Which events name a resource, for the dashboard's timelines without a scan of every event per page (100k
// transfers hold 100k+ events). Built on the first look at a state's events, then kept up by the emitter; a
// restored or reset state is a new events object, indexed afresh. Ids of events an update took back are skipped
// on reading.

export interface EventIndex {
  /** wraps the emitter so every event it records is indexed */
  watch(emit: Emit): Emit
  /** the events naming `resourceId`, oldest first */
  of(resourceId: string): EventRecord[]
}

/** the resource an event names: a transfer's id, or the `id` of the data it carries */
export const eventResource = (e: EventRecord): unknown => (e.transfer ? e.transfer.transferId : (e.data as { id?: unknown } | null)?.id)

export function createEventIndex(state: { readonly data: FintocState }): EventIndex {
  const indexes = new WeakMap<object, Map<string, string[]>>()
  const add = (index: Map<string, string[]>, e: EventRecord) => {
    const of = eventResource(e)
    if (typeof of !== 'string') return
    const list = index.get(of)
    if (list) list.push(e.id)
    else index.set(of, [e.id])
  }
  const indexOf = (events: Record<string, EventRecord>) => {
    let index = indexes.get(events)
    if (!index) {
      index = new Map()
      for (const id in events) add(index, events[id]!)
      indexes.set(events, index)
    }
    return index
  }
  return {
    watch: (emit) => (s, tools, orgId, type, payload) => {
      const e = emit(s, tools, orgId, type, payload)
      // not built yet: the first look will find it
      const index = e && indexes.get(state.data.events)
      if (e && index) add(index, e)
      return e
    },
    of(resourceId) {
      const events = state.data.events
      const out: EventRecord[] = []
      for (const id of indexOf(events).get(resourceId) ?? []) {
        const e = Object.hasOwn(events, id) ? events[id] : undefined
        if (e && !out.includes(e)) out.push(e)
      }
      return out.sort((a, b) => a.createdAt - b.createdAt)
    },
  }
}
