import { execFileSync } from 'node:child_process'
import { IMAGE, TEST_LABEL } from './podman.js'

// Before the container tests: the engine and the image are there, or the run stops on one line saying what to do.
// After them: no container of theirs is left, running or not (each test file removes its own by id).

function stop(line: string): never {
  console.error(`container tests: ${line}`)
  process.exit(1)
}

const podman = (...args: string[]) => execFileSync('podman', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()

export function setup(): void {
  try {
    podman('--version')
  } catch {
    stop('no container engine: podman not found (npm run test:container runs scripts/container/prepare.sh, which installs it)')
  }
  try {
    podman('image', 'exists', IMAGE)
  } catch {
    stop(`no image ${IMAGE}: build it with scripts/container/prepare.sh (npm run test:container does)`)
  }
}

export function teardown(): void {
  const left = podman('ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${TEST_LABEL}`).split('\n').filter(Boolean)
  if (left.length === 0) return
  podman('rm', '--force', '--time', '0', ...left)
  stop(`${left.length} container(s) left behind by a test, now removed: ${left.join(' ')}`)
}
