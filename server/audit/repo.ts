import { and, eq } from 'drizzle-orm';
import { auditLog, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { iso } from '../http/contract-common.js';
import { afterCursor, orderBy, parseSort, toPage } from '../http/pagination.js';

/** The org's audit trail, newest first (served by audit_log_org_at_idx / audit_log_entity_idx). */
export function listAudit(
  ctx: Ctx,
  q: { limit: number; cursor?: string | undefined; entity?: string | undefined; entityId?: string | undefined },
) {
  const spec = parseSort('-at', { at: auditLog.at }, '-at');
  const rows = ctx.host.db
    .select({ entry: auditLog, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.orgId, ctx.orgId),
        q.entity ? eq(auditLog.entity, q.entity) : undefined,
        q.entityId ? eq(auditLog.entityId, q.entityId) : undefined,
        afterCursor(spec, auditLog.id, q.cursor),
      ),
    )
    .orderBy(...orderBy(spec, auditLog.id))
    .limit(q.limit + 1)
    .all()
    .map(({ entry, actorName }) => ({ ...entry, actorName }));
  const p = toPage(rows, q.limit, spec, (r) => r.at);
  return {
    items: p.items.map((r) => ({
      id: r.id,
      actorId: r.actorId,
      actorName: r.actorName,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      before: r.before,
      after: r.after,
      requestId: r.requestId,
      at: iso(r.at),
    })),
    nextCursor: p.nextCursor,
  };
}
