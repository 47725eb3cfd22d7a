import type { Clock } from '../../core/clock.js'
import { ApiError, invalidField } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { SELF_URL_PROBLEM } from '../../core/self-address.js'
import { hasCredentials } from '../../core/webhook-http.js'
import type { DeliveryRecord } from '../../core/webhooks.js'
import type { Handler, StateSlice } from '../types.js'
import type { MonatoPrincipal } from './auth.js'
import { monatoTimestamp } from './format.js'
import type { MonatoState, WebhookRecord } from './state.js'
import { slicePage } from './wire.js'

// Webhook registrations: one per client, type and URL. Monato presents the registered token as
// `Authorization: Bearer <token>` on every delivery; there is no payload signature.

const STATUS_TRANSITIONS: Record<WebhookRecord['status'], Partial<Record<WebhookRecord['status'], true>>> = {
  ACTIVE: { INACTIVE: true },
  INACTIVE: { ACTIVE: true },
}

export const webhookJson = (w: WebhookRecord) => ({
  id: w.id,
  clientId: w.clientId,
  url: w.url,
  token: w.token,
  webhookType: w.type,
  webhookStatus: w.status,
  createdAt: monatoTimestamp(w.createdAt),
  updatedAt: monatoTimestamp(w.updatedAt),
  deletedAt: w.deletedAt === null ? null : monatoTimestamp(w.deletedAt),
  blockedAt: null,
  deletedBy: w.deletedAt === null ? null : w.clientId,
  blockedBy: null,
})

/** the registered token of the delivery's registration, or MONATO_WEBHOOK_TOKEN for the env URL */
export function createMonatoSigner(state: { readonly data: MonatoState }, envToken: string | undefined) {
  return (d: DeliveryRecord): Record<string, string> => {
    const token = d.endpointId ? state.data.webhooks[d.endpointId]?.token : envToken
    return token ? { Authorization: `Bearer ${token}` } : {}
  }
}

interface CreateBody {
  client_id: string
  url: string
  token: string
  webhook_type: WebhookRecord['type']
}

/** a registration URL Monato can deliver to: not the sandbox itself, and no userinfo (the token already takes Authorization) */
async function checkUrl(url: string | undefined, isSelfUrl: (url: string) => Promise<boolean>) {
  if (url === undefined) return
  if (hasCredentials(url)) throw invalidField('url', 'url must not contain credentials: deliveries carry the registration token as Authorization: Bearer')
  if (await isSelfUrl(url)) throw invalidField('url', `url ${SELF_URL_PROBLEM}`)
}

export function createWebhookHandlers(
  state: StateSlice<MonatoState>,
  ids: IdGenerator,
  clock: Clock,
  isSelfUrl: (url: string) => Promise<boolean>,
): Record<string, Handler<MonatoPrincipal>> {
  const owned = (s: MonatoState, clientId: string, id: string) => {
    const w = s.webhooks[id]
    if (w?.clientId !== clientId || w.deletedAt !== null) throw new ApiError('not_found', 'Webhook not found.')
    return w
  }

  const create: Handler<MonatoPrincipal> = async (ctx) => {
    const body = ctx.body as CreateBody
    if (body.client_id !== ctx.principal.clientId) throw new ApiError('forbidden', 'client_id does not match the authenticated client.')
    await checkUrl(body.url, isSelfUrl)
    const w = await state.update((s) => {
      const client = s.clients[body.client_id]!
      const duplicate = client.webhookIds.map((id) => s.webhooks[id]!).find((x) => x.deletedAt === null && x.type === body.webhook_type && x.url === body.url)
      if (duplicate) throw new ApiError('conflict', `A ${body.webhook_type} webhook for this URL already exists.`)
      const now = clock.now()
      const record: WebhookRecord = { id: ids.uuid(), clientId: client.id, url: body.url, token: body.token, type: body.webhook_type, status: 'ACTIVE', createdAt: now, updatedAt: now, deletedAt: null }
      s.webhooks[record.id] = record
      client.webhookIds.push(record.id)
      return record
    })
    return { body: webhookJson(w) }
  }

  return {
    createClientWebhook: create,
    createWebhook: create,
    getClientWebhook: (ctx) => ({ body: webhookJson(owned(state.data, ctx.principal.clientId, ctx.params.id!)) }),
    listClientWebhooks: (ctx) => {
      const s = state.data
      const all = s.clients[ctx.principal.clientId]!.webhookIds.map((id) => s.webhooks[id]!).filter((w) => w.deletedAt === null)
      const { page, size, items } = slicePage(all, ctx.query.page, ctx.query.per_page)
      return { body: { data: items.map(webhookJson), currentPage: page, perPage: size, totalItems: all.length } }
    },
    updateClientWebhook: async (ctx) => {
      const body = ctx.body as { url?: string; token?: string; webhook_status?: WebhookRecord['status'] }
      await checkUrl(body.url, isSelfUrl)
      const w = await state.update((s) => {
        const record = owned(s, ctx.principal.clientId, ctx.params.id!)
        const status = body.webhook_status
        if (status && status !== record.status && !STATUS_TRANSITIONS[record.status][status]) throw new ApiError('invalid_request', `webhook_status cannot become ${status}`)
        if (status) record.status = status
        if (body.url !== undefined) record.url = body.url
        if (body.token !== undefined) record.token = body.token
        record.updatedAt = clock.now()
        return record
      })
      return { body: webhookJson(w) }
    },
    deleteClientWebhook: async (ctx) => {
      const w = await state.update((s) => {
        const record = owned(s, ctx.principal.clientId, ctx.params.id!)
        // soft delete: the registration stays readable in the state, gone from the API
        record.deletedAt = clock.now()
        return record
      })
      return { body: webhookJson(w) }
    },
  }
}
