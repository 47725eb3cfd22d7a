import { appendFileSync } from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'

// Worker side of the run-wide spec check: every 2xx JSON body a test's sandbox answers on a provider path, and
// every webhook it sends, goes as one JSON line into a file under the folder test/global-spec-check.ts checks.

/** set by the globalSetup; forked workers inherit it */
export const SPEC_RECORD_ENV = 'FMM_SPEC_RECORD_DIR'

export type SpecRecord =
  | { kind: 'response'; provider: string; method: string; path: string; status: number; body: string }
  /** provider and eventType as the sandbox's delivery log has them; 'unknown' when the log has no such delivery */
  | { kind: 'delivery'; provider: string; eventType: string; url: string; body: string }

export interface SpecRecorder {
  file: string
  write: (record: SpecRecord) => void
}

let opened = 0

/** a recorder for one sandbox, or undefined when no spec check is collecting (e.g. another config) */
export function openSpecRecord(): SpecRecorder | undefined {
  const dir = process.env[SPEC_RECORD_ENV]
  if (!dir) return undefined
  // the test file in the name tells a finding's reader where the body came from
  const origin = path.basename(expect.getState().testPath ?? 'unknown').replace(/\.test\.ts$/, '')
  const file = path.join(dir, `${origin}.${process.pid}.${++opened}.jsonl`)
  // synchronous and per record: a worker that dies keeps what it recorded, and 2xx answers are few next to the fuzz errors
  return { file, write: (record) => appendFileSync(file, `${JSON.stringify(record)}\n`) }
}
