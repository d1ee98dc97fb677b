import Database from 'better-sqlite3';
import type { Row } from './stats.js';

/** Issue 13's goal for the change log on disk, and the figures of the old whole-row log (design note, small demo). */
const TARGET_BYTES_PER_FIELD = 150;
const BEFORE = '259 B/field change, change_log 43.6 MiB (+4.1 MiB indexes) on the small demo (old whole-row format)';

/**
 * Size of the mutation log of a seeded depot, read with SQLite's dbstat (pages on disk, indexes and
 * unused space included): bytes per field change, where a field change is one key of a change row's
 * `fields` (an insert counts each column it carries) and a delete counts one.
 */
export function benchChangeLog(file: string): Row[] {
  const db = new Database(file, { readonly: true });
  try {
    const bytes = db
      .prepare(
        "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ('mutations', 'changes') OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('mutations', 'changes'))",
      )
      .pluck()
      .get() as number;
    const { rows, mutations } = db
      .prepare('SELECT (SELECT count(*) FROM changes) AS rows, (SELECT count(*) FROM mutations) AS mutations')
      .get() as { rows: number; mutations: number };
    const fieldChanges = db
      .prepare(
        "SELECT coalesce(sum(CASE WHEN fields IS NULL OR fields = '{}' THEN 1 ELSE (SELECT count(*) FROM json_each(fields)) END), 0) FROM changes",
      )
      .pluck()
      .get() as number;
    const perField = fieldChanges ? bytes / fieldChanges : 0;
    return [
      {
        metric: `change log on disk (${mutations.toLocaleString('en')} mutations, ${rows.toLocaleString('en')} change rows, with indexes)`,
        value: `${(bytes / 1_048_576).toFixed(1)} MiB`,
        target: `before: ${BEFORE}`,
        pass: null,
      },
      {
        metric: `change log bytes per field change (${fieldChanges.toLocaleString('en')} field changes)`,
        value: `${perField.toFixed(0)} B`,
        target: `≤ ${TARGET_BYTES_PER_FIELD} B`,
        pass: fieldChanges > 0 && perField <= TARGET_BYTES_PER_FIELD,
      },
    ];
  } finally {
    db.close();
  }
}
