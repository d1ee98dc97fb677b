import type { Request, RequestHandler } from 'express';
import { and, eq, isNull } from 'drizzle-orm';
import { AppError, ForbiddenError } from '../../errors.js';
import type { HubDeps } from '../deps.js';
import { nodeByCredentialHash, sessionByTokenHash } from '../db/lookups.js';
import { withOrg } from '../db/pool.js';
import { hubAccounts, hubSessions } from '../db/schema.js';
import { sha256 } from '../secrets.js';

/** A depot, authenticated by its node credential. */
export interface NodeAuth {
  orgId: string;
  nodeId: string;
}

/** A hub account, authenticated by its session token. */
export interface AccountAuth {
  orgId: string;
  accountId: string;
  sessionId: string;
  role: 'admin' | 'manager';
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
  return match?.[1] ?? null;
}

const noBearer = (what: string) => new AppError(401, 'unauthorized', `Send "Authorization: Bearer <${what}>".`);

/**
 * The depot's credential → `{orgId, nodeId}`. Only an active node's credential is found (the lookup
 * is SECURITY DEFINER, ids only): unknown, replaced (re-enrolled) or revoked credentials are 401.
 */
export async function authenticateNode(deps: HubDeps, req: Request): Promise<NodeAuth> {
  const token = bearerToken(req);
  if (!token) throw noBearer('node credential');
  const found = await nodeByCredentialHash(deps.pool, sha256(token));
  if (!found) {
    throw new AppError(
      401,
      'credential_revoked',
      'This node credential is unknown or revoked (the depot left the hub, an admin revoked it, or it re-enrolled). Enrol again with a new code.',
    );
  }
  return found;
}

export async function authenticateAccount(deps: HubDeps, req: Request): Promise<AccountAuth> {
  const token = bearerToken(req);
  if (!token) throw noBearer('token');
  const found = await sessionByTokenHash(deps.pool, sha256(token));
  const session = found
    ? await withOrg(deps.pool, found.orgId, async ({ db }) => {
        const [row] = await db
          .select({ expiresAt: hubSessions.expiresAt, role: hubAccounts.role })
          .from(hubSessions)
          .innerJoin(hubAccounts, and(eq(hubAccounts.orgId, hubSessions.orgId), eq(hubAccounts.id, hubSessions.accountId)))
          .where(and(eq(hubSessions.id, found.sessionId), isNull(hubSessions.revokedAt), eq(hubAccounts.active, true)));
        return row;
      })
    : undefined;
  if (!found || !session || session.expiresAt <= deps.now()) {
    throw new AppError(401, 'unauthorized', 'This token is unknown, expired or revoked. Sign in again.');
  }
  return { orgId: found.orgId, accountId: found.accountId, sessionId: found.sessionId, role: session.role };
}

/**
 * Node auth for depot requests, as Express middleware: sets `req.hubNode`. Exported for features
 * that mount their own routers (server/hub/sync/); declared routes say `access: 'node'` instead.
 */
export function requireNode(deps: HubDeps): RequestHandler {
  return (req, _res, next) => {
    authenticateNode(deps, req).then((node) => {
      req.hubNode = node;
      next();
    }, next);
  };
}

/** Hub account auth as middleware: sets `req.hubAccount`; `role: 'admin'` also refuses managers. */
export function requireAccount(deps: HubDeps, opts: { role?: 'admin' } = {}): RequestHandler {
  return (req, _res, next) => {
    authenticateAccount(deps, req).then((account) => {
      if (opts.role === 'admin' && account.role !== 'admin') {
        return next(new ForbiddenError(`This needs a hub admin; your account is a ${account.role}.`));
      }
      req.hubAccount = account;
      next();
    }, next);
  };
}
