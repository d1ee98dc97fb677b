import { and, eq } from 'drizzle-orm';
import { users, workOrderMessages } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { iso } from '../http/contract-common.js';
import { afterCursor, orderBy, parseSort, toPage } from '../http/pagination.js';
import type { MessageDto } from './contract.js';

type MessageRow = typeof workOrderMessages.$inferSelect;

export function toMessageDto(m: MessageRow, author: { name: string; role: string } | null): MessageDto {
  return {
    id: m.id,
    workOrderId: m.workOrderId,
    authorId: m.authorId,
    authorName: author?.name ?? null,
    authorRole: author?.role ?? null,
    body: m.body,
    writtenAt: iso(m.writtenAt),
    createdAt: iso(m.createdAt),
  };
}

/** Fixed order: arrival (createdAt, then id). */
const ORDER = { createdAt: workOrderMessages.createdAt };

/**
 * A work order's thread, oldest first, in pages. Always in arrival order: a new message lands after
 * the last page, so a client holding a cursor picks it up on the next fetch. The caller has
 * already checked the work order is in the caller's scope.
 */
export function listMessages(ctx: Ctx, workOrderId: string, q: { limit: number; cursor?: string | undefined }) {
  const spec = parseSort(undefined, ORDER, 'createdAt');
  const rows = ctx.host.db
    .select({ m: workOrderMessages, name: users.name, role: users.role })
    .from(workOrderMessages)
    .leftJoin(users, eq(users.id, workOrderMessages.authorId))
    .where(
      and(
        eq(workOrderMessages.orgId, ctx.orgId),
        eq(workOrderMessages.workOrderId, workOrderId),
        afterCursor(spec, workOrderMessages.id, q.cursor),
      ),
    )
    .orderBy(...orderBy(spec, workOrderMessages.id))
    .limit(q.limit + 1)
    .all()
    .map((r) => ({
      id: r.m.id,
      dto: toMessageDto(r.m, r.name !== null && r.role !== null ? { name: r.name, role: r.role } : null),
      createdAt: r.m.createdAt,
    }));
  const page = toPage(rows, q.limit, spec, (r) => r.createdAt);
  return { items: page.items.map((r) => r.dto), nextCursor: page.nextCursor };
}
