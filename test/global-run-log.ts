import { appendFileSync } from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'

// Worker side of the run-wide log: every sandbox or server process a test starts copies its log output
// into a file of its own under the folder that test/global-log-scan.ts creates and scans at the end.

/** set by the globalSetup; forked workers inherit it */
export const RUN_LOG_ENV = 'FMM_RUN_LOG_DIR'

let opened = 0

export type RunLogWriter = (data: string | Uint8Array) => void

/** a writer for one log source, or undefined when no run-wide log is being collected (e.g. another config) */
export function openRunLog(kind: string): RunLogWriter | undefined {
  const dir = process.env[RUN_LOG_ENV]
  if (!dir) return undefined
  // the test file in the name tells a leak's reader where to look
  const origin = path.basename(expect.getState().testPath ?? 'unknown').replace(/\.test\.ts$/, '')
  // one file per source and process: writes never interleave across processes
  const file = path.join(dir, `${origin}.${process.pid}.${++opened}.${kind}.log`)
  // created now so a source that logged nothing still counts
  appendFileSync(file, '')
  return (data) => appendFileSync(file, data)
}
