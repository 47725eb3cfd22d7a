import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type RunningServer, spawnMain, startMain } from '../helpers/process.js'
import { MONATO } from '../helpers/sandbox.js'

// A real small disk: a 3 MB tmpfs, filled up and remounted read-only under a running sandbox. Mounting
// needs root; without it this file says why it is skipped, in the test's name and on stderr.

const KEY = 'sk_test_disk'
const mounts: string[] = []

function mountTmpfs(sizeMb: number): string | Error {
  const dir = mkdtempSync(path.join(tmpdir(), 'fmm-disk-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    return new Error(`mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`)
  }
  mounts.push(dir)
  return dir
}

/** why the disk tests cannot run here, or null */
function unavailable(): string | null {
  if (process.platform !== 'linux') return `needs Linux tmpfs (this is ${process.platform})`
  if (process.getuid?.() !== 0) return `mounting a tmpfs needs root (uid ${process.getuid?.()})`
  const probe = mountTmpfs(1)
  if (probe instanceof Error) return probe.message
  execFileSync('umount', [probe])
  mounts.pop()
  return null
}
const skipReason = unavailable()
if (skipReason) process.stderr.write(`test/chaos/disk.test.ts: skipped: ${skipReason}\n`)

afterAll(() => {
  for (const dir of mounts) {
    try {
      execFileSync('umount', ['-l', dir])
    } catch {
      // already gone
    }
  }
})

/** writes a file until the disk is full; removing it gives the room back */
function fill(dir: string): string {
  const filler = path.join(dir, 'filler')
  const fd = openSync(filler, 'w')
  const chunk = Buffer.alloc(16 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  }
  // the last partial blocks too
  try {
    for (;;) writeSync(fd, Buffer.alloc(512, 1))
  } catch {
    // full
  }
  closeSync(fd)
  return filler
}

const stopped = async (s: RunningServer) => {
  s.child.kill('SIGTERM')
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 8000)
  const code = await s.exited
  clearTimeout(timer)
  return code
}

const api = (s: RunningServer) => ({
  fintoc: (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${s.baseUrl}/fintoc${p}`, { method, headers: { authorization: KEY, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }),
  admin: (p: string, body?: unknown) => fetch(`${s.baseUrl}/__admin${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }),
})

