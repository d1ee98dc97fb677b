import { and, asc, eq, isNull } from 'drizzle-orm';
import { slaPolicies } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';

export type SlaPolicyRow = typeof slaPolicies.$inferSelect;

/** Every policy of the org; an org has at most types × priorities (20) of them. */
export function allPolicies(ctx: Ctx): SlaPolicyRow[] {
  return ctx.host.db
    .select()
    .from(slaPolicies)
    .where(and(eq(slaPolicies.orgId, ctx.orgId), isNull(slaPolicies.deletedAt)))
    .orderBy(asc(slaPolicies.type), asc(slaPolicies.priority))
    .all();
}
