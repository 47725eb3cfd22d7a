import path from 'node:path'
import { type CopyStep, covers, type RunStep, type Stage } from './dockerfile.js'

// What the image promises its users, checked on the parsed Dockerfile. An empty list means it holds.

const IMAGE_PORT = '4010'

const NODE_24 = /^node:24(?:[.-]|$)/
const NPM_DEPS = /\bnpm\s+(?:ci|install|i|prune)\b/
const PROD_ONLY = /--omit[= ]dev\b|--production\b/

/** The context files the running image reads: package.json (version), the specs, the scenarios. */
export function runtimeFiles(contextFiles: string[]): string[] {
  return contextFiles.filter((f) => f === 'package.json' || /^specs\/[^/]+\.ya?ml$/.test(f) || /^data\/scenarios\/[^/]+\.json$/.test(f))
}

/** Why the final stage's node_modules would not be production-only (following a COPY --from), if it would not. */
function dependencyProblem(stages: Stage[], final: Stage): string | undefined {
  const copy = final.steps.find((s): s is CopyStep => s.kind === 'copy' && s.sources.some((src) => /(^|\/)node_modules\/?$/.test(src)))
  if (copy && copy.from === undefined) return 'final stage copies node_modules from the build context'
  const source = copy ? stages.find((s) => s.name === copy.from)! : final
  const npm = source.steps
    .filter((s): s is RunStep => s.kind === 'run')
    .flatMap((run) => run.script.split(/&&|\|\||;/).map((part) => ({ part, env: run.env })))
    .filter(({ part }) => NPM_DEPS.test(part))
  const last = npm.at(-1)
  if (!last) return `final stage has no node_modules: no npm ci/install in stage ${source.name}`
  // the last npm command in that stage decides: a full `npm ci` after a prune brings devDependencies back
  if (!PROD_ONLY.test(last.part) && last.env.NODE_ENV !== 'production') {
    return `final stage node_modules includes devDependencies: "${last.part.trim()}" has no --omit=dev (add npm prune --omit=dev)`
  }
  return undefined
}

/** the node options `npm start` gives (`node --flag=value ... script`) */
export const startNodeFlags = (startScript: string): string[] => startScript.split(/\s+/).filter((w) => w.startsWith('--'))

export function contractViolations(stages: Stage[], files: string[], startScript: string): string[] {
  const problems: string[] = []
  const final = stages.at(-1)!
  for (const stage of stages) {
    if (!NODE_24.test(stage.base)) problems.push(`stage ${stage.name} (line ${stage.line}): base image ${stage.base} is not Node 24`)
  }
  const user = final.user?.split(':')[0]
  if (!user || user === 'root' || user === '0') problems.push(`final stage runs as root: USER is ${final.user ?? 'not set'}`)
  if (final.env.HOST !== '0.0.0.0') {
    problems.push(`final stage must set ENV HOST=0.0.0.0 (found ${final.env.HOST ?? 'nothing'}): 127.0.0.1 is unreachable from outside the container`)
  }
  if ((final.env.PORT ?? IMAGE_PORT) !== IMAGE_PORT) problems.push(`final stage sets PORT=${final.env.PORT} but the image is documented on ${IMAGE_PORT}`)
  if (!final.expose.some((p) => p.replace(/\/tcp$/i, '') === IMAGE_PORT)) problems.push(`final stage does not EXPOSE ${IMAGE_PORT}`)
  const hc = final.healthcheck?.command
  const hcText = Array.isArray(hc) ? hc.join(' ') : (hc ?? '')
  if (!hc) problems.push('final stage has no HEALTHCHECK')
  else if (!hcText.includes('/health')) problems.push(`HEALTHCHECK does not probe /health: ${hcText}`)
  // node:*-alpine ships no curl
  if (/\bcurl\b/.test(hcText)) problems.push('HEALTHCHECK uses curl, which node:*-alpine does not have')
  const argv = Array.isArray(final.cmd) ? final.cmd : undefined
  // exec form: node is PID 1 and gets docker stop's SIGTERM (npm would not forward it)
  if (!argv) problems.push('CMD must be in exec (JSON) form so node is PID 1 and receives SIGTERM')
  else if (argv[0] !== 'node') problems.push(`CMD must start node directly: ${argv.join(' ')}`)
  // the image runs node as npm start does: in NODE_OPTIONS where node allows it (users can override those), else
  // as a CMD argument before the script
  const options = (final.env.NODE_OPTIONS ?? '').split(/\s+/)
  const script = argv ? argv.findIndex((a, i) => i > 0 && !a.startsWith('-')) : -1
  const cmdFlags = argv ? argv.slice(1, script === -1 ? undefined : script) : []
  for (const flag of startNodeFlags(startScript)) {
    if (!options.includes(flag) && !cmdFlags.includes(flag)) {
      problems.push(`npm start runs node with ${flag} but the image has it neither in NODE_OPTIONS (${final.env.NODE_OPTIONS ?? 'not set'}) nor in CMD (${argv?.join(' ') ?? 'not exec form'})`)
    }
  }
  for (const file of files) {
    const copied = final.steps.some((s) => s.kind === 'copy' && s.from === undefined && s.sources.some((src) => covers(src, file)))
    if (!copied) problems.push(`final stage does not COPY ${file} from the build context`)
  }
  const deps = dependencyProblem(stages, final)
  if (deps) problems.push(deps)
  const data = path.posix.join(final.workdir, 'data')
  for (const volume of final.volumes) {
    if (covers(volume, data.slice(1))) problems.push(`VOLUME ${volume} hides the shipped scenarios in ${data}`)
  }
  return problems
}
