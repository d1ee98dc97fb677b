import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { pairingCodes, users } from '../../db/schema/index.js';
import type { Ctx, Host } from '../core/context.js';

/** Codes that could still be claimed: unused, unrevoked, unexpired. */
export function activeCodes(ctx: Ctx, filter: { userId?: string | undefined }) {
  const now = ctx.host.clock.now();
  return ctx.host.db
    .select({ code: pairingCodes, userName: users.name })
    .from(pairingCodes)
    .innerJoin(users, eq(users.id, pairingCodes.userId))
    .where(
      and(
        eq(pairingCodes.orgId, ctx.orgId),
        isNull(pairingCodes.usedAt),
        isNull(pairingCodes.revokedAt),
        gt(pairingCodes.expiresAt, now),
        filter.userId ? eq(pairingCodes.userId, filter.userId) : undefined,
      ),
    )
    .orderBy(desc(pairingCodes.createdAt), desc(pairingCodes.id))
    .all();
}

/**
 * Looks a code up by its hash across the whole host: the phone claiming it has no org yet.
 * The org is taken from the row found, never from the caller.
 */
export function codeByHash(host: Host, hash: string) {
  return host.db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, hash)).get();
}

export function userInOrg(ctx: Ctx, userId: string) {
  return ctx.host.db
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.orgId, ctx.orgId)))
    .get();
}

export function userById(host: Host, userId: string) {
  return host.db.select().from(users).where(eq(users.id, userId)).get();
}
