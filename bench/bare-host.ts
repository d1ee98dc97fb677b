import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../server/config.js';
import { startHost } from '../server/start.js';
import { loadActor } from '../server/auth/service.js';
import { transitionWorkOrder } from '../server/work-orders/transitions.js';
import { TransitionRequest } from '../server/work-orders/contract.js';
import { jsonBytes } from '../server/http/json-bytes.js';
import { AppError } from '../server/errors.js';
import { checkAccess } from '../server/http/route.js';
import { workOrderRoutes } from '../server/work-orders/routes.js';

/**
 * The bench's reference for the HTTP stack (issue 14: "measure what a lighter path per request would
 * buy before changing framework"). A full depot host starts as usual; beside it, a bare `node:http`
 * server answers POST /api/v1/work-orders/:id/transitions with the same steps the API takes for that
 * route — bearer session, role check, body validation, the same transition service, group commit's
 * durability wait, the same JSON encoder — and nothing else: no Express router or middleware, no
 * security headers, request log, metrics, idempotency or ETag. The gap between the two is the most a
 * lighter request path could win. Never part of the product: only `npm run bench` starts it.
 *
 * Prints `console: <bare url>/` like the host's banner, so the bench's child launcher finds it. Sessions
 * live in the database, so a token from the ordinary host works here.
 */

const ROUTE = /^\/api\/v1\/work-orders\/([^/?]+)\/transitions$/;
const BODY_LIMIT = 64 * 1024;

const config = loadConfig(process.argv.slice(2), process.env);
const running = await startHost(config, { quiet: true });
const host = running.host;
const route = workOrderRoutes.find((r) => r.method === 'post' && r.path === '/work-orders/:id/transitions');
if (!route) throw new Error('the transition route is gone: update bench/bare-host.ts');

function answer(res: http.ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) }).end(body);
}

async function transition(req: http.IncomingMessage, id: string, raw: Buffer): Promise<Buffer> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const found = token ? loadActor(host, token) : null;
  if (!found) throw new AppError(401, 'unauthorized', 'Sign in again.');
  const ctx = { host, orgId: found.orgId, actor: found.actor };
  checkAccess(route!, ctx);
  const body = TransitionRequest.parse(JSON.parse(raw.toString('utf8')));
  const out = transitionWorkOrder(ctx, id, body);
  await host.commits.durable();
  return jsonBytes(out);
}

const server = http.createServer((req, res) => {
  // The launcher waits for this before it hands the address over.
  if (req.method === 'GET' && req.url === '/healthz') return answer(res, 200, Buffer.from('{"status":"ok"}'));
  const match = req.method === 'POST' ? ROUTE.exec(req.url ?? '') : null;
  if (!match?.[1]) return answer(res, 404, Buffer.from('{"code":"no_such_endpoint"}'));
  const id = decodeURIComponent(match[1]);
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > BODY_LIMIT) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    transition(req, id, Buffer.concat(chunks)).then(
      (bytes) => answer(res, 200, bytes),
      (err: unknown) => {
        const status = err instanceof AppError ? err.status : 400;
        const code = err instanceof AppError ? err.code : 'invalid_request';
        answer(res, status, Buffer.from(JSON.stringify({ status, code })));
      },
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
console.log(`console: http://127.0.0.1:${(server.address() as AddressInfo).port}/`);

process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void running.stop({ quitBackup: false }).then(() => process.exit(0));
});
