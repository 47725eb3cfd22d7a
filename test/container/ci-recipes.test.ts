import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freePort } from '../helpers/cli.js'
import { type Receiver, startReceiver } from '../helpers/receiver.js'
import { accounts, advance, receiveTransfer, sendTransfer, signedBy, waitFor } from './fintoc-calls.js'
import { parseJob, runJob } from './github-job.js'
import { firstAnswer, removeContainers } from './podman.js'
import { docsImage, movePorts, recipe, recipes, type Shell, shell } from './recipes.js'

// Issue #16 item 3: the recipes of docs/ci.md work as written. Each block runs as the docs give it, with podman in
// place of Docker (bin/docker) and the documented ports 4010 and 8080 moved to free ones.

let sh: Shell
let receiver: Receiver | undefined
let ports: { sandbox: number; receiver: number }

beforeEach(async () => {
  sh = shell()
  receiver = await startReceiver('/webhooks/fintoc')
  ports = { sandbox: await freePort(), receiver: Number(new URL(receiver.url).port) }
})

afterEach(async () => {
  await sh.cleanup()
  await receiver?.close()
})

afterAll(async () => {
  await removeContainers()
})

const base = () => `http://127.0.0.1:${ports.sandbox}`
/** the organization's money over all its accounts */
const total = async (key: string) => (await accounts(base(), key)).reduce((sum, a) => sum + a.available_balance, 0)
const run = async (name: string, extra?: Record<string, string>) => {
  const result = await sh.run(movePorts(recipe(name), ports), extra)
  return { ...result, output: result.stdout + result.stderr }
}

