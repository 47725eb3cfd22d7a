import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromRoot } from '../src/paths.js'
import { listeningLine, stop, tempDir } from './helpers/cli.js'
import { startMain } from './helpers/process.js'
import { MONATO } from './helpers/sandbox.js'

// Issue #15 item 3: the startup banner, one JSON line off a terminal and a block of text on one (forced with
// --log-format pretty). Both keep `listening on <url>`, and neither shows a secret in full.

const VERSION = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version as string
const ADMIN_TOKEN = 'banner_admin_token_2718'
const INLINE = { fintoc: { organizations: [{ api_key: 'sk_test_banner_inline_org', holder_name: 'Banner Org' }] } }
const SCENARIOS = 'data/scenarios/default.json,data/scenarios/fintoc-funded.json'

describe('the startup banner', () => {
  it('as one JSON line: version, URLs, scenarios with their organizations and clients (masked), clock, JWS, admin token', async () => {
    const server = await startMain({ SCENARIO: SCENARIOS })
    try {
      const base = server.baseUrl
      const line = listeningLine(server.stdout())
      expect(line).toMatchObject({
        msg: `listening on ${base}`,
        version: VERSION,
        fintoc: `${base}/fintoc`,
        monato: `${base}/monato`,
        admin: `${base}/__admin`,
        adminToken: false,
        clock: 'real',
        dataFile: null,
        restored: false,
      })
      const [defaults, funded] = line.scenarios as Array<Record<string, string[]>>
      expect(defaults).toMatchObject({ source: 'data/scenarios/default.json' })
      expect(defaults!.monato![0]).toBe(`client ${MONATO.clientId} (Sandbox Client), x-api-key ****d1e3`)
      expect(funded).toMatchObject({ source: 'data/scenarios/fintoc-funded.json' })
      expect(funded!.fintoc![0]).toMatch(/^organization sk_test_\*{4}nded \(/)
      const [jws] = (line.notes as { fintoc: string[] }).fintoc
      expect(jws).toMatch(/^JWS enforced \(no key registered yet\): POST \/v2\/transfers.*Fintoc-JWS-Signature/)
      expect(jws).toContain('POST /__admin/fintoc/jws-keys')
      expect(jws).toContain('FINTOC_JWS=off')
      for (const secret of ['sk_test_funded', MONATO.apiKey, MONATO.clientSecret]) expect(server.stdout()).not.toContain(secret)
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('as a block of text with --log-format pretty, every other log line made readable too', async () => {
    const server = await startMain({ ADMIN_TOKEN, FINTOC_JWS: 'off', SCENARIO: SCENARIOS }, [], ['--log-format', 'pretty', '--clock', 'manual', '--scenario-json', JSON.stringify(INLINE)])
    try {
      const base = server.baseUrl
      const out = server.stdout()
      const block = out.slice(out.indexOf('fintoc-monato-mock '))
      const rows = block.split('\n').slice(0, 13)
      expect(rows[0]).toBe(`fintoc-monato-mock ${VERSION} listening on ${base}`)
      expect(rows.slice(1, 4)).toEqual([
        `  fintoc     ${base}/fintoc`,
        `  monato     ${base}/monato`,
        `  admin      ${base}/__admin  requires Authorization: Bearer <ADMIN_TOKEN>`,
      ])
      expect(rows[4]).toBe('  scenarios  data/scenarios/default.json')
      expect(rows[5]).toBe(`               monato: client ${MONATO.clientId} (Sandbox Client), x-api-key ****d1e3`)
      expect(block).toContain('\n             data/scenarios/fintoc-funded.json\n               fintoc: organization sk_test_****nded (')
      expect(block).toContain('\n             --scenario-json\n               fintoc: organization sk_test_****_org (Banner Org)\n')
      expect(block).toContain('\n  clock      manual (time moves only through POST /__admin/clock/advance or /clock/set)\n')
      expect(block).toContain('\n  fintoc     JWS off: transfers and account verifications need no Fintoc-JWS-Signature (FINTOC_JWS=enforce checks it)\n')
      expect(block).toContain('\n  data       in memory (set DATA_FILE to keep it across restarts)\n')
      expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}at most \d+ client connections/m)
      expect(out).not.toMatch(/^\{/m)
      for (const secret of [ADMIN_TOKEN, 'sk_test_banner_inline_org', 'sk_test_funded', MONATO.apiKey]) expect(out).not.toContain(secret)
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('on a restored DATA_FILE, says the scenarios were not applied again and how to start fresh, in both formats', async () => {
    const file = path.join(await tempDir(), 'state.json')
    /** the output of one run on the file, stopped cleanly */
    const boot = async (args: string[] = []) => {
      const server = await startMain({ DATA_FILE: file }, [], args)
      expect(await stop(server)).toBe(0)
      return server.stdout()
    }
    const first = listeningLine(await boot())
    expect(first).toMatchObject({ dataFile: file, restored: false })
    expect(first).not.toHaveProperty('hint')
    const hint = `the state was restored from it, so the scenarios were not applied again; to start fresh: POST /__admin/reset (back to the scenarios), or stop, delete ${file} and ${file}.log, and start again`
    expect(listeningLine(await boot())).toMatchObject({ dataFile: file, restored: true, hint })
    expect(await boot(['--log-format', 'pretty'])).toContain(`\n  data       ${file}: ${hint}\n`)
  }, 60_000)
})
