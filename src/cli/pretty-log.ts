// --log-format pretty: pino's JSON lines rewritten for a person at a terminal, with no extra dependency.
// Secrets are already masked or redacted by the logger before a line reaches here.

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }

const show = (v: unknown): string => {
  if (typeof v !== 'string') return JSON.stringify(v)
  return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v
}

/** `12:00:00.000 INFO  message  key=value …`; a line that is not a JSON object passes unchanged */
export function prettyLine(line: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line)
  } catch {
    return line
  }
  if (record === null || typeof record !== 'object') return line
  const { level, time, msg, service: _service, ...rest } = record
  const clock = typeof time === 'string' ? time.slice(11, 23) : ''
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${show(v)}`)
  return `${clock} ${(LEVELS[level as number] ?? String(level)).padEnd(5)} ${msg ?? ''}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`
}

/** a pino destination that writes each line, made pretty, to `out` */
export const prettyDestination = (out: { write(line: string): void }) => ({ write: (line: string) => out.write(prettyLine(line)) })
