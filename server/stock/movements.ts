import type { Sqlite } from '../../db/client.js';
import { stockLevels, stockMovements, type StockMovementKind } from '../../db/schema/index.js';
import type { Writer } from '../core/mutate.js';
import { stockLevelId } from '../ids/natural.js';
import { perConnection } from '../../db/per-connection.js';

/**
 * Stock moves by appending deltas (stock_movements); a level's quantity is the sum of its
 * movements. Two depots that each take stock offline then merge by adding their movements, where
 * two absolute quantities would have overwritten each other. `stock_levels.quantity` stays as a
 * cached value for readers, rewritten from the sum in the same mutation as every movement.
 */

type LevelRow = typeof stockLevels.$inferSelect;
export type LevelKey = { depotId: string; itemId: string };
export type Movement = {
  delta: number;
  kind: StockMovementKind;
  reason?: string | null;
  workOrderId?: string | null;
  usageId?: string | null;
};

/** Six decimals: repeated decimal withdrawals must not leave 0.30000000000000004 on the shelf. */
export function roundQuantity(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  return r === 0 ? 0 : r; // no -0 in responses
}

/** A level's movements summed, one statement per connection (sync's apply recomputes levels by it too). */
export const movementSumStatement = perConnection((sqlite: Sqlite) =>
  sqlite.prepare('SELECT total(delta) FROM stock_movements WHERE depot_id = ? AND item_id = ? AND org_id = ?').pluck(),
);

/** The truth about a level: the rounded sum of its movements (the level's index walks only its own rows). */
export function movementSum(w: Writer, key: LevelKey): number {
  return roundQuantity(movementSumStatement(w.ctx.host.sqlite).get(key.depotId, key.itemId, w.ctx.orgId) as number);
}

/** Appends one movement and returns the level's new quantity (the sum including it). */
function append(w: Writer, key: LevelKey, m: Movement): number {
  w.insert(stockMovements, {
    depotId: key.depotId,
    itemId: key.itemId,
    delta: m.delta,
    kind: m.kind,
    reason: m.reason ?? null,
    workOrderId: m.workOrderId ?? null,
    usageId: m.usageId ?? null,
    actorId: w.ctx.actor.userId,
    at: w.now,
  });
  return movementSum(w, key);
}

/**
 * Records a movement on an existing level and stores the new sum on it, with `also` (other
 * columns of the level, e.g. a new reorder level) in the same update.
 */
export function moveStock(
  w: Writer,
  level: LevelRow,
  m: Movement,
  opts: { expectedVersion?: number | undefined; also?: Pick<Partial<LevelRow>, 'reorderLevel'> } = {},
): LevelRow {
  const quantity = append(w, level, m);
  return w.update(stockLevels, level.id, { ...opts.also, quantity }, { before: level, expectedVersion: opts.expectedVersion }).after;
}

/**
 * Creates the (depot, item) level with its first movement: 'initial' for opening stock (seed,
 * fixtures), 'count' for a first stock count. The id is derived from (org, depot, item), so two
 * depots that open the same level offline create one row, not two.
 */
export function openLevel(
  w: Writer,
  input: LevelKey & { quantity: number; reorderLevel?: number | null | undefined },
  kind: 'initial' | 'count' = 'initial',
): LevelRow {
  const quantity = append(w, input, { delta: input.quantity, kind });
  return w.insert(stockLevels, {
    id: stockLevelId(w.ctx.orgId, input.depotId, input.itemId),
    depotId: input.depotId,
    itemId: input.itemId,
    quantity,
    reorderLevel: input.reorderLevel ?? null,
  });
}
