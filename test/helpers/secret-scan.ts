import { maskSecret } from '../../src/core/logger.js'

// Finds credentials written in full in log text. Pure: the run-wide teardown and its unit test feed it strings.

export interface SecretFinding {
  /** 1-based line number in the scanned text */
  line: number
  kinds: string[]
  /** the line around the first finding, every finding masked */
  excerpt: string
}

interface Detector {
  kind: string
  /** global; the secret is capture group 1 when there is one, else the whole match */
  pattern: RegExp
}

// what maskSecret and pino's redact leave behind: an optional short prefix, then ****, or the censor
const MASKED = String.raw`(?:(?:sk|pk)_(?:test|live)_|Bearer )?\*{4}|\[redacted\]`
const SECRET_FIELDS = `authorization|x-api-key|api_?key|client_?secret|admin_?token|token|secret|password|private_?key`

const DETECTORS: Detector[] = [
  { kind: 'Fintoc secret key', pattern: /\bsk_(?:test|live)_(?!\*{4})[A-Za-z0-9_-]+/g },
  { kind: 'Fintoc webhook secret', pattern: /\bwhsec_(?!\*{4})[A-Za-z0-9_-]+/g },
  { kind: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g },
  // the whole block when it sits on one (JSON-escaped) line, else its first line
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$)/g },
  { kind: 'bearer credential', pattern: /\bBearer\s+(?!\*{4})([A-Za-z0-9._~+/=-]{8,})/g },
  { kind: 'unmasked secret field', pattern: new RegExp(String.raw`"(?:${SECRET_FIELDS})"\s*:\s*"(?!${MASKED})([^"]{4,})"`, 'gi') },
]

/** shorter literals are too likely to occur by chance (e.g. 't', 'rotated') */
export const MIN_LITERAL_LENGTH = 8

interface Span {
  kind: string
  start: number
  end: number
}

function findSpans(line: string, literals: readonly string[]): Span[] {
  const spans: Span[] = []
  for (const { kind, pattern } of DETECTORS) {
    for (const m of line.matchAll(pattern)) {
      const secret = m[1] ?? m[0]
      const start = m.index + m[0].lastIndexOf(secret)
      spans.push({ kind, start, end: start + secret.length })
    }
  }
  for (const literal of literals) {
    if (literal.length < MIN_LITERAL_LENGTH) continue
    for (let at = line.indexOf(literal); at !== -1; at = line.indexOf(literal, at + 1)) {
      spans.push({ kind: 'literal test secret', start: at, end: at + literal.length })
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end)
}

function maskSpan(kind: string, text: string): string {
  return kind === 'private key' ? '[private key]' : `[${maskSecret(text) || '****'}]`
}

const EXCERPT_RADIUS = 60

function excerpt(line: string, spans: Span[]): string {
  let masked = ''
  let cursor = 0
  let firstAt = -1
  for (const s of spans) {
    if (s.start < cursor) {
      // overlapping findings: extend the masked region
      if (s.end > cursor) cursor = s.end
      continue
    }
    masked += line.slice(cursor, s.start)
    if (firstAt === -1) firstAt = masked.length
    masked += maskSpan(s.kind, line.slice(s.start, s.end))
    cursor = s.end
  }
  masked += line.slice(cursor)
  const from = Math.max(0, firstAt - EXCERPT_RADIUS)
  const to = Math.min(masked.length, firstAt + EXCERPT_RADIUS * 2)
  return `${from > 0 ? '…' : ''}${masked.slice(from, to)}${to < masked.length ? '…' : ''}`
}

/** every line of text that holds a secret in full; literals are known secrets (e.g. from the tests' sources) */
export function scanText(text: string, literals: readonly string[] = []): SecretFinding[] {
  const findings: SecretFinding[] = []
  text.split('\n').forEach((line, i) => {
    const spans = findSpans(line, literals)
    if (spans.length === 0) return
    findings.push({ line: i + 1, kinds: [...new Set(spans.map((s) => s.kind))].sort(), excerpt: excerpt(line, spans) })
  })
  return findings
}

const LITERAL_SOURCES = [
  // api_key: 'x', "client_secret": "x", apiKey: 'x', ADMIN_TOKEN: 'x', token = 'x'
  /(?:api_?key|client_?secret|secret|token)["']?\s*[:=]\s*(["'`])([^"'`\s]+)\1/gi,
  // .set('x-api-key', 'x'), { authorization: 'Bearer x' }
  /["']?(?:x-api-key|authorization)["']?\s*[,:]\s*(["'`])(?:Bearer\s+)?([^"'`\s]+)\1/gi,
]

/** the literal secret strings a source file (test code or scenario JSON) hands to the sandbox */
export function collectLiteralSecrets(source: string): string[] {
  const found = new Set<string>()
  for (const pattern of LITERAL_SOURCES) {
    for (const m of source.matchAll(pattern)) {
      const value = m[2]!
      // templates and masks are not literal secrets
      if (value.length >= MIN_LITERAL_LENGTH && !value.includes('${') && !value.includes('****')) found.add(value)
    }
  }
  return [...found].sort()
}
