import { type IdempotencyState, scopeOfRecord } from './idempotency.js'
import { type JobsState, parseRef } from './scheduler.js'
import { type DeliveriesState, JOB_WEBHOOK_ATTEMPT } from './webhooks.js'

// What the core keeps about a provider's resources (jobs, deliveries, idempotency records), dropped in the
// provider's own store update once it deleted them: nothing is left naming a record that is gone.

export interface CoreRecords extends JobsState {
  idempotency: IdempotencyState
  webhooks: DeliveriesState
}

export interface Gone {
  ids: ReadonlySet<string>
  scopes: ReadonlySet<string>
}

/** answers how many records went (jobs, deliveries and idempotency records together) */
export function forgetResources(core: CoreRecords, provider: string, gone: Gone): number {
  let count = 0
  const { deliveries } = core.webhooks
  const droppedDeliveries = new Set<string>()
  if (gone.ids.size > 0) {
    for (const key in deliveries) {
      const d = deliveries[key]!
      if (d.provider !== provider) continue
      if (gone.ids.has(d.eventId) || (d.resourceId !== null && gone.ids.has(d.resourceId)) || (d.endpointId !== null && gone.ids.has(d.endpointId))) {
        droppedDeliveries.add(key)
        delete deliveries[key]
      }
    }
    // one pass over the log order, only when something left it
    if (droppedDeliveries.size > 0) core.webhooks.order = core.webhooks.order.filter((id) => !droppedDeliveries.has(id))
    count += droppedDeliveries.size
    const prefix = `${provider}.`
    for (const key in core.jobs) {
      const job = core.jobs[key]!
      const { id } = parseRef(job.ref)
      // a dropped delivery's attempt would find nothing to send; drop it with its delivery
      if ((job.type.startsWith(prefix) && gone.ids.has(id)) || (job.type === JOB_WEBHOOK_ATTEMPT && droppedDeliveries.has(id))) {
        delete core.jobs[key]
        count++
      }
    }
  }
  if (gone.scopes.size > 0) {
    const { records } = core.idempotency
    for (const id in records) {
      if (gone.scopes.has(scopeOfRecord(id))) {
        delete records[id]
        count++
      }
    }
  }
  return count
}
