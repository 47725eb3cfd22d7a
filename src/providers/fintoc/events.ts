import { createHmac } from 'node:crypto'
import type { Clock } from '../../core/clock.js'
import type { IdGenerator } from '../../core/ids.js'
import type { DeliveryRecord } from '../../core/webhooks.js'
import type { UpdateTools } from '../types.js'
import type { FintocSettings } from './settings.js'
import type { EventRecord, FintocState, TransferAsOf } from './state.js'
import { eventJson } from './wire.js'

// An event is recorded and its deliveries queued in the caller's store update: never one without the other.

export const subscribed = (enabledEvents: string[], type: string) => enabledEvents.includes('*') || enabledEvents.includes(type)

/** a resource's JSON as it was, or for a transfer the fields that can still change (the rest stays on the transfer) */
export type EventPayload = { data: { id?: unknown } } | { transfer: TransferAsOf }

export function createEvents(ids: IdGenerator, clock: Clock, settings: FintocSettings) {
  return function emit(s: FintocState, tools: UpdateTools, orgId: string, type: string | undefined, payload: EventPayload): EventRecord | undefined {
    if (!type) return undefined
    const id = ids.prefixed('evt')
    const event: EventRecord = 'transfer' in payload
      ? { id, orgId, type, createdAt: clock.now(), data: null, transfer: payload.transfer }
      : { id, orgId, type, createdAt: clock.now(), data: payload.data }
    s.events[id] = event
    const resourceId = 'transfer' in payload ? payload.transfer.transferId : typeof payload.data.id === 'string' ? payload.data.id : null
    // rendered once, and only when someone receives it
    let body: string | undefined
    const send = (endpointId: string | null, url: string) => {
      body ??= JSON.stringify(eventJson(s, event, 'test'))
      tools.deliver({ eventId: id, eventType: type, resourceId, endpointId, url, body })
    }
    for (const endpointId of s.orgs[orgId]?.webhookEndpointIds ?? []) {
      const e = s.webhookEndpoints[endpointId]!
      if (e.status === 'enabled' && subscribed(e.enabledEvents, type)) send(endpointId, e.url)
    }
    if (settings.webhookUrl) send(null, settings.webhookUrl)
    return event
  }
}

export type Emit = ReturnType<typeof createEvents>

/** `Fintoc-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, no spaces (the Node SDK splits without trimming) */
export function signFintoc(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')
  return `t=${unixSeconds},v1=${v1}`
}

/**
 * Signs with the endpoint's secret, or FINTOC_WEBHOOK_SECRET for the env-configured URL. `t` is wall
 * time: receivers check it against their own clock, whatever the sandbox clock says.
 */
export function createSigner(state: { readonly data: FintocState }, settings: FintocSettings, wall: () => number = Date.now) {
  return (d: DeliveryRecord): Record<string, string> => {
    const secret = d.endpointId ? state.data.webhookEndpoints[d.endpointId]?.secret : settings.webhookSecret
    return secret ? { 'Fintoc-Signature': signFintoc(secret, d.body, Math.floor(wall() / 1000)) } : {}
  }
}
