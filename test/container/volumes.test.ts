import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { accounts } from './fintoc-calls.js'
import { removeContainers, runToExit } from './podman.js'
import { startContainer } from './sandbox-container.js'

// Issue #16: mounted host folders as CI users mount them. A folder the sandbox cannot use stops it with one line
// that names the fix (docs/ci.md, "Volumes"), never a stack trace; the ways out of it work.

afterAll(async () => {
  await removeContainers()
})

/** a host folder like the ones `docker run -v` gets: owned by uid, with mode */
function hostFolder(mode: number, uid = 0): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'fmm-volume-')), 'data')
  mkdirSync(dir)
  // mkdir's mode goes through the umask
  chmodSync(dir, mode)
  chownSync(dir, uid, uid)
  return dir
}

const lines = (output: string) => output.split('\n').filter((l) => l.trim() !== '')

describe('mounted folders', () => {
  it('--user with the folder owner\'s ids: DATA_FILE in a folder uid 1000 could not write', async () => {
    // a CI runner's user is not uid 1000 (GitHub's is 1001)
    const dir = hostFolder(0o755, 1234)
    const sandbox = await startContainer(['--user', '1234:1234', '-v', `${dir}:/app/data`, '-e', 'DATA_FILE=data/state.json'])
    expect((await accounts(sandbox.base, 'sk_test_user_flag')).length).toBe(1)
  })

  it('a second sandbox on the same DATA_FILE is refused in one line while the first runs', async () => {
    const dir = hostFolder(0o777)
    // each its own host name, as Docker gives containers on its default network (host network shares the host's)
    await startContainer(['--hostname', 'first', '-v', `${dir}:/state`, '-e', 'DATA_FILE=/state/db.json'])
    const second = await runToExit(['--hostname', 'second', '-v', `${dir}:/state`, '-e', 'DATA_FILE=/state/db.json', '-e', 'PORT=0'])
    expect(second.code).toBe(1)
    expect(lines(second.output)).toHaveLength(1)
    expect(second.output).toMatch(/\/state\/db\.json/)
  })

  it('an unreadable mounted folder: a scenario file there is one line naming it; the shipped default still boots', async () => {
    const dir = hostFolder(0o700)
    writeFileSync(path.join(dir, 'mine.json'), '{}')
    const refused = await runToExit(['-v', `${dir}:/app/data`, '-e', 'SCENARIO=data/scenarios/default.json,data/mine.json', '-e', 'PORT=0'])
    expect(refused.code).toBe(1)
    expect(lines(refused.output)).toEqual(['fintoc-monato-mock: cannot start: SCENARIO data/mine.json: cannot read /app/data/mine.json (permission denied)'])
    // the embedded copy of the shipped scenarios answers for the folder it cannot read
    const sandbox = await startContainer(['-v', `${dir}:/app/data`])
    expect((await fetch(`${sandbox.base}/health`)).status).toBe(200)
  })
})
