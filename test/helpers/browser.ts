import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { fromRoot } from '../../src/paths.js'

// Debian's chromium driven by playwright-core (no browser can be downloaded here), for the browser tests. Without
// it a test fails with one line saying how to get it; it is never skipped.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// the flags this machine needs: no sandbox as root, and no background connections the closed network refuses
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
/** screenshots kept as CI artifacts (gitignored; uploaded by the GitHub workflow) */
export const ARTIFACTS = fromRoot('.tmp/artifacts')

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

/** a fresh profile in a temporary folder, removed on close */
export async function launchBrowser(name: string, viewport: { width: number; height: number }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`)
  const profile = mkdtempSync(join(tmpdir(), `${name}-chromium-`))
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport })
    return {
      context,
      close: async () => {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  } catch (err) {
    rmSync(profile, { recursive: true, force: true })
    throw err
  }
}
