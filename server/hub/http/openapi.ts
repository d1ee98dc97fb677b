import { createDocument } from 'zod-openapi';
import type { z } from 'zod';
import { HubProblem } from './problem.js';
import { HUB_PREFIX, type AnyHubRoute } from './route.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: HubProblem } } });

/** The hub's OpenAPI document, built from the very zod schemas that validate its requests. */
export function buildHubOpenApi(routes: AnyHubRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const status = String(r.status ?? (r.response === null ? 204 : r.method === 'post' ? 201 : 200));
    const responses: Record<string, unknown> = {
      [status]: r.response
        ? { description: 'Success', content: { 'application/json': { schema: r.response } } }
        : { description: 'Success, no content' },
      '400': problem('The request is not valid (field-level messages in `errors`)'),
    };
    if (r.access !== 'public')
      responses['401'] = problem(r.access === 'node' ? 'No node credential, or it was revoked' : 'Not signed in, or the token expired');
    if (r.access === 'admin') responses['403'] = problem('This needs a hub admin');
    if (r.params) responses['404'] = problem('No such record in your organization');
    for (const code of r.errors ?? []) responses[String(code)] ??= problem('See `code` and `detail`');
    const requestParams: Record<string, z.ZodType> = {};
    if (r.params) requestParams.path = r.params;
    if (r.query) requestParams.query = r.query;
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[/:-]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      responses,
      security: r.access === 'public' ? [] : [{ [r.access === 'node' ? 'node' : 'account']: [] }],
      ...(Object.keys(requestParams).length ? { requestParams } : {}),
      ...(r.body ? { requestBody: { content: { 'application/json': { schema: r.body } } } } : {}),
    };
    const p = HUB_PREFIX + r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'DepotDesk hub API',
      version,
      description:
        "The organization's hub (docs/sync.md): hub accounts, depot enrolment, nodes, sync. Errors are RFC 9457 problem+json. Depots authenticate with their node credential, hub accounts with a session token; the org always comes from that credential, never from a body.",
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        account: { type: 'http', scheme: 'bearer', description: 'A hub account session token (POST /hub/v1/auth/login)' },
        node: { type: 'http', scheme: 'bearer', description: "A depot's node credential (POST /hub/v1/enrol)" },
      },
    },
    // zod-openapi's paths type is a deep generic; the loop above produces exactly its shape.
    paths: paths as Parameters<typeof createDocument>[0]['paths'],
  });
}
