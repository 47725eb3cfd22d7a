import type { Clock } from '../../core/clock.js'
import { ApiError, invalidField } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import { SELF_URL_PROBLEM } from '../../core/self-address.js'
import type { Handler, StateSlice } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { ownedBy } from './errors.js'
import { declaredQuery, offsetPage } from './pagination.js'
import type { FintocState, WebhookEndpointRecord } from './state.js'
import { isoSeconds } from './wire.js'

// /v1/webhook_endpoints. The secret is shown once, on create; `disabled: true|false` is accepted on
// update as the Ruby SDK and the Node README use it.

const STATUS_TRANSITIONS: Record<WebhookEndpointRecord['status'], Partial<Record<WebhookEndpointRecord['status'], true>>> = {
  enabled: { disabled: true },
  disabled: { enabled: true },
}

export const endpointJson = (e: WebhookEndpointRecord, mode: 'test' | 'live', showSecret = false) => ({
  id: e.id,
  object: 'webhook_endpoint',
  created_at: isoSeconds(e.createdAt),
  description: e.description,
  enabled_events: e.enabledEvents,
  mode,
  secret: showSecret ? e.secret : null,
  status: e.status,
  url: e.url,
})

interface EndpointBody {
  url?: string
  description?: string | null
  enabled_events?: string[]
  status?: 'enabled' | 'disabled'
  disabled?: boolean
}

export function createWebhookEndpointHandlers(
  state: StateSlice<FintocState>,
  ids: IdGenerator,
  clock: Clock,
  isSelfUrl: (url: string) => Promise<boolean>,
): Record<string, Handler<FintocPrincipal>> {
  const owned = (s: FintocState, orgId: string, id: string) => ownedBy(s.webhookEndpoints[id], orgId, 'webhook_endpoint', id)
  // deliveries there would drive the sandbox's own control API (another tenant's state) or loop into its APIs
  const checkUrl = async (url: string | undefined) => {
    if (url !== undefined && (await isSelfUrl(url))) throw invalidField('url', `url ${SELF_URL_PROBLEM}`)
  }
  return {
    createWebhookEndpoint: async (ctx) => {
      const body = ctx.body as EndpointBody & { url: string; enabled_events: string[] }
      await checkUrl(body.url)
      const e = await state.update((s) => {
        const record: WebhookEndpointRecord = {
          id: ids.prefixed('we'),
          orgId: ctx.principal.orgId,
          url: body.url,
          description: body.description ?? null,
          enabledEvents: body.enabled_events,
          status: 'enabled',
          secret: `whsec_${ids.chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 32)}`,
          createdAt: clock.now(),
        }
        s.webhookEndpoints[record.id] = record
        s.orgs[ctx.principal.orgId]!.webhookEndpointIds.push(record.id)
        return record
      })
      return { body: endpointJson(e, ctx.principal.mode, true) }
    },
    getWebhookEndpoint: (ctx) => ({ body: endpointJson(owned(state.data, ctx.principal.orgId, ctx.params.id!), ctx.principal.mode) }),
    listWebhookEndpoints: (ctx) => {
      const s = state.data
      const all = [...s.orgs[ctx.principal.orgId]!.webhookEndpointIds].reverse().map((id) => s.webhookEndpoints[id]!)
      const page = offsetPage(all, declaredQuery(ctx), `${ctx.baseUrl}${ctx.path}`)
      return { body: page.items.map((e) => endpointJson(e, ctx.principal.mode)), headers: { Link: page.link } }
    },
    updateWebhookEndpoint: async (ctx) => {
      const body = ctx.body as EndpointBody
      await checkUrl(body.url)
      const e = await state.update((s) => {
        const record = owned(s, ctx.principal.orgId, ctx.params.id!)
        const status = body.disabled !== undefined ? (body.disabled ? 'disabled' : 'enabled') : body.status
        if (status && status !== record.status && !STATUS_TRANSITIONS[record.status][status]) {
          throw new ApiError('invalid_request', `Invalid param: status ${status}`, { param: 'status', code: 'invalid_enum' })
        }
        if (status) record.status = status
        if (body.url !== undefined) record.url = body.url
        if (body.description !== undefined) record.description = body.description
        if (body.enabled_events !== undefined) record.enabledEvents = body.enabled_events
        return record
      })
      return { body: endpointJson(e, ctx.principal.mode) }
    },
    deleteWebhookEndpoint: async (ctx) => {
      const e = await state.update((s) => {
        const record = owned(s, ctx.principal.orgId, ctx.params.id!)
        delete s.webhookEndpoints[record.id]
        const list = s.orgs[ctx.principal.orgId]!.webhookEndpointIds
        list.splice(list.indexOf(record.id), 1)
        return record
      })
      return { body: endpointJson(e, ctx.principal.mode) }
    },
  }
}
