import type { Request } from 'autocannon'
import { keySource } from './keys.js'
import { FINTOC_KEY, MONATO } from './servers.js'

// The three measured requests. `prefix` is '/fintoc' or '/monato' on the sandbox and the ceiling, '' on Prism
// (which serves each spec's paths at its root).

export const ENDPOINTS = {
  accounts: 'GET /fintoc/v2/accounts',
  transfers: 'POST /fintoc/v2/transfers',
  moneyOut: 'POST /monato/v1/transactions/money_out',
} as const
export type EndpointId = keyof typeof ENDPOINTS

export function getAccounts(prefix: string): Request[] {
  return [{ method: 'GET', path: `${prefix}/v2/accounts`, headers: { authorization: FINTOC_KEY } }]
}

/** 1.00 MXN to an outside CLABE: an amount no outcome rule matches, so every transfer succeeds */
export function transferBody(accountId: string): string {
  return JSON.stringify({
    amount: 100,
    currency: 'MXN',
    account_id: accountId,
    comment: 'bench payout',
    reference_id: '150195',
    counterparty: { account_number: '012180015530983477' },
  })
}

/**
 * A fresh Idempotency-Key per request (unless `keys` is false: seeding skips them, see seed.ts);
 * `signature` gives the Fintoc-JWS-Signature header, if any.
 */
export function postTransfers(prefix: string, body: string, signature?: () => string, keys = true): Request[] {
  const key = keySource('fintoc')
  return [
    {
      method: 'POST',
      path: `${prefix}/v2/transfers`,
      headers: { authorization: FINTOC_KEY, 'content-type': 'application/json' },
      body,
      setupRequest: (req) => {
        if (keys) req.headers['idempotency-key'] = key()
        if (signature) req.headers['fintoc-jws-signature'] = signature()
        return req
      },
    },
  ]
}

/** 0.01 MXN per money out: a million pesos of opening balance lasts a hundred million requests */
export function moneyOutBody(): string {
  return JSON.stringify({
    client_id: MONATO.clientId,
    source_instrument_id: MONATO.sourceInstrumentId,
    destination_instrument_id: MONATO.destinationInstrumentId,
    transaction_request: { external_reference: '1234567', description: 'bench payout', amount: '0.01', currency: 'MXN' },
  })
}

/** a fresh UUID v5 Idempotency-Key per request */
export function postMoneyOut(prefix: string, token: string): Request[] {
  const key = keySource('monato')
  return [
    {
      method: 'POST',
      path: `${prefix}/v1/transactions/money_out`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: moneyOutBody(),
      setupRequest: (req) => {
        req.headers['idempotency-key'] = key()
        return req
      },
    },
  ]
}
