import type { Request, Response } from 'express';
import { z, type ZodType } from 'zod';
import type { Ctx, Host } from '../core/context.js';
import type { Config } from '../config.js';
import type { Services } from '../services.js';
import type { Permission } from '../auth/permissions.js';
import { can } from '../auth/permissions.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A handler may return a plain body (sent with the route's status) or a Reply to set status/headers. */
export class Reply<T = unknown> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface HandlerInput<P, Q, B> {
  /** Present on every route but `public` ones (checked before the handler runs). */
  ctx: Ctx;
  host: Host;
  config: Config;
  /** The host's long-lived runtime parts (server/services.ts), built where the host starts. */
  services: Services;
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

/**
 * One declaration per endpoint: the zod schemas here validate the request at runtime AND produce
 * the OpenAPI document (STYLE 8), so the two cannot drift apart.
 */
export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType, R extends ZodType> {
  method: Method;
  /** Express-style path below /api/v1, e.g. "/work-orders/:id". */
  path: string;
  summary: string;
  tag: string;
  /** `public`: no sign-in; `signed-in`: any role; otherwise the permission the caller's role needs. */
  access: 'public' | 'signed-in' | Permission;
  params?: P;
  query?: Q;
  body?: B;
  /** Success status (default 200, or 201 for POST) and body schema (null for 204). */
  status?: number;
  response: R | null;
  /** Extra documented error statuses beyond the defaults (400/401/403/404). */
  errors?: number[];
  /** Streams its own response (files, CSV); the framework does not send the return value. */
  raw?: boolean;
  /**
   * Set false where replaying a stored response would keep a secret in the database (sign-in
   * tokens are stored only hashed). Such routes must be safe to retry on their own.
   */
  idempotent?: false;
  handler: (
    input: HandlerInput<z.infer<P>, z.infer<Q>, z.infer<B>>,
  ) => z.infer<R> | Reply<z.infer<R>> | Promise<z.infer<R> | Reply<z.infer<R>>> | void;
}

// The registry holds routes of many shapes; each was type-checked against its own schemas at defineRoute().
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- heterogenous registry, see above
export type AnyRoute = RouteSpec<any, any, any, any>;

export function defineRoute<
  P extends ZodType = z.ZodObject<Record<never, never>>,
  Q extends ZodType = z.ZodObject<Record<never, never>>,
  B extends ZodType = z.ZodUndefined,
  R extends ZodType = z.ZodUnknown,
>(spec: RouteSpec<P, Q, B, R>): RouteSpec<P, Q, B, R> {
  return spec;
}

export function parsePart<S extends ZodType>(where: string, schema: S | undefined, value: unknown): z.infer<S> {
  if (!schema) return (value ?? {}) as z.infer<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(where, result.error);
  return result.data;
}

export function checkAccess(route: AnyRoute, ctx: Ctx | undefined): void {
  if (route.access === 'public') return;
  if (!ctx) throw new UnauthorizedError();
  if (route.access === 'signed-in') return;
  if (!can(ctx.actor.role, route.access)) {
    throw new ForbiddenError(`Your role (${ctx.actor.role}) may not do this: it needs the "${route.access}" permission.`);
  }
}
