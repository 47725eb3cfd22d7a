import { FLAGS } from '../config-flags.js'

// --help, and what follows a command-line or configuration error.

const option = (f: (typeof FLAGS)[number]) => `${'short' in f ? `-${f.short}, ` : '    '}--${f.name}${'value' in f ? ` ${f.value}` : ''}`

export function usage(): string {
  const width = Math.max(...FLAGS.map((f) => option(f).length))
  const rows = FLAGS.map((f) => `  ${option(f).padEnd(width)}  ${f.help}${'env' in f ? ` [${f.env}]` : ''}`)
  return [
    'Usage: fintoc-monato-mock [options]',
    '',
    'A local, stateful sandbox of the Fintoc and Monato APIs.',
    '',
    'Options (each also read from the env var in brackets; a flag wins over its env var, an env var over a scenario\'s "settings"):',
    ...rows,
    '',
    'Other settings are env vars only (FINTOC_JWS, FINTOC_JWS_PUBLIC_KEY, WEBHOOK_*, …): see docs/configuration.md.',
    'SIGTERM or SIGINT stops it cleanly: in-flight requests finish and DATA_FILE is flushed.',
  ].join('\n')
}
