import { and, eq } from 'drizzle-orm';
import { depots, stockItems, stockLevels } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { ConflictError } from '../errors.js';
import { assertSameOrg, mutateEntity } from '../http/crud.js';

type LevelRow = typeof stockLevels.$inferSelect;

/** Upsert of the (depot, item) level: a stock count sets the quantity outright. */
export function putLevel(
  ctx: Ctx,
  input: { depotId: string; itemId: string; quantity: number; reorderLevel?: number | null | undefined },
  expectedVersion?: number,
): { row: LevelRow; created: boolean } {
  return mutateEntity(ctx, 'stock level', 'stock.level_set', (w) => {
    assertSameOrg(w, depots, input.depotId, 'depotId', 'depot');
    assertSameOrg(w, stockItems, input.itemId, 'itemId', 'stock item');
    const existing = w.ctx.host.db
      .select()
      .from(stockLevels)
      .where(and(eq(stockLevels.orgId, ctx.orgId), eq(stockLevels.depotId, input.depotId), eq(stockLevels.itemId, input.itemId)))
      .get();
    const patch = { quantity: input.quantity, ...(input.reorderLevel !== undefined ? { reorderLevel: input.reorderLevel } : {}) };
    if (existing) return { row: w.update(stockLevels, existing.id, patch, { before: existing, expectedVersion }).after, created: false };
    return { row: w.insert(stockLevels, { depotId: input.depotId, itemId: input.itemId, reorderLevel: null, ...patch }), created: true };
  });
}

/** Adds or takes stock. Refuses to go below zero: a negative count would hide a real shortage. */
export function adjustLevel(ctx: Ctx, id: string, delta: number, reason: string, expectedVersion?: number): LevelRow {
  return mutateEntity(ctx, 'stock level', 'stock.adjusted', (w) => {
    const before = w.get(stockLevels, id, 'stock level');
    const quantity = before.quantity + delta;
    if (quantity < 0) {
      throw new ConflictError('insufficient_stock', `Only ${before.quantity} in stock; cannot take ${-delta}.`, {
        available: before.quantity,
      });
    }
    const { after } = w.update(stockLevels, id, { quantity }, { before, expectedVersion });
    // The row keeps no reason column, so the reason gets its own audit entry in the same transaction.
    w.audit('stock.adjusted', 'stock_levels', id, { quantity: before.quantity }, { quantity, delta, reason });
    return after;
  });
}
