import { Writable } from 'node:stream'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { createLogger, maskHeaders, maskSecret } from '../src/core/logger.js'
import { makeKeyPair } from './helpers/jws.js'
import { MONATO } from './helpers/sandbox.js'
import { collectLiteralSecrets, scanText } from './helpers/secret-scan.js'

// The run-wide log scan (test/global-log-scan.ts) is only as good as this detector: each kind of secret is
// caught in a leaked line, and what the sandbox's masking leaves behind is not.

const logLine = (fields: Record<string, unknown>) => JSON.stringify({ level: 30, time: '2026-01-15T12:00:00.000Z', service: 'fintoc-monato-mock', ...fields, msg: 'request' })

const jwt = await new SignJWT({ client_id: MONATO.clientId }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('24h').sign(new TextEncoder().encode('k'.repeat(32)))
const webhookSecret = `whsec_${'Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF'}`
const { privatePem, publicPem } = makeKeyPair()

const leaks: Array<[string, string, string, string[]?]> = [
  ['a Fintoc test key', 'Fintoc secret key', 'sk_test_journal_secret_key_123456'],
  ['a Fintoc live key', 'Fintoc secret key', 'sk_live_should_not_be_logged_987654'],
  ['a Monato token (JWT)', 'JWT', jwt],
  ['a Fintoc webhook endpoint secret', 'Fintoc webhook secret', webhookSecret],
  ['a JWS private key', 'private key', privatePem],
  ['the Monato client secret', 'literal test secret', MONATO.clientSecret, [MONATO.clientSecret]],
  ['the Monato api key', 'literal test secret', MONATO.apiKey, [MONATO.apiKey]],
]

describe('scanText', () => {
  it.each(leaks)('catches %s in a leaked line, names the line and masks it in the excerpt', (_name, kind, secret, literals = []) => {
    const text = [logLine({ path: '/v2/accounts' }), logLine({ err: { message: `bad input: ${secret}` } }), ''].join('\n')
    const findings = scanText(text, literals)
    expect(findings).toHaveLength(1)
    expect(findings[0]!.line).toBe(2)
    expect(findings[0]!.kinds).toContain(kind)
    expect(findings[0]!.excerpt).toContain('bad input: [')
    // no run of 12 characters of the secret survives in what gets printed
    const body = secret.replace(/-----(BEGIN|END) PRIVATE KEY-----|\\n|\n/g, '')
    for (let i = 0; i + 12 <= body.length; i += 6) expect(findings[0]!.excerpt).not.toContain(body.slice(i, i + 12))
  })

  it('catches a secret in a secret-named field or a Bearer header, whatever its format', () => {
    const text = [
      logLine({ body: { token: 'receiver-token-123' } }),
      logLine({ headers: { authorization: 'Bearer cep-token-0123' } }),
      logLine({ headers: { 'x-api-key': 'some_unknown_api_key' } }),
    ].join('\n')
    expect(scanText(text).map((f) => [f.line, f.kinds])).toEqual([
      [1, ['unmasked secret field']],
      [2, ['bearer credential', 'unmasked secret field']],
      [3, ['unmasked secret field']],
    ])
  })

  it('reports every leaking line, however many secrets share it', () => {
    const text = `${jwt} and sk_test_abcdefgh\nclean\n${webhookSecret}`
    expect(scanText(text).map((f) => [f.line, f.kinds])).toEqual([
      [1, ['Fintoc secret key', 'JWT']],
      [3, ['Fintoc webhook secret']],
    ])
  })

  it('does not flag the masked forms the sandbox logs', () => {
    const masked = [
      maskSecret('sk_test_journal_secret_key_123456'),
      maskSecret('sk_live_should_not_be_logged_987654'),
      maskSecret(`Bearer ${jwt}`),
      maskSecret(webhookSecret),
      maskSecret(MONATO.clientSecret),
      maskSecret('short'),
    ]
    expect(masked).toEqual(['sk_test_****3456', 'sk_live_****7654', expect.stringMatching(/^Bearer \*{4}.{4}$/), '****C0eF', '****0oWu', '****'])
    const text = [
      ...masked.map((m) => logLine({ hint: m })),
      logLine({ headers: maskHeaders({ authorization: 'sk_test_journal_secret_key_123456', 'x-api-key': MONATO.apiKey, 'content-type': 'application/json' }) }),
      logLine({ headers: maskHeaders({ authorization: `Bearer ${jwt}` }) }),
      logLine({ body: { client_secret: maskSecret(MONATO.clientSecret), token: maskSecret(jwt), secret: null } }),
      logLine({ public_key: publicPem }),
    ].join('\n')
    expect(scanText(text, [MONATO.apiKey, MONATO.clientSecret])).toEqual([])
  })

  it("does not flag the logger's redaction of secret-bearing fields", () => {
    let out = ''
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString()
        done()
      },
    })
    const logger = createLogger('trace', sink)
    logger.info({ headers: { authorization: `Bearer ${jwt}`, 'x-api-key': MONATO.apiKey }, body: { client_secret: MONATO.clientSecret, token: jwt, secret: webhookSecret } }, 'request')
    expect(out).toContain('[redacted]')
    expect(scanText(out, [MONATO.apiKey, MONATO.clientSecret])).toEqual([])
  })

  it("does not flag the sandbox's own messages about key formats", () => {
    const messages = [
      'No API key provided. Send your secret key in the Authorization header (Authorization: sk_test_...).',
      'This is a local sandbox: live keys (sk_live_...) are never accepted. Use any sk_test_ key.',
      'Missing Authorization header: send Authorization: Bearer <token>.',
      'The control API needs Authorization: Bearer <ADMIN_TOKEN>',
    ]
    expect(scanText(messages.map((m) => logLine({ err: { message: m } })).join('\n'))).toEqual([])
  })
})

describe('collectLiteralSecrets', () => {
  it('collects the literal secrets a test or scenario hands the sandbox, not templates, masks or short values', () => {
    const source = [
      "export const MONATO = { apiKey: 'monato_sandbox_api_key_c2d1d1e3', clientSecret: 'sandbox_client_secret_Ui9gx7AXq4' }",
      "await post(url, { token: 'receiver-token-123', url: hook.url })",
      "box = await makeSandbox({ env: { ADMIN_TOKEN: 'let-me-in', MONATO_WEBHOOK_TOKEN: 'env-token-1' } })",
      ".set('x-api-key', 'other_client_api_key').set('Authorization', 'Bearer literal-bearer-token')",
      '{ "api_key": "monato_two_accounts_api_key", "client_secret": "two_accounts_client_secret_0123" }',
      `{ token: 't', secret: \`whsec_\${id}\`, client_secret: expect.stringMatching(/^x/), api_key: '****abcd' }`,
    ].join('\n')
    expect(collectLiteralSecrets(source)).toEqual([
      'env-token-1',
      'let-me-in',
      'literal-bearer-token',
      'monato_sandbox_api_key_c2d1d1e3',
      'monato_two_accounts_api_key',
      'other_client_api_key',
      'receiver-token-123',
      'sandbox_client_secret_Ui9gx7AXq4',
      'two_accounts_client_secret_0123',
    ])
  })
})
