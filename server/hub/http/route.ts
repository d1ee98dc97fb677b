import type http from 'node:http';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { z, ZodType } from 'zod';
import { ValidationError } from '../../errors.js';
import type { HubDeps } from '../deps.js';
import { requireAccount, requireNode, type AccountAuth, type NodeAuth } from './auth.js';

export const HUB_PREFIX = '/hub/v1';

/** `public`: no credential; `account`/`admin`: a hub account's token (admin role); `node`: a depot's credential. */
export type HubAccess = 'public' | 'account' | 'admin' | 'node';

type AuthOf<A extends HubAccess> = A extends 'node' ? NodeAuth : A extends 'account' | 'admin' ? AccountAuth : null;

/** A handler returns the body (sent with the route's status) or a HubReply to choose another. */
export class HubReply<T = unknown> {
  constructor(
    readonly status: number,
    readonly body: T,
  ) {}
}

export interface HubRoute<A extends HubAccess, P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path below /hub/v1, e.g. "/nodes/:id/revoke". */
  path: string;
  summary: string;
  tag: string;
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status (default 200, 201 for POST, 204 when response is null). */
  status?: number;
  response: R | null;
  /** Documented statuses beyond 400/401/403/404. */
  errors?: number[];
  /** Extra middleware before validation (a rate limit). */
  before?: (deps: HubDeps) => RequestHandler;
  handler: (input: {
    deps: HubDeps;
    auth: AuthOf<A>;
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    req: Request;
    res: Response;
  }) => Promise<z.infer<R> | HubReply<z.infer<R>> | void>;
}

// Routes of many shapes share one list; each was type-checked against its own schemas at defineHubRoute().
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogeneous registry, see above
export type AnyHubRoute = HubRoute<any, any, any, any, any>;

export function defineHubRoute<
  A extends HubAccess,
  P extends ZodType = z.ZodObject<Record<never, never>>,
  Q extends ZodType = z.ZodObject<Record<never, never>>,
  B extends ZodType = z.ZodUndefined,
  R extends ZodType = z.ZodUnknown,
>(route: HubRoute<A, P, Q, B, R>): HubRoute<A, P, Q, B, R> {
  return route;
}

/**
 * A feature of the hub: declared routes (validated, authenticated and documented here), and
 * optionally its own mounting for what a declaration cannot express (a WebSocket upgrade, a gzip
 * body). Adding a feature is one entry in app.ts's list.
 */
export interface HubFeature {
  name: string;
  routes: AnyHubRoute[];
  mount?: (app: Express, deps: HubDeps) => void;
  /** Called with the listening server (serve.ts): a WebSocket upgrade handler; the returned close runs on stop. */
  attach?: (server: http.Server, deps: HubDeps) => (() => void | Promise<void>) | void;
}

function parsePart<S extends ZodType>(where: string, schema: S | undefined, value: unknown): z.infer<S> {
  if (!schema) return (value ?? {}) as z.infer<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(where, result.error);
  return result.data;
}

function authFor(deps: HubDeps, access: HubAccess): RequestHandler | null {
  if (access === 'node') return requireNode(deps);
  if (access === 'admin') return requireAccount(deps, { role: 'admin' });
  if (access === 'account') return requireAccount(deps);
  return null;
}

export function mountHubRoute(app: Express, deps: HubDeps, route: AnyHubRoute): void {
  const chain: RequestHandler[] = [];
  if (route.before) chain.push(route.before(deps));
  const auth = authFor(deps, route.access);
  if (auth) chain.push(auth);
  chain.push((req, res, next) => {
    const run = async () => {
      const params = parsePart('params', route.params, req.params);
      const query = parsePart('query', route.query, req.query);
      const body = parsePart('body', route.body, route.body ? req.body : undefined);
      const authValue = (route.access === 'node' ? req.hubNode : route.access === 'public' ? null : req.hubAccount) ?? null;
      const out = await route.handler({ deps, auth: authValue, params, query, body, req, res });
      if (res.headersSent) return;
      if (out instanceof HubReply) return void res.status(out.status).json(out.body);
      const status = route.status ?? (route.response === null ? 204 : route.method === 'post' ? 201 : 200);
      if (status === 204) return void res.status(204).end();
      res.status(status).json(out);
    };
    run().catch(next);
  });
  app[route.method](HUB_PREFIX + route.path, ...chain);
}
