import SwaggerParser from '@apidevtools/swagger-parser'
import type { OpenAPIV3_1 } from 'openapi-types'

export type OpenApiDocument = OpenAPIV3_1.Document

// Parsed and fully dereferenced once at boot; nothing reads the spec files after that.
export async function loadSpec(file: string): Promise<OpenApiDocument> {
  return (await SwaggerParser.dereference(file)) as OpenApiDocument
}
