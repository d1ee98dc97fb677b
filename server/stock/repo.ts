import { and, eq } from 'drizzle-orm';
import { stockLevels, stockMovements } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { afterCursor, orderBy, parseSort, toPage } from '../http/pagination.js';
import type { StockMovementQuery } from './contract.js';

type MovementRow = typeof stockMovements.$inferSelect;

const toMovementDto = (r: MovementRow) => ({
  id: r.id,
  depotId: r.depotId,
  itemId: r.itemId,
  delta: r.delta,
  kind: r.kind,
  reason: r.reason,
  workOrderId: r.workOrderId,
  usageId: r.usageId,
  actorId: r.actorId,
  at: iso(r.at),
});

/** A level's movement history, newest first by default; another org's level is "not found". */
export function listMovements(ctx: Ctx, levelId: string, query: StockMovementQuery) {
  const level = ctx.host.db
    .select({ depotId: stockLevels.depotId, itemId: stockLevels.itemId })
    .from(stockLevels)
    .where(and(eq(stockLevels.id, levelId), eq(stockLevels.orgId, ctx.orgId)))
    .get();
  if (!level) throw new NotFoundError('stock level', levelId);
  const spec = parseSort(query.sort, { at: stockMovements.at }, '-at');
  const rows = ctx.host.db
    .select()
    .from(stockMovements)
    .where(
      and(
        eq(stockMovements.orgId, ctx.orgId),
        eq(stockMovements.depotId, level.depotId),
        eq(stockMovements.itemId, level.itemId),
        query.kind ? eq(stockMovements.kind, query.kind) : undefined,
        afterCursor(spec, stockMovements.id, query.cursor),
      ),
    )
    .orderBy(...orderBy(spec, stockMovements.id))
    .limit(query.limit + 1)
    .all();
  const page = toPage(rows, query.limit, spec, (r) => r.at);
  return { items: page.items.map(toMovementDto), nextCursor: page.nextCursor };
}
