import type { Provider, ProviderModule } from '../types.js'
import { createAccounts } from './accounts.js'
import { createFintocAdmin } from './admin.js'
import { createFintocAuth, type FintocPrincipal } from './auth.js'
import { createEvents, createSigner } from './events.js'
import { fintocIdempotency } from './idempotency.js'
import { createJwsGuard } from './jws-guard.js'
import { formatFintocError } from './errors.js'
import { createMoneyHandlers } from './handlers-money.js'
import { createReadHandlers } from './handlers-read.js'
import { createWriteHandlers } from './handlers-write.js'
import { createMoney, JOB_REVERSE, JOB_SETTLE, JOB_SETTLE_RETURN } from './money.js'
import { DEFAULT_OUTCOME_RULES } from './outcomes.js'
import { readSettings } from './settings.js'
import { fintocScenarioIds } from './scenario-ids.js'
import { fintocStateSchema } from './state-schema.js'
import { applyFintocScenario, type FintocScenario, fintocScenarioSchema } from './scenario.js'
import { type FintocState, initialFintocState } from './state.js'
import { createVerifications, JOB_SETTLE_VERIFICATION } from './verifications.js'
import { createWebhookEndpointHandlers } from './webhook-endpoints.js'
import { createPaymentIntentHandlers } from './handlers-payment-intents.js'
import { createPaymentIntents, JOB_EXPIRE, JOB_RESOLVE } from './payment-intents.js'
import { createWidgetRoutes } from './widget.js'
import { createCheckoutPageRoutes } from './checkout-page.js'
import { createFintocRecovery } from './recover.js'
import { createOrgLifetime } from './org-lifetime.js'
import { createExtraActionHandlers } from './handlers-extra-actions.js'
import { createPaymentsV2Handlers } from './handlers-payments-v2.js'
import { createCheckoutSessionAdmin } from './checkout-session-admin.js'
import { createCheckoutSessions, JOB_EXPIRE_SESSION } from './checkout-sessions.js'
import { createCustomers } from './customers.js'
import { createCheckoutSessionHandlers } from './handlers-checkout-sessions.js'
import { createRefunds, JOB_ADVANCE_REFUND } from './refunds.js'
import { createRefundHandlers } from './handlers-refunds.js'
import { createRefundAdmin } from './admin-refunds.js'
import { createInboundAdmin } from './admin-inbound.js'
import { createFintocDashboard } from './dashboard.js'
import { createEventIndex } from './dashboard-events.js'

export const fintocModule: ProviderModule<FintocState, FintocScenario> = {
  name: 'fintoc',
  specFile: 'specs/fintoc.yaml',
  initialState: initialFintocState,
  stateSchema: fintocStateSchema,
  scenarioSchema: fintocScenarioSchema,
  scenarioIds: fintocScenarioIds,
  applyScenario: applyFintocScenario,
  create({ state, ids, clock, env, logger, onJob, signWebhooks, isSelfUrl }) {
    const settings = readSettings(env)
    const orgs = createOrgLifetime({ state, ids, clock, logger, idleTtlMs: settings.orgIdleTtlMs, maxAutoOrgs: settings.maxAutoOrgs })
    // scenario rules come first, so they can override the built-in ones
    const rules = () => [...state.data.outcomeRules, ...DEFAULT_OUTCOME_RULES]
    // the dashboard's timelines find a resource's events through this index, kept up as events are recorded
    const eventIndex = createEventIndex(state)
    const emit = eventIndex.watch(createEvents(ids, clock, settings))
    signWebhooks(createSigner(state, settings))
    const money = createMoney({ ids, clock, settleDelayMs: settings.settleDelayMs, rules, emit })
    const verifications = createVerifications({ ids, clock, settleDelayMs: settings.settleDelayMs, rules, emit })
    onJob(JOB_SETTLE_VERIFICATION, (ref) => state.update((s, tools) => verifications.settle(s, tools, ref)))
    onJob(JOB_SETTLE, (ref) => state.update((s, tools) => money.settle(s, tools, ref)))
    // a session follows its payment intent; `sessions` exists before any intent moves
    const intents = createPaymentIntents(ids, clock, emit, (s, tools, p) => sessions.onPaymentIntent(s, tools, p))
    const customers = createCustomers(ids, clock)
    const sessions = createCheckoutSessions({ ids, clock, emit, intents, customers })
    onJob(JOB_EXPIRE_SESSION, (ref) => state.update((s, tools) => sessions.expireIfOpen(s, tools, ref)))
    onJob(JOB_EXPIRE, (ref) => state.update((s, tools) => intents.expireIfOpen(s, tools, ref)))
    onJob(JOB_RESOLVE, (ref) => state.update((s, tools) => intents.resolve(s, tools, ref)))
    const refunds = createRefunds({ ids, clock, emit, rules })
    onJob(JOB_ADVANCE_REFUND, (ref) => state.update((s, tools) => refunds.advance(s, tools, ref)))
    onJob(JOB_REVERSE, (ref) => state.update((s, tools) => money.reverse(s, tools, ref)))
    onJob(JOB_SETTLE_RETURN, (ref) => state.update((s, tools) => money.settleReturn(s, tools, ref)))
    const provider: Provider<FintocPrincipal> = {
      name: 'fintoc',
      authenticate: createFintocAuth(orgs.orgFor, createJwsGuard(state, settings)),
      admin: createFintocAdmin(state, orgs.orgFor, intents, money, verifications).use(createCheckoutSessionAdmin(state, sessions)).use(createRefundAdmin(state, refunds)).use(createInboundAdmin(state, money)),
      dashboard: createFintocDashboard(state, eventIndex),
      pages: [
        { path: '/widget', router: createWidgetRoutes(state, intents) },
        { path: '/checkout', router: createCheckoutPageRoutes(state, sessions) },
      ],
      idempotency: fintocIdempotency,
      formatError: formatFintocError,
      recover: createFintocRecovery(state, clock),
      configuredWebhookUrls: { FINTOC_WEBHOOK_URL: settings.webhookUrl },
      handlers: {
        ...createReadHandlers(state),
        ...createMoneyHandlers(state, money),
        ...createWriteHandlers(state, createAccounts(ids, clock), verifications),
        ...createWebhookEndpointHandlers(state, ids, clock, isSelfUrl),
        ...createPaymentIntentHandlers(state, intents),
        ...createPaymentsV2Handlers(state, clock),
        ...createExtraActionHandlers(state, ids, clock),
        ...createRefundHandlers(state, refunds),
        ...createCheckoutSessionHandlers(state, sessions, customers),
      },
    }
    return provider as Provider
  },
}
