import type { Express, NextFunction, Request, Response } from 'express';
import type { Ctx, Host } from '../core/context.js';
import type { Config } from '../config.js';
import type { Services } from '../services.js';
import { readClaim, lookup, lookupMutation, remember } from './idempotency.js';
import { mutationIdFor } from '../core/mutation-log.js';
import type { ReplayedResponse } from './contract-replay.js';
import { checkAccess, parsePart, Reply, type AnyRoute } from './route.js';
import { streamCsv, wantsCsv } from './csv-stream.js';
import { jsonBytes } from './json-bytes.js';

export const API_PREFIX = '/api/v1';

/** Responses are checked against their schema under test, so contract drift fails a test instead of a client. */
const CHECK_RESPONSES = Boolean(process.env.VITEST) || process.env.DEPOTDESK_CHECK_RESPONSES === '1';

function defaultStatus(route: AnyRoute): number {
  if (route.status) return route.status;
  if (route.response === null) return 204;
  return route.method === 'post' ? 201 : 200;
}

function send(res: Response, status: number, body: Buffer | string | null, headers: Record<string, string>): void {
  res.set(headers);
  if (body === null || status === 204) {
    res.status(status).end();
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (res.req.method === 'GET' || res.req.method === 'HEAD') {
    // Through express for its ETag and 304 (a browser revalidating a list), and HEAD's empty body.
    res.status(status).type('application/json; charset=utf-8').send(bytes);
    return;
  }
  // A write's answer is never cached or revalidated: express would hash it for an ETag nobody reads.
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

export function mountRoutes(app: Express, host: Host, config: Config, services: Services, routes: AnyRoute[]): void {
  for (const route of routes) {
    const path = API_PREFIX + route.path;
    app[route.method](path, async (req: Request, res: Response, next: NextFunction) => {
      res.locals.routePath = path;
      try {
        checkAccess(route, req.ctx);
        // POSTs honour Idempotency-Key always; PUT and PATCH when a client sends one (a phone's outbox
        // replays checklist answers and edits with the key it stored, so each applies once).
        const keyed =
          route.method === 'post' || ((route.method === 'put' || route.method === 'patch') && req.get('idempotency-key') !== undefined);
        const claim = keyed && !route.raw && route.idempotent !== false ? readClaim(req) : null;
        if (claim) {
          const stored = lookup(host, claim);
          if (stored) {
            // The stored answer acknowledges a write: it may be committed but its fsync still running.
            await host.commits.durable();
            send(res, stored.status, stored.body || null, { 'Idempotent-Replayed': 'true' });
            return;
          }
          // The stored answer is kept 24 h; a phone offline for longer sends the action again. Its
          // first mutation took the key's id and headers stay for the replay horizon (30 days), so the
          // log still knows it was applied: answer so, and apply nothing again.
          if (req.ctx) {
            const actor = req.ctx.actor.userId ?? `system:${req.ctx.actor.name}`;
            const applied = lookupMutation(host, claim, mutationIdFor(claim, 0), actor);
            if (applied) {
              const body: ReplayedResponse = {
                replayed: true,
                mutationId: applied.mutationId,
                appliedAt: new Date(applied.appliedAt).toISOString(),
              };
              await host.commits.durable();
              send(res, 200, JSON.stringify(body), { 'Idempotent-Replayed': 'true' });
              return;
            }
          }
          res.locals.idempotencyClaim = claim;
          // The request's mutations take their ids from the key, so the log itself recognises a replay.
          if (req.ctx) req.ctx.mutationKey = { scope: claim.scope, key: claim.key, requestHash: claim.requestHash, used: 0 };
        }
        const params = parsePart('path', route.params, req.params);
        const query = parsePart('query', route.query, req.query);
        const body = parsePart('body', route.body, route.body ? req.body : undefined);
        // Accept: text/csv on a list streams every page as CSV (server/http/csv-stream.ts).
        if (wantsCsv(req, route))
          return await streamCsv(route, { ctx: req.ctx as Ctx, host, config, services, params, query, body, req, res }, req.query);
        const out = await route.handler({ ctx: req.ctx as Ctx, host, config, services, params, query, body, req, res });
        if (route.raw) {
          await host.commits.durable();
          return;
        }
        const reply = out instanceof Reply ? out : new Reply(defaultStatus(route), out);
        if (CHECK_RESPONSES && route.response && reply.status < 300) {
          const checked = route.response.safeParse(reply.body);
          if (!checked.success) {
            throw new Error(`Response of ${route.method.toUpperCase()} ${path} breaks its contract: ${checked.error.message}`);
          }
        }
        const hasBody = reply.body !== undefined && reply.status !== 204;
        // Stored in the same commit batch as the mutation, so a key is never remembered without its effect.
        const text = claim && hasBody ? JSON.stringify(reply.body) : undefined;
        if (claim) remember(host, claim, { status: reply.status, body: text ?? '' });
        // Nothing is acknowledged before it is on disk (group commit: see server/core/group-commit.ts).
        await host.commits.durable();
        send(res, reply.status, hasBody ? jsonBytes(reply.body, text) : null, reply.headers);
      } catch (err) {
        // Refusals are not remembered: the failed mutation rolled back, so a retry meets the same state.
        next(err);
      }
    });
  }
}
