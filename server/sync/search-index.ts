import type { Sqlite } from '../../db/client.js';

/**
 * Work-order full-text search (db/migrations/0001) is kept by row triggers. Inside one transaction
 * FTS5 flushes its pending terms at every statement's savepoint, so a pull page that writes
 * hundreds of work orders row by row wrote hundreds of tiny index segments: a 100,000-row snapshot
 * spent most of its time there. A page with many work orders instead runs with the insert and
 * update triggers dropped (in its own transaction, so a failure brings them back with the rollback)
 * and indexes its rows in two set-based statements: the old text out, the new text in.
 */
const TRIGGERS = ['work_orders_fts_ai', 'work_orders_fts_au'];

/** Below this many work orders a page keeps the triggers: dropping them makes every prepared statement re-prepare once. */
export const BULK_SEARCH_INDEX_FROM = 50;

export function withBulkSearchIndex<T>(sqlite: Sqlite, workOrderIds: readonly string[], apply: () => T): T {
  const triggers = sqlite
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'work_orders' AND name IN (${TRIGGERS.map(() => '?').join(', ')})`,
    )
    .all(...TRIGGERS) as { name: string; sql: string }[];
  if (workOrderIds.length < BULK_SEARCH_INDEX_FROM || triggers.length !== TRIGGERS.length) return apply();
  const ids = JSON.stringify(workOrderIds);
  const text = `SELECT rowid, number, title, coalesce(description, '') FROM work_orders WHERE id IN (SELECT value FROM json_each(?))`;
  // External content: a delete must name the text the index holds, which is the rows' text now.
  sqlite
    .prepare(
      `INSERT INTO work_orders_fts (work_orders_fts, rowid, number, title, description) SELECT 'delete', ${text.slice('SELECT '.length)}`,
    )
    .run(ids);
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  try {
    const out = apply();
    sqlite.prepare(`INSERT INTO work_orders_fts (rowid, number, title, description) ${text}`).run(ids);
    return out;
  } finally {
    // Recreated from their own stored SQL, so this never drifts from the migration that made them.
    for (const t of triggers) sqlite.exec(t.sql);
  }
}
