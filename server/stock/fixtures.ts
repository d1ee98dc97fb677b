import type { Sqlite } from '../../db/client.js';
import { roundQuantity } from './movements.js';

/**
 * Test check: every stock level whose cached quantity is not the rounded sum of its movements
 * (the sum is the truth; the level must never drift from it). Empty when all is well.
 */
export function levelsOffTheirMovements(sqlite: Sqlite): { id: string; quantity: number; sum: number }[] {
  const rows = sqlite
    .prepare(
      `SELECT l.id, l.quantity,
              (SELECT total(m.delta) FROM stock_movements m WHERE m.org_id = l.org_id AND m.depot_id = l.depot_id AND m.item_id = l.item_id) AS sum
         FROM stock_levels l`,
    )
    .all() as { id: string; quantity: number; sum: number }[];
  return rows.map((r) => ({ ...r, sum: roundQuantity(r.sum) })).filter((r) => r.quantity !== r.sum);
}

/** How many levels the check above looked at, so a test can tell it did not pass on an empty table. */
export function levelCount(sqlite: Sqlite): number {
  return sqlite.prepare('SELECT count(*) FROM stock_levels').pluck().get() as number;
}
