import { readFileSync } from 'node:fs'
import express, { type Router } from 'express'
import { parse } from 'yaml'
import { fromRoot } from '../paths.js'
import { AdminError } from './errors.js'

// GET /__admin/openapi.json: this API's own OpenAPI document (specs/admin.yaml, as JSON). GET /__admin/specs/{name}:
// a provider's spec as the server parsed it at boot, i.e. the document it routes and validates with.

export const ADMIN_SPEC_FILE = 'specs/admin.yaml'

export function createSpecsRouter(specs: ReadonlyArray<{ name: string; spec: unknown }>, adminSpecFile: string = fromRoot(ADMIN_SPEC_FILE)): Router {
  const router = express.Router()
  // serialized on first use and kept: the documents never change after boot, and a provider's is about 0.8 MB
  const serialized = new Map<string, string>()
  const json = (key: string, value: () => unknown) => {
    let text = serialized.get(key)
    if (text === undefined) {
      text = JSON.stringify(value())
      serialized.set(key, text)
    }
    return text
  }

  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json('/openapi.json', () => parse(readFileSync(adminSpecFile, 'utf8'))))
  })

  router.get('/specs/:provider', (req, res) => {
    const found = specs.find((s) => s.name === req.params.provider)
    if (!found) throw new AdminError(404, `No provider ${req.params.provider} (there are: ${specs.map((s) => s.name).join(', ')})`)
    res.type('application/json').send(json(`/specs/${found.name}`, () => found.spec))
  })

  return router
}
