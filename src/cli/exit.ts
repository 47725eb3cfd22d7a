import { ConfigError } from '../config.js'
import { ScenarioError } from '../scenario/load.js'
import { usage } from './usage.js'

// How the command ends on bad input: one line on stderr naming what to fix, never a stack trace (a scenario's
// problems: one line each). Exit 2 when the command line is at fault, the usage following; else 1.

const EXIT_USAGE = 2
const EXIT_FAILURE = 1

/** every setting reader words its problems `invalid configuration: NAME: …`, whichever module reads it */
const isConfigProblem = (err: Error) => err instanceof ConfigError || err.message.startsWith('invalid configuration: ')

export function describeFailure(err: unknown): { code: number; message: string; usage: boolean } {
  if (!(err instanceof Error)) return { code: EXIT_FAILURE, message: `cannot start: ${String(err)}`, usage: false }
  if (err instanceof ConfigError && err.commandLine) return { code: EXIT_USAGE, message: err.message, usage: true }
  if (isConfigProblem(err) || err instanceof ScenarioError) return { code: EXIT_FAILURE, message: err.message, usage: false }
  return { code: EXIT_FAILURE, message: `cannot start: ${err.message}`, usage: false }
}

export function die(err: unknown): never {
  const { code, message, usage: withUsage } = describeFailure(err)
  process.stderr.write(`fintoc-monato-mock: ${message}\n${withUsage ? `\n${usage()}\n` : ''}`)
  process.exit(code)
}
