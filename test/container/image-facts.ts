import type { ImageFacts } from './image-contract.js'
import { IMAGE, podmanOk, runToExit } from './podman.js'

// Reads the facts image-contract.ts checks off the built image: its config, its layers' history, and what /app holds
// (listed by the image's own node, so the same on alpine and on the Debian stand-in).

const LIST_APP = `
const fs = require('fs'), path = require('path')
const files = [], packages = []
const dirs = (dir) => fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
function modules(dir, rel) {
  for (const name of dirs(dir)) {
    if (name === '.bin') continue
    const scoped = name.startsWith('@') ? dirs(path.join(dir, name)).map((s) => name + '/' + s) : [name]
    for (const p of scoped) {
      if (fs.existsSync(path.join(dir, p, 'package.json'))) packages.push(rel + '/' + p)
      if (fs.existsSync(path.join(dir, p, 'node_modules'))) modules(path.join(dir, p, 'node_modules'), rel + '/' + p + '/node_modules')
    }
  }
}
function walk(dir, rel) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const r = rel ? rel + '/' + e.name : e.name
    if (e.isDirectory() && e.name === 'node_modules') modules(path.join(dir, e.name), r)
    else if (e.isDirectory()) walk(path.join(dir, e.name), r)
    else files.push(r)
  }
}
walk('/app', '')
const bin = '/app/node_modules/.bin'
console.log(JSON.stringify({ files, packages, bins: fs.existsSync(bin) ? fs.readdirSync(bin) : [] }))
`

interface Inspected {
  Size: number
  /** podman keeps it here, docker in Config */
  Healthcheck?: { Test?: string[] }
  Config: {
    User?: string
    Cmd?: string[]
    Entrypoint?: string[]
    Env?: string[]
    ExposedPorts?: Record<string, unknown>
    Healthcheck?: { Test?: string[] }
    Volumes?: Record<string, unknown>
    Labels?: Record<string, string>
  }
}

export const imageSize = async (image: string): Promise<number> => Number(await podmanOk(['image', 'inspect', '--format', '{{.Size}}', image]))

export async function imageFacts(baseImage: string): Promise<ImageFacts> {
  const [inspected] = JSON.parse(await podmanOk(['image', 'inspect', IMAGE])) as Inspected[]
  const config = inspected!.Config
  const layers = async (image: string) => (await podmanOk(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image])).split('\n')
  // the base image's own layers (the last ones) are not the Dockerfile's
  const [all, base] = await Promise.all([layers(IMAGE), layers(baseImage)])
  const history = all.slice(0, all.length - base.length)
  const listed = await runToExit(['--entrypoint', 'node'], ['-e', LIST_APP])
  const json = listed.output.split('\n').find((l) => l.startsWith('{'))
  if (listed.code !== 0 || !json) throw new Error(`listing /app failed (${listed.code}): ${listed.output}`)
  const { files, packages, bins } = JSON.parse(json) as Pick<ImageFacts, 'files' | 'packages' | 'bins'>
  return {
    user: config.User ?? '',
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    env: Object.fromEntries((config.Env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
    exposed: Object.keys(config.ExposedPorts ?? {}),
    healthcheck: (inspected!.Healthcheck ?? config.Healthcheck)?.Test ?? [],
    volumes: Object.keys(config.Volumes ?? {}),
    labels: config.Labels ?? {},
    history,
    files,
    packages,
    bins,
  }
}