describe('docs/ci.md', () => {
  it('every recipe there is run here, and uses the image name of package.json', () => {
    expect([...recipes().keys()].sort()).toEqual(['compose', 'github-service', 'jws-env', 'load-later', 'run', 'volume-kept', 'volume-refused', 'webhooks-host'])
    for (const [name, block] of recipes()) {
      const images = [...block.code.matchAll(/ghcr\.io\/[\w./-]+/g)].map((m) => m[0])
      if (name !== 'load-later') expect(images, name).not.toEqual([])
      expect(images.filter((i) => i !== docsImage()), name).toEqual([])
    }
  })

  it('recipe run: starts, answers, and stops with exit code 0', async () => {
    const result = await run('run')
    expect(result.code, result.output).toBe(0)
    expect(result.stdout).toContain('"root_account_number_id"')
  })

  it('recipe github-service: SCENARIO_JSON, scenarios loaded later, a JWS key made by a step, webhooks to the runner', async () => {
    mkdirSync(path.join(sh.cwd, 'test'))
    writeFileSync(path.join(sh.cwd, 'test/sandbox-scenario.json'), JSON.stringify({ id: 'from-checkout', fintoc: { organizations: [{ api_key: 'sk_test_from_checkout', balance: 1234 }] } }))
    const job = parseJob(movePorts(recipe('github-service'), ports))
    const { skipped, exported } = await runJob(job, sh, ['npm ci', 'npm test'])
    // nothing else of the job is left unrun
    expect(skipped).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'npm ci', 'npm test'])
    expect(job.env?.FINTOC_BASE_URL).toBe(`${base()}/fintoc`)

    // the inline scenario and the one loaded from the checkout
    expect((await accounts(base(), 'sk_test_ci'))[0]?.available_balance).toBe(5_000_000)
    expect((await accounts(base(), 'sk_test_from_checkout'))[0]?.available_balance).toBe(1234)

    // the key pair the step made: unsigned transfers are refused, signed ones pass
    const privateKey = readFileSync(exported.FINTOC_JWS_PRIVATE_KEY!, 'utf8')
    expect(await sendTransfer(base(), 'sk_test_ci')).toMatchObject({ status: 401, code: 'missing_jws_signature_header' })
    expect(await sendTransfer(base(), 'sk_test_ci', privateKey)).toMatchObject({ status: 201 })

    // the scenario's endpoint on host.docker.internal reaches the receiver on the host, signed with its secret
    await receiveTransfer(base(), 'sk_test_ci', 5000)
    await advance(base(), 5000)
    const delivery = await waitFor('a webhook delivery', () => receiver!.received.find((r) => r.body.includes('transfer.inbound.succeeded')))
    expect(signedBy(delivery, 'whsec_ci')).toBe(true)

    // the load-later block, against the same sandbox
    const later = await run('load-later')
    expect(later.code, later.output).toBe(0)
  })

  it('recipe jws-env: a key pair made with openssl, given at boot in FINTOC_JWS_PUBLIC_KEY', async () => {
    const result = await run('jws-env')
    expect(result.code, result.output).toBe(0)
    const privateKey = readFileSync(path.join(sh.cwd, 'jws_private.pem'), 'utf8')
    expect(await sendTransfer(base(), 'sk_test_any_org')).toMatchObject({ status: 401, code: 'missing_jws_signature_header' })
    // past the signature check: refused for money, the new organization has none
    expect(await sendTransfer(base(), 'sk_test_any_org', privateKey)).toMatchObject({ code: 'insufficient_balance' })
  })

  it('recipe webhooks-host: FINTOC_WEBHOOK_URL on host.docker.internal reaches a receiver on the host', async () => {
    const result = await run('webhooks-host')
    expect(result.code, result.output).toBe(0)
    await receiveTransfer(base(), 'sk_test_hooks', 5000)
    await advance(base(), 5000)
    const delivery = await waitFor('a webhook delivery', () => receiver!.received.find((r) => r.body.includes('transfer.inbound.succeeded')))
    expect(signedBy(delivery, 'whsec_ci')).toBe(true)
  })

  it('recipe volume-refused: a root-owned mounted folder stops the container with the one line the docs show', async () => {
    // what `docker run -v` does with a folder that does not exist: creates it, owned by root, mode 755
    mkdirSync(path.join(sh.cwd, 'sandbox-data'), { mode: 0o755 })
    const documented = recipe('volume-refused')
      .split('\n')
      .find((l) => l.startsWith('# fintoc-monato-mock: cannot start: DATA_FILE'))!
      .slice(2)
    const result = await run('volume-refused')
    expect(result.code).not.toBe(0)
    expect(result.stderr.trim()).toBe(documented)
    expect(result.output).not.toMatch(/^\s+at /m)
  })

  it('recipe volume-kept: the fix works, the shipped scenarios stay available, the state survives a new container', async () => {
    const [start, restart] = movePorts(recipe('volume-kept'), ports).split(/^# … tests ….*$/m)
    const first = await sh.run(start!)
    expect(first.code, first.stdout + first.stderr).toBe(0)
    // fintoc-funded.json: shipped in /app/data, which the folder hides; found in the image's embedded copy
    expect(await total('sk_test_funded')).toBe(12_500_000)
    await receiveTransfer(base(), 'sk_test_funded', 777)
    await advance(base(), 5000)
    expect(existsSync(path.join(sh.cwd, 'sandbox-data/state.json.lock'))).toBe(true)

    const second = await sh.run(restart!)
    expect(second.code, second.stdout + second.stderr).toBe(0)
    expect((await firstAnswer(`${base()}/health`, 30_000))?.status).toBe(200)
    expect(await total('sk_test_funded')).toBe(12_500_777)
  })

  it('recipe compose: the tests and the sandbox find each other by service name', () => {
    const compose = parse(recipe('compose')) as { services: Record<string, { image?: string; environment?: Record<string, string> }> }
    const names = Object.keys(compose.services)
    expect(compose.services.payments?.image).toBe(`${docsImage()}:latest`)
    const urls = [compose.services.payments?.environment?.FINTOC_WEBHOOK_URL, compose.services.tests?.environment?.FINTOC_BASE_URL]
    for (const url of urls) expect(names, url).toContain(new URL(url ?? 'http://missing').hostname)
  })
})
