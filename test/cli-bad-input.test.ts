import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { exitWithin, lines, stop, tempDir } from './helpers/cli.js'
import { spawnMain, startMain } from './helpers/process.js'

// Issue #15, "Bad input": each mistake is one clear line and a non-zero exit, and nothing is written (no DATA_FILE,
// no lock, no folder). A mistake on the command line is followed by the usage and exits 2.

const PROGRAM = 'fintoc-monato-mock: '

/** runs the command with DATA_FILE in a fresh folder; answers its exit code, stderr lines and what the folder holds */
async function refused(env: Record<string, string>, args: string[] = [], cwd?: string) {
  const dir = await tempDir()
  const p = spawnMain({ DATA_FILE: path.join(dir, 'sub', 'state.json'), ...env }, args, [], cwd)
  const code = await exitWithin(p)
  expect(p.stderr()).not.toMatch(/\n\s+at /)
  return { code, stderr: lines(p.stderr()), stdout: p.stdout(), written: await readdir(dir) }
}

describe('bad input', () => {
  it('an unknown flag or a bad flag value: what is wrong on the first line, then the usage; exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['--prot', '4010'], 'invalid configuration: --prot: unknown option'],
      [['--port', '70000'], 'invalid configuration: --port: must be between 1 and 65535 (0 picks a free port)'],
      [['-p', 'abc'], 'invalid configuration: --port: must be between 1 and 65535 (0 picks a free port)'],
      [['--port'], 'invalid configuration: --port: needs a value'],
      [['--clock', 'slow', '--log-format', 'xml'], 'invalid configuration: --clock: must be real or manual; --log-format: must be json or pretty'],
      [['--version=2'], 'invalid configuration: --version: takes no value'],
      [['serve'], 'invalid configuration: serve: unexpected argument (every option starts with --)'],
    ]
    const results = await Promise.all(cases.map(([args]) => refused({}, args)))
    results.forEach((r, i) => {
      expect(r.code).toBe(2)
      expect(r.stderr[0]).toBe(`${PROGRAM}${cases[i]![1]}`)
      expect(r.stderr[1]).toBe('')
      expect(r.stderr[2]).toBe('Usage: fintoc-monato-mock [options]')
      expect(r.stdout).toBe('')
      expect(r.written).toEqual([])
    })
  }, 60_000)

  it('a bad env var value: one line in the same format, exit 1; PORT=70000 is out of range, not "not a number"', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: '70000' }, 'invalid configuration: PORT: must be between 1 and 65535 (0 picks a free port)'],
      [{ LOG_FORMAT: 'xml', CLOCK: 'slow' }, 'invalid configuration: CLOCK: must be real or manual; LOG_FORMAT: must be json or pretty'],
      // read by a provider, yet checked before the data file is opened
      [{ FINTOC_SETTLE_DELAY_MS: 'soon' }, 'invalid configuration: FINTOC_SETTLE_DELAY_MS: '],
      [{ SCENARIO_JSON: '{"settings":{"FINTOC_JWS":"enforce"}}', FINTOC_JWS: 'maybe' }, 'invalid configuration: FINTOC_JWS: '],
    ]
    const results = await Promise.all(cases.map(([env]) => refused(env)))
    results.forEach((r, i) => {
      expect(r.code).toBe(1)
      expect(r.stderr).toHaveLength(1)
      expect(r.stderr[0]!.startsWith(`${PROGRAM}${cases[i]![1]}`), r.stderr[0]).toBe(true)
      expect(r.written).toEqual([])
    })
  }, 60_000)

  it('a scenario file that cannot be read is named as written and as resolved against the working directory', async () => {
    const cwd = await tempDir()
    await mkdir(path.join(cwd, 'folder.json'))
    const [missingFlag, missingEnv, folder] = await Promise.all([
      refused({}, ['--scenario', 'scenarios/missing.json'], cwd),
      refused({ SCENARIO: 'data/scenarios/default.json,missing.json' }, [], cwd),
      refused({}, ['--scenario', 'folder.json'], cwd),
    ])
    expect(missingFlag.stderr).toEqual([`${PROGRAM}cannot start: --scenario scenarios/missing.json: cannot read ${path.join(cwd, 'scenarios/missing.json')} (no such file)`])
    expect(missingEnv.stderr).toEqual([`${PROGRAM}cannot start: SCENARIO missing.json: cannot read ${path.join(cwd, 'missing.json')} (no such file)`])
    expect(folder.stderr).toEqual([`${PROGRAM}cannot start: --scenario folder.json: cannot read ${path.join(cwd, 'folder.json')} (a folder, not a file)`])
    for (const r of [missingFlag, missingEnv, folder]) {
      expect(r.code).toBe(1)
      expect(r.written).toEqual([])
    }
  }, 60_000)

  it('SCENARIO_JSON that is not JSON is one line; one that fails the schema names the JSON path', async () => {
    const [notJson, invalid] = await Promise.all([
      refused({ SCENARIO_JSON: '{"fintoc": ' }),
      refused({}, ['--scenario-json', JSON.stringify({ fintoc: { organizations: [{ api_key: 'live_key_not_test' }] } })]),
    ])
    expect(notJson.code).toBe(1)
    expect(notJson.stderr).toHaveLength(1)
    expect(notJson.stderr[0]).toMatch(/^fintoc-monato-mock: cannot start: SCENARIO_JSON: not valid JSON \(/)
    expect(invalid.code).toBe(1)
    expect(invalid.stderr).toEqual(['fintoc-monato-mock: scenario --scenario-json is invalid:', '  $.fintoc.organizations[0].api_key: must be a test secret key (sk_test_...)'])
    expect([...notJson.written, ...invalid.written]).toEqual([])
  })

  it('a second instance on a used port: "port N is in use; pass --port or PORT", and its DATA_FILE is not created', async () => {
    const first = await startMain()
    try {
      const port = new URL(first.baseUrl).port
      const second = await refused({ PORT: port })
      expect(second.code).toBe(1)
      expect(second.stderr).toEqual([`${PROGRAM}cannot start: port ${port} is in use; pass --port or PORT (0 picks a free port)`])
      expect(second.written).toEqual([])
    } finally {
      first.child.kill('SIGKILL')
    }
  })

  it('a DATA_FILE another running instance holds: one line naming its pid, and the holder files are untouched', async () => {
    const file = path.join(await tempDir(), 'state.json')
    const holder = await startMain({ DATA_FILE: file })
    try {
      // the lock's own time moves: its holder touches it every few seconds
      const files = [file, `${file}.log`, `${file}.lock`]
      const look = () => Promise.all(files.map(async (f) => [await readFile(f, 'utf8'), f.endsWith('.lock') ? 0 : (await stat(f)).mtimeMs]))
      const before = await look()
      const second = spawnMain({ DATA_FILE: file })
      expect(await exitWithin(second)).toBe(1)
      expect(lines(second.stderr())).toEqual([
        `${PROGRAM}cannot start: DATA_FILE ${file} is in use by another running sandbox (pid ${holder.child.pid}, since ${JSON.parse(before[2]![0] as string).startedAt}; lock ${file}.lock); stop it, or point DATA_FILE at another file`,
      ])
      expect(await look()).toEqual(before)
      expect((await readdir(path.dirname(file))).sort()).toEqual(['state.json', 'state.json.lock', 'state.json.log'])
      expect((await fetch(`${holder.baseUrl}/health`)).status).toBe(200)
    } finally {
      await stop(holder)
    }
  })

  it('a lock left by a process that is gone is taken over', async () => {
    const file = path.join(await tempDir(), 'state.json')
    const gone = spawnMain({}, ['--version'])
    await gone.exited
    await writeFile(`${file}.lock`, JSON.stringify({ pid: gone.child.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }))
    const server = await startMain({ DATA_FILE: file })
    try {
      expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid).toBe(server.child.pid)
    } finally {
      expect(await stop(server)).toBe(0)
    }
  })
})
