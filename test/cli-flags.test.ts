import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromRoot } from '../src/paths.js'
import { accepting, freePort, listeningLine, sleep, stop, tempDir } from './helpers/cli.js'
import { spawnMain, startMain } from './helpers/process.js'

// Issue #15 item 2: every flag of `fintoc-monato-mock`, through the real entry point.

const VERSION = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version as string
const ADMIN_TOKEN = 'cli_flag_admin_token_4711'
const ENV_ADMIN_TOKEN = 'cli_env_admin_token_0815'
/** every flag of issue #15 and its env var */
const DOCUMENTED: Array<[string, string?]> = [
  ['--port', 'PORT'],
  ['--host', 'HOST'],
  ['--scenario', 'SCENARIO'],
  ['--scenario-json', 'SCENARIO_JSON'],
  ['--data-file', 'DATA_FILE'],
  ['--clock', 'CLOCK'],
  ['--log-level', 'LOG_LEVEL'],
  ['--log-format', 'LOG_FORMAT'],
  ['--admin-token', 'ADMIN_TOKEN'],
  ['--help'],
  ['--version'],
]
const INLINE = { fintoc: { organizations: [{ api_key: 'sk_test_cli_inline_org', holder_name: 'Inline Org', balance: 4200 }] } }

describe('fintoc-monato-mock flags', () => {
  it('--help and -h print the usage, with every flag and its env var, and exit 0 without starting', async () => {
    for (const flag of ['--help', '-h']) {
      const p = spawnMain({ PORT: 'not a port' }, [flag])
      expect(await p.exited).toBe(0)
      expect(p.stdout()).toMatch(/^Usage: fintoc-monato-mock \[options\]\n/)
      for (const [flag, env] of DOCUMENTED) expect(p.stdout()).toMatch(new RegExp(`^ +(-\\w, )?${flag} .*${env ? `\\[${env}\\]` : ''}$`, 'm'))
      expect(p.stdout()).toContain('-p, --port')
      expect(p.stdout()).toContain('-h, --help')
      expect(p.stderr()).toBe('')
    }
  })

  it('--version prints the package version alone and exits 0', async () => {
    const p = spawnMain({}, ['--version'])
    expect(await p.exited).toBe(0)
    expect(p.stdout()).toBe(`${VERSION}\n`)
  })

  it('-p, --host, repeated --scenario, --scenario-json, --clock and --admin-token, each winning over its env var', async () => {
    const port = await freePort()
    const server = await startMain(
      { PORT: '1', HOST: 'localhost', SCENARIO: 'data/scenarios/monato-two-accounts.json', SCENARIO_JSON: '{"not":"used"}', CLOCK: 'real', ADMIN_TOKEN: ENV_ADMIN_TOKEN, FINTOC_JWS: 'off' },
      [],
      ['-p', String(port), '--host', '127.0.0.1', '--scenario', 'data/scenarios/default.json', '--scenario', 'data/scenarios/fintoc-funded.json', '--scenario-json', JSON.stringify(INLINE), '--clock', 'manual', '--admin-token', ADMIN_TOKEN],
    )
    try {
      expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`)
      const admin = (token: string) => fetch(`${server.baseUrl}/__admin/clock`, { headers: { authorization: `Bearer ${token}` } })
      expect((await admin(ENV_ADMIN_TOKEN)).status).toBe(401)
      const clock = await admin(ADMIN_TOKEN)
      expect(clock.status).toBe(200)
      expect(((await clock.json()) as { mode: string }).mode).toBe('manual')
      // both --scenario files and the inline one are loaded; SCENARIO's file is not
      const balance = async (key: string) => {
        const accounts = (await (await fetch(`${server.baseUrl}/fintoc/v2/accounts`, { headers: { authorization: key } })).json()) as Array<{ is_root: boolean; available_balance: number }>
        return accounts.find((a) => a.is_root)!.available_balance
      }
      expect(await balance('sk_test_funded')).toBe(10_000_000)
      expect(await balance('sk_test_cli_inline_org')).toBe(4200)
      const sources = (listeningLine(server.stdout()).scenarios as Array<{ source: string }>).map((s) => s.source)
      expect(sources).toEqual(['data/scenarios/default.json', 'data/scenarios/fintoc-funded.json', '--scenario-json'])
      expect(server.stdout()).not.toContain(ADMIN_TOKEN)
    } finally {
      server.child.kill('SIGKILL')
    }
  })

  it('--port and --log-level warn: the server answers, and no info line (the banner included) is written', async () => {
    const port = await freePort()
    const p = spawnMain({ LOG_LEVEL: 'info' }, ['--port', String(port), '--log-level', 'warn', '--log-format', 'pretty'])
    try {
      const deadline = Date.now() + 15_000
      while (!(await accepting(port)) && p.child.exitCode === null && Date.now() < deadline) await sleep(100)
      expect(await accepting(port)).toBe(true)
      await fetch(`http://127.0.0.1:${port}/health`)
      await sleep(200)
      expect(p.stdout()).toBe('')
    } finally {
      p.child.kill('SIGKILL')
    }
  })

  it('--data-file keeps the state and holds <file>.lock while it runs; SIGINT stops it cleanly and frees both', async () => {
    const file = path.join(await tempDir(), 'state.json')
    const server = await startMain({ DATA_FILE: path.join(path.dirname(file), 'env-state.json'), FINTOC_JWS: 'off' }, [], ['--data-file', file])
    const port = Number(new URL(server.baseUrl).port)
    try {
      expect(existsSync(`${file}.lock`)).toBe(true)
      expect(JSON.parse(readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: server.child.pid })
      await fetch(`${server.baseUrl}/fintoc/v2/accounts`, { headers: { authorization: 'sk_test_cli_data_file' } })
    } finally {
      expect(await stop(server, 'SIGINT')).toBe(0)
    }
    expect(server.stdout()).toMatch(/"signal":"SIGINT".*\n.*"msg":"stopped"/)
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).state.fintoc.orgs)).toHaveLength(1)
    expect(existsSync(`${file}.lock`)).toBe(false)
    expect(existsSync(path.join(path.dirname(file), 'env-state.json'))).toBe(false)
    expect(await accepting(port)).toBe(false)
  })

  it('--log-format json wins over LOG_FORMAT=pretty; LOG_FORMAT=pretty alone gives the text banner', async () => {
    const json = await startMain({ LOG_FORMAT: 'pretty' }, [], ['--log-format', 'json'])
    const pretty = await startMain({ LOG_FORMAT: 'pretty' })
    try {
      for (const line of json.stdout().trim().split('\n')) expect(() => JSON.parse(line), line).not.toThrow()
      expect(pretty.stdout()).toMatch(/^fintoc-monato-mock \S+ listening on http:\/\/127\.0\.0\.1:\d+$/m)
      expect(pretty.stdout()).not.toContain('{"level"')
    } finally {
      json.child.kill('SIGKILL')
      pretty.child.kill('SIGKILL')
    }
  }, 60_000)
})
