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
 * The work-order search index goes the same way: its insert and update triggers are dropped with the
 * indexes (search-index.ts then leaves every page alone) and the page that ends the snapshot rebuilds
 * it in one pass, which cost a third of indexing each 5,000-row page inside its transaction.
 *
 * Unique indexes stay: natural-key clashes are detected by them while the rows go in (row-apply.ts).
 * So do the indexes the apply itself reads while it writes: a new work order's derived stamps replay
 * its status history (derived.ts STATUS_EVENTS_SQL), and without this index that read is a scan of
 * every event already applied, once per work order: quadratic in a real organization's history.
 */

export const DROPPED_INDEXES_KEY = 'sync_snapshot_dropped_indexes';
const TABLES = ['work_orders', 'work_order_events', 'work_order_messages', 'audit_log'];
export const KEPT_INDEXES = ['work_order_events_wo_type_idx'];

/** Search-index triggers dropped with the indexes (the delete trigger stays: a rebuild makes any delete right). */
const FTS_TRIGGERS = ['work_orders_fts_ai', 'work_orders_fts_au'];

interface IndexSql {
  name: string;
  sql: string;
  /** Absent in records written before triggers were deferred too: an index. */
  type?: 'index' | 'trigger';
}

function recorded(sqlite: Sqlite): IndexSql[] | null {
  const raw = sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(DROPPED_INDEXES_KEY) as string | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as IndexSql[]);
}

/** Drops the big tables' secondary indexes and the search triggers for a snapshot; inside the caller's transaction. No-op when already dropped. */
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
  const triggers = sqlite
    .prepare(
      `SELECT name, sql, 'trigger' AS type FROM sqlite_master WHERE type = 'trigger' AND name IN (${FTS_TRIGGERS.map(() => '?').join(', ')}) ORDER BY name`,
    )
    .all(...FTS_TRIGGERS) as IndexSql[];
  const dropped = [...indexes, ...triggers];
  sqlite.prepare('INSERT INTO host_settings (key, value) VALUES (?, ?)').run(DROPPED_INDEXES_KEY, JSON.stringify(dropped));
  for (const i of dropped) sqlite.exec(`DROP ${i.type === 'trigger' ? 'TRIGGER' : 'INDEX'} "${i.name.replace(/"/g, '""')}"`);
  return dropped.length;
}

/** Builds the dropped indexes and triggers again from their recorded SQL, and the search index; inside a transaction of the caller's, or its own. */
export function restoreIndexes(sqlite: Sqlite): number {
  const indexes = recorded(sqlite);
  if (!indexes) return 0;
  const run = () => {
    for (const i of indexes) {
      const exists = sqlite.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get(i.type ?? 'index', i.name);
      if (!exists) sqlite.exec(i.sql);
    }
    // Rows written while the triggers were away are not in the search index yet: one pass over the table.
    if (indexes.some((i) => i.type === 'trigger')) sqlite.prepare("INSERT INTO work_orders_fts (work_orders_fts) VALUES ('rebuild')").run();
    sqlite.prepare('DELETE FROM host_settings WHERE key = ?').run(DROPPED_INDEXES_KEY);
  };
  if (sqlite.inTransaction) run();
  else sqlite.transaction(run)();
  return indexes.length;
}
