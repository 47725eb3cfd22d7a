import { freePort } from '../helpers/cli.js'
import { firstAnswer, logsOf, podman, runDetached } from './podman.js'

// The sandbox image started for a test: on a free host port (host network), answering /health before it is handed out.

export interface SandboxContainer {
  id: string
  port: number
  base: string
  /** from `podman run` to the first /health answer */
  bootMs: number
}

export const isRunning = async (id: string): Promise<boolean> =>
  (await podman(['inspect', '--format', '{{.State.Running}}', id])).stdout.trim() === 'true'

/** `podman run -d` the image with extra run arguments (env, volumes…) and wait for /health */
export async function startContainer(args: string[] = [], timeoutMs = 30_000): Promise<SandboxContainer> {
  const port = await freePort()
  const started = performance.now()
  const id = await runDetached(['-e', `PORT=${port}`, ...args])
  const base = `http://127.0.0.1:${port}`
  const health = await firstAnswer(`${base}/health`, timeoutMs, () => isRunning(id))
  if (health?.status !== 200) throw new Error(`the container did not answer /health (${health?.status ?? 'no answer'}):\n${await logsOf(id)}`)
  return { id, port, base, bootMs: performance.now() - started }
}
