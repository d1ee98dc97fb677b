import { createDocument } from 'zod-openapi';
import { z } from 'zod';
import { Problem } from './contract-common.js';
import { ReplayedResponse } from './contract-replay.js';
import { API_PREFIX } from './mount.js';
import type { AnyRoute } from './route.js';

/** "/work-orders/:id" → "/work-orders/{id}" */
function openApiPath(path: string): string {
  return API_PREFIX + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

const replayedHeader = {
  'Idempotent-Replayed': {
    description: '`true` when this answer is a replay of an earlier request with the same Idempotency-Key; nothing was applied again',
    schema: { type: 'string', enum: ['true'] },
  },
};

/**
 * A replay within 24 h gets the first answer again (same status and body); later, for as long as
 * the mutation is kept (the replay horizon, 30 days by default), a 200 `ReplayedResponse`. Both
 * carry `Idempotent-Replayed: true`. The same key with another request is a 422.
 */
function documentReplays(responses: Record<string, unknown>, status: string): void {
  const success = responses[status] as { description: string; content?: Record<string, { schema: z.ZodType }> };
  const ownSchema = success.content?.['application/json']?.schema;
  const replayed = 'a replay, after 24 h, of a request already applied (`Idempotent-Replayed: true`): nothing was applied again';
  if (status === '200') {
    responses['200'] = {
      description: `${success.description}; or, ${replayed}`,
      headers: replayedHeader,
      content: { 'application/json': { schema: ownSchema ? z.union([ownSchema, ReplayedResponse]) : ReplayedResponse } },
    };
  } else {
    responses[status] = { ...success, headers: replayedHeader };
    responses['200'] = {
      description: replayed.replace(/^a/, 'A'),
      headers: replayedHeader,
      content: { 'application/json': { schema: ReplayedResponse } },
    };
  }
  responses['422'] ??= problemResponse('See `code` and `detail`');
  (responses['422'] as { description: string }).description +=
    '; `idempotency_key_reused`: this Idempotency-Key was used for another request';
}

/** Built from the very schemas that validate requests (STYLE 8). */
export function buildOpenApi(routes: AnyRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const status = String(r.status ?? (r.response === null ? 204 : r.method === 'post' ? 201 : 200));
    const responses: Record<string, unknown> = {
      [status]: r.response
        ? { description: 'Success', content: { 'application/json': { schema: r.response } } }
        : { description: 'Success, no content' },
      '400': problemResponse('The request is not valid (field-level messages in `errors`)'),
    };
    if (r.access !== 'public') {
      responses['401'] = problemResponse('Not signed in, or the token expired or was revoked');
      responses['403'] = problemResponse('Your role lacks the permission this needs');
    }
    if (r.params) responses['404'] = problemResponse('No such record in your organization');
    for (const code of r.errors ?? []) responses[String(code)] = problemResponse('See `code` and `detail`');
    // Keyed writes (POST always, PUT/PATCH when a key is sent; server/http/mount.ts) can be replays.
    if (r.method !== 'get' && r.method !== 'delete' && !r.raw && r.idempotent !== false) documentReplays(responses, status);
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[/:-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      responses,
      ...(r.access === 'public' ? { security: [] } : {}),
      ...(r.access !== 'public' && r.access !== 'signed-in' ? { description: `Needs the \`${r.access}\` permission.` } : {}),
    };
    const requestParams: Record<string, z.ZodType> = {};
    if (r.params) requestParams.path = r.params;
    if (r.query) requestParams.query = r.query;
    if (r.method === 'post' && r.idempotent !== false) {
      requestParams.header = z.object({
        'idempotency-key': z
          .string()
          .optional()
          .meta({ description: 'Retrying with the same key replays the first answer instead of acting twice' }),
      });
    }
    if (Object.keys(requestParams).length) op.requestParams = requestParams;
    if (r.body) op.requestBody = { content: { 'application/json': { schema: r.body } } };
    const p = openApiPath(r.path);
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'DepotDesk depot host API',
      version,
      description: 'API v1 of the DepotDesk depot host. Errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    // zod-openapi's paths type is a deep generic; our builder above produces exactly its shape.
    paths: paths as Parameters<typeof createDocument>[0]['paths'],
  });
}
