// The command line's options and their environment variables: one table for parsing, messages and --help.

export interface FlagSpec {
  /** long name, without the dashes */
  name: string
  short?: string
  /** the environment variable of the same meaning (a flag wins over it) */
  env?: string
  type: 'string' | 'boolean'
  /** may be given several times */
  multiple?: boolean
  /** how --help shows the value */
  value?: string
  help: string
}

export const FLAGS = [
  { name: 'port', short: 'p', env: 'PORT', type: 'string', value: '<n>', help: 'port to listen on; 0 picks a free one (default 4010)' },
  { name: 'host', env: 'HOST', type: 'string', value: '<address>', help: 'interface to listen on (default 127.0.0.1)' },
  {
    name: 'scenario',
    env: 'SCENARIO',
    type: 'string',
    multiple: true,
    value: '<file>',
    help: 'scenario file, applied in order; repeat it or separate files with commas (default data/scenarios/default.json)',
  },
  { name: 'scenario-json', env: 'SCENARIO_JSON', type: 'string', value: '<json>', help: 'a whole scenario as inline JSON, applied after the files' },
  { name: 'data-file', env: 'DATA_FILE', type: 'string', value: '<file>', help: 'keep the state in this file (and <file>.log); restarting on it restores the state' },
  { name: 'clock', env: 'CLOCK', type: 'string', value: 'real|manual', help: 'manual: time moves only through /__admin/clock (default real)' },
  { name: 'log-level', env: 'LOG_LEVEL', type: 'string', value: '<level>', help: 'fatal, error, warn, info, debug, trace or silent (default info)' },
  { name: 'log-format', env: 'LOG_FORMAT', type: 'string', value: 'json|pretty', help: 'pretty on a terminal, JSON lines otherwise' },
  { name: 'admin-token', env: 'ADMIN_TOKEN', type: 'string', value: '<token>', help: 'require Authorization: Bearer <token> on /__admin (the env var keeps it out of ps)' },
  { name: 'help', short: 'h', type: 'boolean', help: 'show this help and exit' },
  { name: 'version', type: 'boolean', help: 'print the version and exit' },
] as const satisfies readonly FlagSpec[]

export type FlagName = (typeof FLAGS)[number]['name']
