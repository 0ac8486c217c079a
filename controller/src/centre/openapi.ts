import { jsonSchemaOf } from '@greenwave/contracts';
import type { Router } from './http.ts';

/** Request bodies by endpoint; their schemas come from contracts (one schema per message). */
const BODIES: Record<string, Parameters<typeof jsonSchemaOf>[0]> = {
  'POST /api/login': 'api-login.schema.json',
  'POST /api/users': 'api-create-user.schema.json',
  'PUT /api/intersections/{id}/controller': 'api-controller-choice.schema.json',
  'POST /api/intersections/{id}/override': 'api-override.schema.json',
  'POST /api/intersections/{id}/agent-token': 'api-agent-token.schema.json',
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
};

/** OpenAPI 3.1 document of every registered route: path, permission (as x-permission), body schema, errors. */
export function openApiDocument(router: Router): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of router.routes) {
    const path = `/${route.parts.map((p) => (p.startsWith(':') ? `{${p.slice(1)}}` : p)).join('/')}`;
    const key = `${route.method} ${path}`;
    const body = BODIES[key];
    const params = route.parts.filter((p) => p.startsWith(':')).map((p) => ({ name: p.slice(1), in: 'path', required: true, schema: { type: 'string' } }));
    const responses: Record<string, unknown> = { '200': { description: 'OK' }, '400': { description: 'Bad query', content: { 'application/json': { schema: errorSchema } } } };
    if (route.permission) {
      responses['401'] = { description: 'Not logged in', content: { 'application/json': { schema: errorSchema } } };
      responses['403'] = { description: 'Role may not do this', content: { 'application/json': { schema: errorSchema } } };
    }
    if (body) responses['422'] = { description: 'Body does not match the schema (the message names the field)', content: { 'application/json': { schema: errorSchema } } };
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      ...(route.permission ? { security: [{ bearer: [] }], 'x-permission': route.permission } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'greenwave centre API', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/login' } } },
    paths,
  };
}
