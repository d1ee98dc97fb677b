import { and, eq } from 'drizzle-orm';
import { depots, stockItems, stockLevels } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { ConflictError } from '../errors.js';
import { assertSameOrg, mutateEntity } from '../http/crud.js';
import { moveStock, openLevel, roundQuantity } from './movements.js';

type LevelRow = typeof stockLevels.$inferSelect;

/**
 * Upsert of the (depot, item) level. A stock count is recorded as the movement that brings the sum
 * to what was counted (delta = counted − current), never as an absolute overwrite.
 */
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
    if (!existing) return { row: openLevel(w, { ...input, quantity: roundQuantity(input.quantity) }, 'count'), created: true };
    // reorder_level is a plain setting, not stock: it is written as given (last writer wins).
    const also = input.reorderLevel !== undefined ? { reorderLevel: input.reorderLevel } : {};
    const delta = roundQuantity(input.quantity - existing.quantity);
    return { row: moveStock(w, existing, { delta, kind: 'count' }, { expectedVersion, also }), created: false };
  });
}

/** Adds or takes stock. Refuses to go below zero: a negative count would hide a real shortage. */
export function adjustLevel(ctx: Ctx, id: string, delta: number, reason: string, expectedVersion?: number): LevelRow {
  return mutateEntity(ctx, 'stock level', 'stock.adjusted', (w) => {
    const before = w.get(stockLevels, id, 'stock level');
    if (roundQuantity(before.quantity + delta) < 0) {
      throw new ConflictError('insufficient_stock', `Only ${before.quantity} in stock; cannot take ${-delta}.`, {
        available: before.quantity,
      });
    }
    // The reason travels on the movement (audited with it), not in a separate audit entry.
    return moveStock(w, before, { delta, kind: 'adjustment', reason }, { expectedVersion });
  });
}
