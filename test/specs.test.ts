import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import { describe, expect, it } from 'vitest'
import { loadSpec } from '../src/core/spec/load.js'
import { extractOperations } from '../src/core/spec/operations.js'
import { fromRoot } from '../src/paths.js'

const FINTOC_OPS = [
  'listEntities', 'getEntity', 'listAccounts', 'createAccount', 'getAccount', 'updateAccount', 'listMovements', 'getMovement',
  'listAccountNumbers', 'createAccountNumber', 'getAccountNumber', 'updateAccountNumber', 'listTransfers', 'createTransfer',
  'getTransfer', 'returnTransfer', 'simulateReceiveTransfer', 'listAccountVerifications', 'createAccountVerification',
  'getAccountVerification', 'getEvent', 'listPaymentIntents', 'createPaymentIntent', 'getPaymentIntent', 'expirePaymentIntent',
  'listRefunds', 'createRefund', 'getRefund', 'cancelRefund',
  'listWebhookEndpoints', 'createWebhookEndpoint', 'getWebhookEndpoint', 'updateWebhookEndpoint', 'deleteWebhookEndpoint',
  'testWebhookEndpoint', 'checkPaymentIntentEligibility', 'deleteAccountNumber', 'listPaymentIntentsV2', 'createPaymentIntentV2',
  'getPaymentIntentV2', 'listPaymentMethods', 'getPaymentMethod', 'listSubscriptions', 'getSubscription', 'cancelSubscription',
  'createCheckoutSession', 'getCheckoutSession', 'expireCheckoutSession', 'createCheckoutSessionV2', 'listCheckoutSessionsV2',
  'getCheckoutSessionV2', 'expireCheckoutSessionV2', 'createCustomer', 'listCustomers', 'getCustomer',
]
const MONATO_OPS = [
  'getClientCredentials', 'createCredentialToken', 'listBanks', 'listAccounts', 'createPrivateAccount', 'listInstruments',
  'registerInstrument', 'getInstrument', 'createMoneyOut', 'createInternalTransaction', 'createPennyValidation', 'getTransaction',
  'createRefund', 'listClientWebhooks', 'createClientWebhook', 'getClientWebhook', 'updateClientWebhook', 'deleteClientWebhook',
  'createWebhook', 'getAccount', 'deleteInstrument', 'listTransactions', 'listClientTransactions',
]

describe.each([
  ['specs/fintoc.yaml', FINTOC_OPS],
  ['specs/monato-fincore.yaml', MONATO_OPS],
])('%s', (file, expected) => {
  // one wider character makes V8 keep every name parsed from the file in two bytes per character: the first
  // response field names met are those, so every JSON answer (and every idempotency record) doubled in size
  it('holds only Latin-1 characters', () => {
    const wide = [...readFileSync(fromRoot(file), 'utf8')].filter((c) => c.charCodeAt(0) > 0xff)
    expect(wide).toEqual([])
  })

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    const api = (await SwaggerParser.validate(fromRoot(file))) as { openapi: string }
    expect(api.openapi).toMatch(/^3\.1\./)
  })

  it('declares every operation the product needs, each with a unique operationId', async () => {
    const ops = extractOperations(await loadSpec(fromRoot(file)))
    const ids = ops.map((o) => o.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...expected].sort())
  })

  it('declares security schemes and outbound webhooks', async () => {
    const doc = (await loadSpec(fromRoot(file))) as unknown as { components: { securitySchemes: object }; webhooks: object }
    expect(Object.keys(doc.components.securitySchemes).length).toBeGreaterThan(0)
    expect(Object.keys(doc.webhooks).length).toBeGreaterThanOrEqual(3)
  })
})

describe('documented facts in the specs', () => {
  it('Fintoc: transfers answer 201, account numbers 200, JWS and idempotency headers are declared', async () => {
    const ops = extractOperations(await loadSpec(fromRoot('specs/fintoc.yaml')))
    const op = (id: string) => ops.find((o) => o.operationId === id)!
    expect(op('createTransfer').successStatus).toBe(201)
    expect(op('createAccountNumber').successStatus).toBe(200)
    expect(op('simulateReceiveTransfer').successStatus).toBe(201)
    for (const id of ['createTransfer', 'returnTransfer', 'createAccountVerification']) {
      expect(op(id).parameters.map((p) => p.name)).toContain('Fintoc-JWS-Signature')
    }
    expect(op('createTransfer').parameters.map((p) => p.name)).toContain('Idempotency-Key')
  })

  it('Monato: creates answer 200, security per operation, UUID v5 idempotency pattern', async () => {
    const ops = extractOperations(await loadSpec(fromRoot('specs/monato-fincore.yaml')))
    const op = (id: string) => ops.find((o) => o.operationId === id)!
    for (const id of ['createMoneyOut', 'registerInstrument', 'createClientWebhook', 'createPrivateAccount']) expect(op(id).successStatus).toBe(200)
    expect(op('getClientCredentials').security).toEqual([{ ApiKeyAuth: [] }])
    expect(op('listBanks').security).toEqual([{ bearerAuth: [] }])
    expect(Object.keys(op('createWebhook').security[0]!).sort()).toEqual(['ApiKeyAuth', 'bearerAuth'])
    const idem = op('createMoneyOut').parameters.find((p) => p.name === 'Idempotency-Key')!
    const pattern = new RegExp(String(idem.schema.pattern))
    expect(pattern.test('66c0b04f-97d6-592d-8396-199819064afa')).toBe(true)
    expect(pattern.test('66c0b04f-97d6-492d-8396-199819064afa')).toBe(false)
  })
})
