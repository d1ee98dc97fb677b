import { z } from 'zod';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { IdParams } from '../http/contract-common.js';
import { TooManyRequestsError } from '../errors.js';
import { LoginRequest, LoginResponse, MeResponse, SessionInfo, SetupRequest, SetupStatus } from './contract.js';
import { homeDepotLocale } from '../depots/home.js';
import { assertSetupFromDesk, retireSetupCode } from './setup-code.js';
import { assertSessionInOrg, describeUser, listSessions, login, revokeSession, setup, setupNeeded, type AuthedCtx } from './service.js';
import { setupByJoining } from '../sync/join.js';

export const authRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/setup',
    tag: 'Sign-in',
    access: 'public',
    summary: 'Whether this host still needs first-run setup',
    response: SetupStatus,
    handler: ({ host }) => ({ needed: setupNeeded(host) }),
  }),
  defineRoute({
    method: 'post',
    path: '/setup',
    tag: 'Sign-in',
    access: 'public',
    summary:
      'First run, at the desk only: create the organization, its first depot and its admin with the one-time setup code the host printed (refused once set up)',
    body: SetupRequest,
    response: LoginResponse,
    errors: [403, 409, 422, 502],
    // Retry-safe without a key: a second setup is refused with 409, and the reply holds a token.
    idempotent: false,
    handler: async ({ host, config, req, body }) => {
      assertSetupFromDesk(host, req, body.setupCode);
      const meta = { userAgent: req.get('user-agent'), ip: req.ip, ttlHours: config.sessionTtlHours };
      const session = body.join ? await setupByJoining(host, body, meta) : await setup(host, body, meta);
      retireSetupCode(host);
      return session;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/login',
    tag: 'Sign-in',
    access: 'public',
    status: 200,
    summary: 'Sign in with e-mail and password; returns an opaque bearer token',
    body: LoginRequest,
    response: LoginResponse,
    errors: [429],
    // Retry-safe without a key (a retry just opens another session); replaying would store the token.
    idempotent: false,
    handler: ({ host, config, req, body }) =>
      login(host, body, { userAgent: req.get('user-agent'), ip: req.ip, ttlHours: config.sessionTtlHours }),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout',
    tag: 'Sign-in',
    access: 'signed-in',
    summary: 'Sign out: revokes the token used for this request',
    response: null,
    handler: ({ ctx }) => {
      revokeSession(ctx, (ctx as AuthedCtx).actor.sessionId);
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/auth/me',
    tag: 'Sign-in',
    access: 'signed-in',
    summary: "The signed-in user, role and permissions, and the zone and locale of this host's depot",
    response: MeResponse,
    handler: ({ ctx }) => ({ ...describeUser((ctx as AuthedCtx).actor, ctx.orgId), depot: homeDepotLocale(ctx) }),
  }),
  defineRoute({
    method: 'get',
    path: '/sessions',
    tag: 'Sign-in',
    access: 'session:manage',
    summary: 'Active sessions of this organization (consoles, crew phones, scripts)',
    response: z.object({ items: z.array(SessionInfo) }),
    handler: ({ ctx }) => ({ items: listSessions(ctx as AuthedCtx) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/sessions/:id',
    tag: 'Sign-in',
    access: 'session:manage',
    summary: 'Revoke a session: its token stops working at once',
    params: IdParams,
    response: null,
    handler: ({ ctx, params }) => {
      assertSessionInOrg(ctx, params.id);
      revokeSession(ctx, params.id);
      return new Reply(204, undefined);
    },
  }),
];

/**
 * Slows password guessing two ways: per client address and e-mail (a few attempts a minute at one
 * account, successes included, as before) and per client address across e-mails, where only
 * failures count, so spraying one password over many accounts is stopped too (120 e-mails from one
 * address used to get 120 × 401) while a shared address whose people sign in correctly is not
 * slowed. Addresses are keyed by ipKeyGenerator (IPv6 by /56 prefix): one device cannot rotate
 * through its own prefix to escape the limit.
 */
export function loginRateLimiter(limits: { perEmailPerMinute: number; failuresPerAddressPerMinute: number }): RequestHandler[] {
  const refuse: RequestHandler = (_req, _res, next) =>
    next(new TooManyRequestsError('Too many sign-in attempts. Wait a minute and try again.'));
  return [
    rateLimit({
      windowMs: 60_000,
      limit: limits.failuresPerAddressPerMinute,
      skipSuccessfulRequests: true,
      identifier: 'login-per-address',
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // ipKeyGenerator is called inline: express-rate-limit checks the key function's source for it.
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
      handler: refuse,
    }),
    rateLimit({
      windowMs: 60_000,
      limit: limits.perEmailPerMinute,
      identifier: 'login-per-email',
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${typeof req.body?.email === 'string' ? req.body.email.toLowerCase() : ''}`,
      handler: refuse,
    }),
  ];
}
