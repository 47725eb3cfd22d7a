import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { podman } from './podman.js'
import type { Shell } from './recipes.js'

// A GitHub Actions job of docs/ci.md, as the runner would run it here: its service started with `docker run` (through
// the shim) and waited on until its health check passes, then its `run` steps with bash, in order.

interface Step {
  name?: string
  uses?: string
  run?: string
  env?: Record<string, string>
}

interface Job {
  services?: Record<string, { image: string; ports?: string[]; env?: Record<string, string>; options?: string }>
  env?: Record<string, string>
  steps: Step[]
}

export const parseJob = (yaml: string): Job => {
  const jobs = (parse(yaml) as { jobs: Record<string, Job> }).jobs
  const [job] = Object.values(jobs)
  if (!job) throw new Error('no job')
  return job
}

/** the `docker run` arguments the runner builds from a service: name, ports, env, options, image */
export function serviceArgs(name: string, service: NonNullable<Job['services']>[string]): string[] {
  // the options here are plain words; quoting would need a shell parser
  if (/["']/.test(service.options ?? '')) throw new Error(`service ${name}: options with quotes are not emulated`)
  return [
    'run',
    '-d',
    '--name',
    name,
    ...(service.ports ?? []).flatMap((p) => ['-p', p]),
    ...Object.entries(service.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
    ...(service.options ?? '').split(/\s+/).filter(Boolean),
    service.image,
  ]
}

export interface JobRun {
  /** steps not run: `uses:` actions and the commands the job's own tests are */
  skipped: string[]
  /** what the steps appended to $GITHUB_ENV */
  exported: Record<string, string>
}

/** starts the services, waits for them to be healthy, runs the steps but those whose `run` is in `notRun` */
export async function runJob(job: Job, sh: Shell, notRun: string[]): Promise<JobRun> {
  for (const [name, service] of Object.entries(job.services ?? {})) {
    const started = await sh.docker(serviceArgs(name, service))
    if (started.code !== 0) throw new Error(`service ${name}: docker run exited with ${started.code}: ${started.stderr}`)
    const id = started.stdout.trim()
    // the runner waits for "healthy"; this machine runs no health-check timers, so check as they would
    const deadline = Date.now() + 30_000
    while ((await podman(['healthcheck', 'run', id])).code !== 0) {
      if (Date.now() > deadline) throw new Error(`service ${name} never became healthy`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  const runnerTemp = path.join(sh.cwd, '.runner-temp')
  const githubEnv = path.join(runnerTemp, 'github-env')
  await sh.run(`mkdir -p "${runnerTemp}"`)
  writeFileSync(githubEnv, '')
  const skipped: string[] = []
  for (const step of job.steps) {
    if (step.uses || (step.run && notRun.includes(step.run.trim()))) {
      skipped.push(step.uses ?? step.run!.trim())
      continue
    }
    const result = await sh.run(step.run ?? '', { ...job.env, ...step.env, RUNNER_TEMP: runnerTemp, GITHUB_ENV: githubEnv })
    if (result.code !== 0) throw new Error(`step "${step.name ?? step.run}" exited with ${result.code}:\n${result.stdout}${result.stderr}`)
  }
  const exported = Object.fromEntries(
    readFileSync(githubEnv, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  )
  return { skipped, exported }
}
