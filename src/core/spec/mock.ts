import { JSONSchemaFaker } from 'json-schema-faker'
import type { JsonSchema } from './operations.js'

// Schema-valid responses for operations without a stateful handler, seeded per request so
// the same request always gets the same answer.

function hashSeed(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

function rng(seed: number): () => number {
  let a = seed || 1
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function createMockGenerator(baseSeed = 0) {
  return function generate(schema: JsonSchema, key: string): unknown {
    // json-schema-faker keeps its options globally; set them on every call so nothing leaks between calls
    JSONSchemaFaker.option({
      random: rng(hashSeed(`${baseSeed}:${key}`)),
      alwaysFakeOptionals: true,
      useExamplesValue: true,
      fixedProbabilities: true,
      failOnInvalidTypes: false,
      maxItems: 3,
      refDepthMax: 5,
      // no invented extra properties: generated bodies carry exactly the spec's fields
      fillProperties: false,
    })
    return JSONSchemaFaker.generate(schema as Parameters<typeof JSONSchemaFaker.generate>[0])
  }
}
