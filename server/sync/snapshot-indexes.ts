import type { Sqlite } from '../../db/client.js';

/**
 * A snapshot (a catch-up from version 0: a depot joining, or told to start again) writes the whole
 * organization into the depot's tables, and each row then pays for every secondary index of its
 * table: seventeen on work_orders. B-trees built once at the end cost a fraction of that. So the
 * first page of a multi-page snapshot drops the secondary indexes of the big tables, recording their
 * SQL in host_settings in the same transaction; the page that ends the catch-up builds them again
 * from that SQL. A host that stopped half way builds them at its next start (host.ts), so a crash
 * never leaves a depot without its indexes for longer than the snapshot itself.
 *
 * Unique indexes stay: natural-key clashes are detected by them while the rows go in (row-apply.ts).
 * So do the indexes the apply itself reads while it writes: a new work order's derived stamps replay
 * its status history (derived.ts STATUS_EVENTS_SQL), and without this index that read is a scan of
 * every event already applied, once per work order: quadratic in a real organization's history.
 */

export const DROPPED_INDEXES_KEY = 'sync_snapshot_dropped_indexes';
const TABLES = ['work_orders', 'work_order_events', 'work_order_messages', 'audit_log'];
export const KEPT_INDEXES = ['work_order_events_wo_type_idx'];

interface IndexSql {
  name: string;
  sql: string;
}

function recorded(sqlite: Sqlite): IndexSql[] | null {
  const raw = sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(DROPPED_INDEXES_KEY) as string | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as IndexSql[]);
}

/** Drops the big tables' secondary indexes for a snapshot; inside the caller's transaction. No-op when already dropped. */
export function deferIndexes(sqlite: Sqlite): number {
  if (recorded(sqlite)) return 0;
  const indexes = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master
        WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map(() => '?').join(', ')})
          AND upper(sql) NOT LIKE 'CREATE UNIQUE%' AND name NOT IN (${KEPT_INDEXES.map(() => '?').join(', ')})
        ORDER BY name`,
    )
    .all(...TABLES, ...KEPT_INDEXES) as IndexSql[];
  sqlite.prepare('INSERT INTO host_settings (key, value) VALUES (?, ?)').run(DROPPED_INDEXES_KEY, JSON.stringify(indexes));
  for (const i of indexes) sqlite.exec(`DROP INDEX "${i.name.replace(/"/g, '""')}"`);
  return indexes.length;
}

/** Builds the dropped indexes again from their recorded SQL; inside a transaction of the caller's, or its own. */
export function restoreIndexes(sqlite: Sqlite): number {
  const indexes = recorded(sqlite);
  if (!indexes) return 0;
  const run = () => {
    for (const i of indexes) {
      const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(i.name);
      if (!exists) sqlite.exec(i.sql);
    }
    sqlite.prepare('DELETE FROM host_settings WHERE key = ?').run(DROPPED_INDEXES_KEY);
  };
  if (sqlite.inTransaction) run();
  else sqlite.transaction(run)();
  return indexes.length;
}
