import { spawn } from 'node:child_process'

// podman as the container tests drive it: every call's output captured, every container labelled and remembered
// so that it is removed by id whatever happens to the test.

/** the image scripts/container/build-image.sh builds */
export const IMAGE = process.env.IMAGE ?? 'localhost/fintoc-monato-mock:test'
/** every container the tests start carries it, so the global teardown can prove none is left */
export const TEST_LABEL = 'fintoc-monato-mock.container-test=1'

/**
 * What `podman run` needs on this machine: crun refuses its hybrid cgroups (runc with cgroupfs does not), no bridge
 * network (host network), and the runtime may not raise the open-file and process limits (lower ones work).
 */
export const MACHINE_RUN_FLAGS = ['--runtime', 'runc', '--cgroup-manager=cgroupfs', '--network=host', '--ulimit', 'nofile=8192:8192', '--ulimit', 'nproc=4096:4096']

export interface Result {
  code: number | null
  stdout: string
  stderr: string
}

// healthcheck timers need systemd, which this machine does not run: podman says so on every run and stop
const SYSTEMD_NOISE = /unable to get systemd connection|Removing timer for container/

/** Runs a command to completion (killed after `timeoutMs`); stderr without podman's systemd timer complaints. */
export function runQuiet(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const clean = stderr
        .split('\n')
        .filter((l) => !SYSTEMD_NOISE.test(l))
        .join('\n')
      resolve({ code, stdout, stderr: clean })
    })
  })
}

/** Runs podman to completion; stderr without the systemd timer complaints. */
export function podman(args: string[], timeoutMs = 60_000, env?: NodeJS.ProcessEnv): Promise<Result> {
  return runQuiet('podman', args, { env, timeoutMs })
}

/** podman, failing with its stderr unless it exits 0 */
export async function podmanOk(args: string[], timeoutMs?: number): Promise<string> {
  const r = await podman(args, timeoutMs)
  if (r.code !== 0) throw new Error(`podman ${args.join(' ')} exited with ${r.code}: ${r.stderr.trim()}`)
  return r.stdout.trim()
}

const started = new Set<string>()

/** `podman run -d` with the machine's flags and the test label; the id is remembered for removeContainers */
export async function runDetached(args: string[], command: string[] = []): Promise<string> {
  const r = await podman(['run', '-d', ...MACHINE_RUN_FLAGS, '--label', TEST_LABEL, ...args, IMAGE, ...command])
  const id = r.stdout.trim().split('\n').at(-1) ?? ''
  if (/^[0-9a-f]{64}$/.test(id)) started.add(id)
  if (r.code !== 0) throw new Error(`podman run exited with ${r.code}: ${r.stderr.trim()}`)
  return id
}

/**
 * Runs a container that must stop by itself (one refusing to start): detached, so that its id is known and it is
 * removed even when it does not stop; its exit code and its output, stdout and stderr together.
 */
export async function runToExit(args: string[], command: string[] = [], timeoutMs = 30_000): Promise<{ code: number; output: string }> {
  const id = await runDetached(args, command)
  const waited = await podman(['wait', id], timeoutMs)
  const output = await logsOf(id)
  if (waited.code !== 0) throw new Error(`container did not stop within ${timeoutMs} ms: ${output}`)
  await podman(['rm', '--force', '--time', '0', id])
  started.delete(id)
  return { code: Number(waited.stdout.trim()), output }
}

/** Removes, by id, every container this file started; returns the ids it had to remove. */
export async function removeContainers(): Promise<string[]> {
  const ids = [...started]
  started.clear()
  if (ids.length > 0) await podman(['rm', '--force', '--time', '0', ...ids])
  return ids
}

export const logsOf = async (id: string): Promise<string> => {
  const r = await podman(['logs', id])
  return r.stdout + r.stderr
}

export const exitCodeOf = async (id: string): Promise<number> => Number(await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', id]))

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls url until it answers (any status) or the deadline; undefined when it never did. */
export async function firstAnswer(url: string, timeoutMs: number, stillRunning: () => Promise<boolean> | boolean = () => true): Promise<Response | undefined> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const answer = await fetch(url).catch(() => undefined)
    if (answer) return answer
    if (!(await stillRunning())) return undefined
    await sleep(50)
  }
  return undefined
}
