// Checks an OpenAPI document the way the server will use it: swagger-parser validation,
// Ajv compilation of every request/response schema, and faker output validated per 2xx response.
import SwaggerParser from '@apidevtools/swagger-parser'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { JSONSchemaFaker } from 'json-schema-faker'

const file = process.argv[2]
if (!file) { console.error('usage: node scripts/check-spec.mjs specs/<file>.yaml'); process.exit(2) }
await SwaggerParser.validate(file)
const doc = await SwaggerParser.dereference(file)
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)
JSONSchemaFaker.option({ fillProperties: false, alwaysFakeOptionals: true, useExamplesValue: true, fixedProbabilities: true, failOnInvalidTypes: false })
let problems = 0, ops = 0
const ids = new Set()
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const op = item[method]
    if (!op) continue
    ops++
    const where = `${method.toUpperCase()} ${path}`
    if (!op.operationId) { problems++; console.error(`${where}: no operationId`) }
    if (ids.has(op.operationId)) { problems++; console.error(`${where}: duplicate operationId ${op.operationId}`) }
    ids.add(op.operationId)
    const body = op.requestBody?.content?.['application/json']?.schema
    if (body) try { ajv.compile(body) } catch (e) { problems++; console.error(`${where} request: ${e.message}`) }
    for (const [status, resp] of Object.entries(op.responses ?? {})) {
      const schema = resp.content?.['application/json']?.schema
      if (!schema) continue
      let validate
      try { validate = ajv.compile(schema) } catch (e) { problems++; console.error(`${where} ${status}: ${e.message}`); continue }
      const examples = Object.values(resp.content['application/json'].examples ?? {}).map((e) => e.value)
      if (resp.content['application/json'].example !== undefined) examples.push(resp.content['application/json'].example)
      for (const ex of examples) if (!validate(ex)) { problems++; console.error(`${where} ${status} example invalid: ${ajv.errorsText(validate.errors)}`) }
      if (!status.startsWith('2')) continue
      const sample = JSONSchemaFaker.generate(schema)
      if (!validate(sample)) { problems++; console.error(`${where} ${status} generated sample invalid: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(sample).slice(0, 400)}`) }
    }
  }
}
console.log(`${file}: ${ops} operations, ${problems} problems`)
process.exit(problems ? 1 : 0)
