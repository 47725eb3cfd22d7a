import type { Clock } from '../../core/clock.js'
import type { IdGenerator } from '../../core/ids.js'
import type { UpdateTools } from '../types.js'
import { ownedBy } from './errors.js'
import type { EventRecord, FintocState, WebhookEndpointRecord } from './state.js'
import { fakeEventData } from './webhook-test-data.js'
import { eventJson } from './wire.js'

// POST /v1/webhook_endpoints/{id}/test: one event with fake data, to that endpoint only, through the
// ordinary delivery queue (signed with its secret, logged, retried).

export const DEFAULT_TEST_EVENT = 'payment_intent.succeeded'

/** the type sent when the request names none: the endpoint's first subscribed type */
export const defaultTestType = (e: WebhookEndpointRecord) => e.enabledEvents.find((t) => t !== '*') ?? DEFAULT_TEST_EVENT

export function sendTestEvent(s: FintocState, tools: UpdateTools, deps: { ids: IdGenerator; clock: Clock }, orgId: string, endpointId: string, type: string | undefined) {
  const endpoint = ownedBy(s.webhookEndpoints[endpointId], orgId, 'webhook_endpoint', endpointId)
  const eventType = type ?? defaultTestType(endpoint)
  const now = deps.clock.now()
  const data = fakeEventData(eventType, now)
  const event: EventRecord = { id: deps.ids.prefixed('evt'), orgId, type: eventType, createdAt: now, data }
  // kept like any event, so the receiver can fetch it with GET /v2/events/{id}
  s.events[event.id] = event
  tools.deliver({ eventId: event.id, eventType, resourceId: data.id, endpointId: endpoint.id, url: endpoint.url, body: JSON.stringify(eventJson(s, event, 'test')) })
  return { endpoint, event }
}
