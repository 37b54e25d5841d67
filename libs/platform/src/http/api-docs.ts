import { applyDecorators, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiQuery, ApiTags, ApiUnauthorizedResponse, DocumentBuilder, SwaggerModule, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminTokenGuard } from './admin-token.guard.js';

/** Where each admin API describes itself: the page at /docs, the OpenAPI document at /docs/json. */
export const API_DOCS_PATH = 'docs';

/**
 * The request schemas are the zod schemas the routes validate with (ZodPayloadPipe), turned into
 * OpenAPI: the documentation cannot drift from what is accepted. Refinements that JSON Schema
 * cannot say (e.g. "each app once") stay in the route's 400 answer. `io: 'output'` describes what a route answers.
 */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as SchemaObject;
}

/** A request body validated by `schema`. */
export const ApiZodBody = (schema: z.ZodType, description?: string) => ApiBody({ schema: openApiSchema(schema), description });

/** The answer of a route, described by a zod schema of what it returns. */
export const ApiZodResponse = (schema: z.ZodType, description = 'OK') => ApiOkResponse({ schema: openApiSchema(schema, 'output'), description });

/** Query parameters read as one object validated by `schema` (`@Query(new ZodPayloadPipe(schema))`). */
export function ApiZodQuery(schema: z.ZodType): MethodDecorator {
  let object: z.ZodType = schema;
  while (object instanceof z.ZodPipe) object = object.in as z.ZodType; // the query as it arrives, before its transforms
  if (!(object instanceof z.ZodObject)) throw new TypeError('ApiZodQuery takes an object schema (or one piped into transforms)');
  const properties = Object.entries(object.shape as Record<string, z.ZodType>);
  return applyDecorators(...properties.map(([name, field]) => ApiZodQueryParam(name, field)));
}

/** One query parameter validated by `schema` (`@Query('name', new ZodPayloadPipe(schema))`). */
export const ApiZodQueryParam = (name: string, schema: z.ZodType) =>
  ApiQuery({ name, required: !schema.safeParse(undefined).success, schema: openApiSchema(schema), description: schema.description });

/** An operator API: `Authorization: Bearer <ADMIN_API_TOKEN>`, grouped under `tag` in the docs. */
export const AdminApi = (tag: string) =>
  applyDecorators(UseGuards(AdminTokenGuard), ApiTags(tag), ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'missing or wrong admin token' }));

export interface ApiDocsOptions {
  title: string;
  description: string;
}

/**
 * Serves the service's HTTP API description. Public like the routes' existence itself: every
 * route it lists still needs the admin token, and the document holds no secrets.
 */
export function setupApiDocs(app: NestFastifyApplication, options: ApiDocsOptions): void {
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(`${options.description}\n\nErrors answer \`{ "error": { "code", "message", "details"? } }\` with a stable \`code\` (docs/bot-protocol.md §3).`)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN' })
    .build();
  SwaggerModule.setup(API_DOCS_PATH, app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: `${API_DOCS_PATH}/json`, raw: ['json'] });
}
