import { ApiError } from '../../core/errors.js'
import type { Handler, RequestContext, StateSlice } from '../types.js'
import type { FintocPrincipal } from './auth.js'
import { checkoutSessionJson, legacyCheckoutSessionJson } from './checkout-session-wire.js'
import type { CheckoutSessions, CreateSessionBody } from './checkout-sessions.js'
import { type CustomerInput, type Customers, customerJson } from './customers.js'
import { cursorList } from './pagination.js'
import type { CheckoutSessionRecord, FintocState } from './state.js'

// /v1 and /v2 checkout_sessions, /v2 customers. The v2 endpoints need API version 2026-02-01 or later.

export const CURRENT_VERSION = '2026-02-01'

const versionOf = (ctx: RequestContext<FintocPrincipal>) => {
  const v = ctx.headers['fintoc-version']
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** an explicit older version on a v2-only endpoint is refused; no header means the sandbox's pin, the current version */
function requireCurrent(ctx: RequestContext<FintocPrincipal>) {
  const v = versionOf(ctx)
  if (v !== undefined && v < CURRENT_VERSION) {
    throw new ApiError('forbidden', `This endpoint requires Fintoc-Version ${CURRENT_VERSION} or later (got ${v})`, { param: 'Fintoc-Version', code: 'invalid_api_version' })
  }
}

export function createCheckoutSessionHandlers(state: StateSlice<FintocState>, sessions: CheckoutSessions, customers: Customers): Record<string, Handler<FintocPrincipal>> {
  // /v1 answers the legacy shape unless the request asks for the current version
  const v1Json = (ctx: RequestContext<FintocPrincipal>, cs: CheckoutSessionRecord) => {
    const v = versionOf(ctx)
    return v !== undefined && v >= CURRENT_VERSION ? checkoutSessionJson(state.data, cs, ctx.principal.mode) : legacyCheckoutSessionJson(state.data, cs, ctx.principal.mode)
  }
  const v2Json = (ctx: RequestContext<FintocPrincipal>, cs: CheckoutSessionRecord) => checkoutSessionJson(state.data, cs, ctx.principal.mode)
  const create = (api: 'v1' | 'v2') => async (ctx: RequestContext<FintocPrincipal>) => {
    if (api === 'v2') requireCurrent(ctx)
    const cs = await state.update((s, tools) => sessions.create(s, tools, ctx.principal.orgId, api, ctx.body as CreateSessionBody, ctx.baseUrl))
    return { status: 201, body: api === 'v2' ? v2Json(ctx, cs) : v1Json(ctx, cs) }
  }
  const expire = (api: 'v1' | 'v2') => async (ctx: RequestContext<FintocPrincipal>) => {
    if (api === 'v2') requireCurrent(ctx)
    const cs = await state.update((s, tools) => sessions.expire(s, tools, ctx.principal.orgId, ctx.params.id!))
    return { body: api === 'v2' ? v2Json(ctx, cs) : v1Json(ctx, cs) }
  }
  return {
    createCheckoutSession: create('v1'),
    getCheckoutSession: (ctx) => ({ body: v1Json(ctx, sessions.owned(state.data, ctx.principal.orgId, ctx.params.id!)) }),
    expireCheckoutSession: expire('v1'),
    createCheckoutSessionV2: create('v2'),
    getCheckoutSessionV2: (ctx) => {
      requireCurrent(ctx)
      return { body: v2Json(ctx, sessions.owned(state.data, ctx.principal.orgId, ctx.params.id!)) }
    },
    listCheckoutSessionsV2: (ctx) => {
      requireCurrent(ctx)
      const s = state.data
      return cursorList(ctx, { ids: s.orgs[ctx.principal.orgId]!.checkoutSessionIds ?? [], lookup: (id) => s.checkoutSessions[id]!, json: (cs) => v2Json(ctx, cs) })
    },
    expireCheckoutSessionV2: expire('v2'),
    createCustomer: async (ctx) => {
      const c = await state.update((s) => customers.create(s, ctx.principal.orgId, ctx.body as CustomerInput))
      return { status: 201, body: customerJson(c, ctx.principal.mode) }
    },
    getCustomer: (ctx) => ({ body: customerJson(customers.owned(state.data, ctx.principal.orgId, ctx.params.id!), ctx.principal.mode) }),
    listCustomers: (ctx) => {
      const s = state.data
      return cursorList(ctx, { ids: s.orgs[ctx.principal.orgId]!.customerIds ?? [], lookup: (id) => s.customers[id]!, json: (c) => customerJson(c, ctx.principal.mode) })
    },
  }
}
