import type { UpdateTools } from '../types.js'
import type { MonatoState, WebhookRecord } from './state.js'

// One Monato message to every ACTIVE registration of its type for the client, and to MONATO_WEBHOOK_URL.
export function notify(
  s: MonatoState,
  tools: UpdateTools,
  message: { clientId: string; type: WebhookRecord['type']; resourceId: string; body: string },
  envUrl: string | undefined,
) {
  const base = { eventId: message.resourceId, eventType: message.type, resourceId: message.resourceId, body: message.body }
  for (const id of s.clients[message.clientId]!.webhookIds) {
    const w = s.webhooks[id]!
    if (w.deletedAt === null && w.status === 'ACTIVE' && w.type === message.type) tools.deliver({ ...base, endpointId: w.id, url: w.url })
  }
  if (envUrl) tools.deliver({ ...base, endpointId: null, url: envUrl })
}
