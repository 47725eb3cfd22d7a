import type { Provider, ProviderModule } from '../types.js'
import { createMonatoAuth, type MonatoPrincipal } from './auth.js'
import { createMonatoAdmin } from './admin.js'
import { createMonatoDashboard } from './dashboard.js'
import { formatMonatoError } from './errors.js'
import { createCredits } from './credits.js'
import { createMoneyIn } from './money-in.js'
import { createPenny, JOB_CEP } from './penny.js'
import { monatoIdempotency } from './idempotency.js'
import { createAuthHandlers } from './handlers-auth.js'
import { createCatalogHandlers } from './handlers-catalog.js'
import { createTransactionReadHandlers } from './handlers-transactions.js'
import { createInstrumentHandlers } from './instruments.js'
import { readMonatoSettings } from './settings.js'
import { createMonatoSigner, createWebhookHandlers } from './webhooks.js'
import { createTransactions, DEFAULT_MONATO_RULES, JOB_REFUND, JOB_SETTLE, transactionJson } from './transactions.js'
import { monatoScenarioIds } from './scenario-ids.js'
import { monatoStateSchema } from './state-schema.js'
import { applyMonatoScenario, type MonatoScenario, monatoScenarioSchema } from './scenario.js'
import { initialMonatoState, type MonatoState } from './state.js'
import { createMonatoRecovery } from './recover.js'

export const monatoModule: ProviderModule<MonatoState, MonatoScenario> = {
  name: 'monato',
  specFile: 'specs/monato-fincore.yaml',
  initialState: initialMonatoState,
  stateSchema: monatoStateSchema,
  scenarioSchema: monatoScenarioSchema,
  scenarioIds: monatoScenarioIds,
  applyScenario: applyMonatoScenario,
  create({ state, clock, ids, env, signWebhooks, webhookPolicy, onJob, isSelfUrl }) {
    const settings = readMonatoSettings(env)
    signWebhooks(createMonatoSigner(state, settings.webhookToken))
    const credit = createCredits({ ids, clock, webhookUrl: settings.webhookUrl })
    const transactions = createTransactions({ ids, clock, settleDelayMs: settings.settleDelayMs, webhookUrl: settings.webhookUrl, rules: () => [...state.data.outcomeRules, ...DEFAULT_MONATO_RULES], credit })
    const moneyIn = createMoneyIn({ ids, clock, credit, transactions })
    const penny = createPenny({ ids, clock, settleDelayMs: settings.settleDelayMs, webhookUrl: settings.webhookUrl, transactions })
    onJob(JOB_CEP, (ref) => state.update((s, tools) => penny.step(s, tools, ref)))
    // a MONEY_IN receiver answering 422 rejects the deposit, and Monato sends it back
    webhookPolicy({
      refuses: (d, statusCode) => d.eventType === 'MONEY_IN' && statusCode === 422,
      onRefused: async (d) => {
        if (d.resourceId) await state.update((s, tools) => moneyIn.refundRejected(s, tools, d.resourceId!))
      },
    })
    onJob(JOB_SETTLE, (ref) => state.update((s, tools) => transactions.settle(s, tools, ref)))
    onJob(JOB_REFUND, (ref) => state.update((s, tools) => transactions.refundBack(s, tools, ref)))
    const provider: Provider<MonatoPrincipal> = {
      name: 'monato',
      authenticate: createMonatoAuth(state, clock),
      formatError: formatMonatoError,
      idempotency: monatoIdempotency(settings.idempotency),
      recover: createMonatoRecovery(state),
      configuredWebhookUrls: { MONATO_WEBHOOK_URL: settings.webhookUrl },
      admin: createMonatoAdmin(state, moneyIn, transactions),
      dashboard: createMonatoDashboard(state),
      handlers: {
        ...createAuthHandlers(state, clock, ids),
        ...createCatalogHandlers(state),
        ...createInstrumentHandlers(state, ids, clock, settings.clabeCheck),
        ...createWebhookHandlers(state, ids, clock, isSelfUrl),
        ...createTransactionReadHandlers(state),
        createMoneyOut: async (ctx) => {
          const t = await state.update((s, tools) => transactions.moneyOut(s, tools, (ctx.principal as MonatoPrincipal).clientId, ctx.body as Parameters<typeof transactions.moneyOut>[3]))
          return { body: transactionJson(t) }
        },
        createPennyValidation: async (ctx) => {
          const t = await state.update((s, tools) => penny.validate(s, tools, (ctx.principal as MonatoPrincipal).clientId, ctx.body as Parameters<typeof penny.validate>[3]))
          return { body: transactionJson(t) }
        },
        createInternalTransaction: async (ctx) => {
          const t = await state.update((s, tools) => transactions.moneyOut(s, tools, (ctx.principal as MonatoPrincipal).clientId, ctx.body as Parameters<typeof transactions.moneyOut>[3], true))
          return { body: transactionJson(t) }
        },
        createRefund: async (ctx) => {
          const principal = ctx.principal as MonatoPrincipal
          const t = await state.update((s, tools) => moneyIn.refund(s, tools, principal.clientId, ctx.params.transactionId!, ctx.body as { amount: string }))
          return { body: transactionJson(t) }
        },
      },
    }
    return provider as Provider
  },
}
