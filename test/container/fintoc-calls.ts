import { createHmac } from 'node:crypto'
import { signJws } from '../helpers/jws.js'
import type { Received } from '../helpers/receiver.js'

// The few Fintoc and control-API calls the container tests make against a running container.

const json = { 'Content-Type': 'application/json' }

async function call<T>(url: string, init: RequestInit, expected: number[] = [200, 201]): Promise<T> {
  const res = await fetch(url, init)
  const text = await res.text()
  if (!expected.includes(res.status)) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`)
  return JSON.parse(text) as T
}

export const accounts = (base: string, key: string) =>
  call<{ id: string; root_account_number_id: string; available_balance: number }[]>(`${base}/fintoc/v2/accounts`, { headers: { Authorization: key } })

/** an inbound transfer of `amount` to the key's root account (pending until the clock moves past the settle delay) */
export async function receiveTransfer(base: string, key: string, amount: number): Promise<{ id: string }> {
  const [account] = await accounts(base, key)
  const body = JSON.stringify({ account_number_id: account!.root_account_number_id, amount, currency: 'MXN' })
  return call(`${base}/fintoc/v2/simulate/receive_transfer`, { method: 'POST', headers: { Authorization: key, ...json }, body })
}

export const advance = (base: string, ms: number) => call(`${base}/__admin/clock/advance`, { method: 'POST', headers: json, body: JSON.stringify({ ms }) })

/** POST /v2/transfers of 1 cent, signed with privatePem (or not): the status and the error code, if any */
export async function sendTransfer(base: string, key: string, privatePem?: string): Promise<{ status: number; code?: string }> {
  const [account] = await accounts(base, key)
  const body = JSON.stringify({ amount: 1, currency: 'MXN', account_id: account!.id, counterparty: { account_number: '735969000000203297' } })
  const headers: Record<string, string> = { Authorization: key, ...json }
  if (privatePem) headers['Fintoc-JWS-Signature'] = signJws(privatePem, body)
  const res = await fetch(`${base}/fintoc/v2/transfers`, { method: 'POST', headers, body })
  const answer = (await res.json()) as { error?: { code?: string } }
  return { status: res.status, code: answer.error?.code }
}

/** whether a delivery carries a valid Fintoc-Signature (t=<unix>,v1=<hex HMAC-SHA256 of "t.body">) for secret */
export function signedBy(delivery: Received, secret: string): boolean {
  const header = String(delivery.headers['fintoc-signature'] ?? '')
  const t = /t=(\d+)/.exec(header)?.[1]
  const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1]
  return t !== undefined && v1 === createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex')
}

export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
