import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_SCENARIO, loadConfig } from '../src/config.js'

describe('config', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({ port: 4010, host: '127.0.0.1', scenarios: [DEFAULT_SCENARIO], dataFile: undefined, clock: 'real', logLevel: 'info', given: {} })
  })

  it('reads env vars and lets CLI flags win', () => {
    const env = { PORT: '5000', HOST: '0.0.0.0', SCENARIO: 'a.json, b.json', DATA_FILE: '/tmp/x.json', CLOCK: 'manual', LOG_LEVEL: 'warn' }
    expect(loadConfig(env)).toEqual({
      port: 5000,
      host: '0.0.0.0',
      scenarios: ['a.json', 'b.json'],
      dataFile: '/tmp/x.json',
      clock: 'manual',
      logLevel: 'warn',
      given: { port: 'PORT', host: 'HOST', scenario: 'SCENARIO', 'data-file': 'DATA_FILE', clock: 'CLOCK', 'log-level': 'LOG_LEVEL' },
    })
    expect(loadConfig(env, ['--port', '6000', '--log-level', 'error', '--scenario', 'c.json']).port).toBe(6000)
    expect(loadConfig(env, ['--log-level', 'error']).logLevel).toBe('error')
    expect(loadConfig(env, ['--scenario', 'c.json']).scenarios).toEqual(['c.json'])
  })

  it('treats empty env vars as unset', () => {
    expect(loadConfig({ PORT: '', DATA_FILE: '' })).toMatchObject({ port: 4010, dataFile: undefined })
  })

  it.each([
    [{ PORT: 'abc' }, /PORT: must be between 1 and 65535/],
    [{ PORT: '70000' }, /PORT: must be between 1 and 65535/],
    [{ PORT: '1.5' }, /PORT: must be between 1 and 65535/],
    [{ CLOCK: 'slow' }, /CLOCK/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('rejects unknown flags', () => {
    expect(() => loadConfig({}, ['--prot', '1'])).toThrow('invalid configuration: --prot: unknown option')
  })
})
