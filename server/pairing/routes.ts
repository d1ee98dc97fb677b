import { ipKeyGenerator } from 'express-rate-limit';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { IdParams, page } from '../http/contract-common.js';
import { UnauthorizedError } from '../errors.js';
import { LoginResponse } from '../auth/contract.js';
import type { AuthedCtx } from '../auth/service.js';
import { PairingClaimRequest, PairingCodeCreated, PairingCodeCreateRequest, PairingCodeInfo, PairingCodeListQuery } from './contract.js';
import { claimPairingCode, createPairingCode, listPairingCodes, revokePairingCode } from './service.js';

export const pairingRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/pairing-codes',
    tag: 'Sign-in',
    access: 'session:manage',
    summary: 'Create a one-time code (shown as a QR) that signs a crew phone in as a technician',
    body: PairingCodeCreateRequest,
    response: PairingCodeCreated,
    // The reply holds the code itself; replaying it would keep that secret in the idempotency
    // store. A retry without a key just makes another short-lived code, which is harmless.
    idempotent: false,
    handler: ({ ctx, body }) => createPairingCode(ctx as AuthedCtx, body),
  }),
  defineRoute({
    method: 'get',
    path: '/pairing-codes',
    tag: 'Sign-in',
    access: 'session:manage',
    // Unpaged: codes live at most an hour, so an org never has more than a handful active.
    summary: 'Pairing codes that can still be claimed (the codes themselves are never shown again)',
    query: PairingCodeListQuery,
    response: page(PairingCodeInfo),
    handler: ({ ctx, query }) => ({ items: listPairingCodes(ctx as AuthedCtx, query), nextCursor: null }),
  }),
  defineRoute({
    method: 'delete',
    path: '/pairing-codes/:id',
    tag: 'Sign-in',
    access: 'session:manage',
    summary: 'Revoke a pairing code before it is used',
    params: IdParams,
    response: null,
    handler: ({ ctx, params }) => {
      revokePairingCode(ctx as AuthedCtx, params.id);
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/pairing/claim',
    tag: 'Sign-in',
    access: 'public',
    status: 200,
    summary: 'A crew phone trades a pairing code for a crew session; returns a bearer token',
    body: PairingClaimRequest,
    response: LoginResponse,
    errors: [429],
    // The reply holds a token; a retry after a lost reply meets a used code and the phone asks for a new one.
    idempotent: false,
    handler: ({ host, config, services, req, body }) => {
      const limiter = services.pairingLimiter;
      const key = ipKeyGenerator(req.ip ?? '');
      limiter.check(key);
      try {
        return claimPairingCode(host, body, { userAgent: req.get('user-agent'), ip: req.ip, ttlHours: config.sessionTtlHours });
      } catch (err) {
        if (err instanceof UnauthorizedError) limiter.fail(key);
        throw err;
      }
    },
  }),
];