describe.skipIf(skipReason !== null)(`a full or read-only disk under DATA_FILE${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('full: requests get the provider 503 and change nothing, jobs wait, the process lives, and everything resumes when space returns', async () => {
    const dir = mountTmpfs(3) as string
    const file = path.join(dir, 'state.json')
    const env = { DATA_FILE: file, CLOCK: 'manual', FINTOC_JWS: 'off', FINTOC_SETTLE_DELAY_MS: '1000', LOG_LEVEL: 'info' }
    let s = await startMain(env)
    let { fintoc, admin } = api(s)
    const account = ((await (await fintoc('GET', '/v2/accounts')).json()) as Array<{ id: string; root_account_number_id: string }>)[0]!
    await fintoc('POST', '/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 1_000_000, currency: 'MXN' })
    await admin('/clock/advance', { ms: 5000 })
    const body = { amount: 100, currency: 'MXN', account_id: account.id, counterparty: { account_number: '012180015530983477' } }
    const pending = (await (await fintoc('POST', '/v2/transfers', body)).json()) as { id: string; status: string }
    expect(pending.status).toBe('pending')

    const filler = fill(dir)
    // the log's last page may still have room for a few lines: write until the disk refuses one
    let slack = 0
    while ((await fintoc('POST', '/v2/simulate/receive_transfer', { account_number_id: account.root_account_number_id, amount: 1, currency: 'MXN' })).status !== 503) {
      expect(++slack).toBeLessThan(500)
    }
    let refusals = 1
    const refused = await fintoc('POST', '/v2/transfers', body, { 'Idempotency-Key': 'disk-1' })
    refusals++
    expect(refused.status).toBe(503)
    const envelope = (await refused.json()) as { error: { type: string; code: string; message: string } }
    expect(envelope.error).toMatchObject({ type: 'api_error', code: 'service_unavailable' })
    expect(envelope.error.message).toContain('ENOSPC')
    // a new key's organization cannot be kept either
    expect((await fetch(`${s.baseUrl}/fintoc/v2/accounts`, { headers: { authorization: 'sk_test_newcomer' } })).status).toBe(503)
    refusals++
    const token = await fetch(`${s.baseUrl}/monato/v1/clients/${MONATO.clientId}/auth/credential-tokens`, {
      method: 'POST',
      headers: { 'x-api-key': MONATO.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: MONATO.clientId, client_secret: MONATO.clientSecret }),
    })
    const registration = await fetch(`${s.baseUrl}/monato/v1/clients/${MONATO.clientId}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${((await token.json()) as { token: string }).token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: MONATO.clientId, url: 'http://127.0.0.1:9/hooks', token: 't', webhook_type: 'MONEY_IN' }),
    })
    expect(registration.status).toBe(503)
    expect(((await registration.json()) as { code: number }).code).toBe(14)
    refusals++
    // the settlement falls due on a full disk: it cannot be saved, so it waits; the process lives
    expect((await admin('/clock/advance', { ms: 2000 })).status).toBe(200)
    expect(s.child.exitCode).toBeNull()
    expect(((await (await fintoc('GET', `/v2/transfers/${pending.id}`)).json()) as { status: string }).status).toBe('pending')
    // one line per outage (a nearly full disk may take a small write between two refusals), not one per refused request
    const failureLines = () => s.stdout().match(/a write failed \(ENOSPC\)/g)?.length ?? 0
    expect(failureLines()).toBeGreaterThan(0)
    expect(failureLines()).toBeLessThan(refusals)

    rmSync(filler)
    // the waiting settlement goes through by itself, and the refused key now runs
    const deadline = Date.now() + 40_000
    let status = 'pending'
    while (status === 'pending' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250))
      status = ((await (await fintoc('GET', `/v2/transfers/${pending.id}`)).json()) as { status: string }).status
    }
    expect(status).toBe('succeeded')
    const retried = await fintoc('POST', '/v2/transfers', body, { 'Idempotency-Key': 'disk-1' })
    expect(retried.status).toBe(201)
    const created = (await retried.json()) as { id: string }
    expect(s.stdout().match(/writes work again/g)).toHaveLength(failureLines())

    expect(await stopped(s)).toBe(0)
    expect(s.stderr()).not.toMatch(/\n\s+at /)
    // what was acknowledged survived, what was refused never happened
    s = await startMain(env)
    ;({ fintoc } = api(s))
    const outbound = ((await (await fintoc('GET', '/v2/transfers?direction=outbound')).json()) as Array<{ id: string; status: string }>).map((t) => t.id).sort()
    expect(outbound).toEqual([pending.id, created.id].sort())
    expect(await stopped(s)).toBe(0)
  })

  it('read-only: a running sandbox answers 503 and stops cleanly; a new one refuses to start in one line', async () => {
    const dir = mountTmpfs(3) as string
    const file = path.join(dir, 'state.json')
    const env = { DATA_FILE: file, CLOCK: 'manual', FINTOC_JWS: 'off', LOG_LEVEL: 'info' }
    const s = await startMain(env)
    const { fintoc } = api(s)
    expect((await fintoc('GET', '/v2/accounts')).status).toBe(200)
    execFileSync('mount', ['-o', 'remount,ro', dir])
    const res = await fetch(`${s.baseUrl}/fintoc/v2/accounts`, { headers: { authorization: 'sk_test_readonly_newcomer' } })
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('EROFS')
    expect(await stopped(s)).toBe(0)
    expect(s.stderr()).not.toMatch(/\n\s+at /)

    const refused = spawnMain(env)
    expect(await refused.exited).not.toBe(0)
    const lines = refused.stderr().trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(`DATA_FILE ${file}`)
    expect(lines[0]).toMatch(/not writable \(EROFS\)/)
  })

  it('a folder that does not exist is created; one that cannot be is named in one line', async () => {
    const dir = mountTmpfs(1) as string
    const nested = path.join(dir, 'a', 'b', 'state.json')
    const s = await startMain({ DATA_FILE: nested, LOG_LEVEL: 'info' })
    expect(await stopped(s)).toBe(0)
    mkdirSync(path.join(dir, 'c'))
    execFileSync('mount', ['-o', 'remount,ro', dir])
    const refused = spawnMain({ DATA_FILE: path.join(dir, 'c', 'd', 'state.json') })
    expect(await refused.exited).not.toBe(0)
    expect(refused.stderr().trim().split('\n')).toHaveLength(1)
    expect(refused.stderr()).toMatch(/DATA_FILE .*: the folder .* does not exist and could not be created/)
  })
})
