#!/usr/bin/env node
import { die } from './cli/exit.js'
import { usage } from './cli/usage.js'
import { VERSION } from './cli/version.js'
import { configFrom, parseCommandLine } from './config.js'

// The command `fintoc-monato-mock [options]`: the package's bin, and what `npm start` and the image run.

async function main() {
  const commandLine = parseCommandLine(process.argv.slice(2))
  if (commandLine.help) return void process.stdout.write(`${usage()}\n`)
  if (commandLine.version) return void process.stdout.write(`${VERSION}\n`)
  const config = configFrom(process.env, commandLine)
  // the server's modules load only now: --help and --version answer at once
  const { run } = await import('./cli/run.js')
  await run(config)
}

main().catch(die)
