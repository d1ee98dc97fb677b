import Database from 'better-sqlite3';
import type { Sqlite } from '../../db/client.js';
import type { PullRow } from './contract-protocol.js';
import { allPolicies } from '../../db/schema/sync-policies.js';
import { BucketDigest, rowContent } from './content-hash.js';
import { fromDriver, knownSyncTable, travels, type SyncColumn } from './sync-tables.js';

/**
 * The depot's side of the content check (docs/sync.md "Drift"): for each replicated entity table, the
 * columns both sides compare, and this depot's digest of a range of ids, read as the wire carries the
 * values (fromDriver), so a row equal to the hub's hashes equal.
 */

export interface ContentTable {
  table: string;
  /** DB names, in the order they are hashed. */
  columns: string[];
}

export interface LocalBucket {
  count: number;
  md5: string;
  /** Each row's content by id, to tell which rows of a differing bucket differ. */
  contents: Map<string, string>;
}

/**
 * Entity tables and the fields that travel. Left out: the organization's row (one row, under another
 * id at the hub) and the columns of a `conflict` natural key, which a depot may suffix on its own
 * without sending anything (row-apply.ts `keyed`), so they may differ from the hub's by design.
 */
export function contentTables(): ContentTable[] {
  const out: ContentTable[] = [];
  for (const p of allPolicies()) {
    if (p.merge !== 'entity' || p.table === 'organizations') continue;
    const t = knownSyncTable(p.table);
    if (!t) continue;
    const suffixed = new Set(p.naturalKey?.rule === 'conflict' ? p.naturalKey.columns : []);
    const columns = t.columns.filter((c) => travels(c) && !suffixed.has(c.name)).map((c) => c.name);
    if (columns.length) out.push({ table: p.table, columns });
  }
  return out;
}

/**
 * This depot's rows of `table` with ids in [first, last] (bytewise), hashed as the hub hashes its
 * bucket. Through its own read-only connection, like the id check: never the host's connection.
 */
export function localBucket(sqlite: Sqlite, table: ContentTable, orgId: string, first: string, last: string): LocalBucket {
  const t = knownSyncTable(table.table);
  if (!t) return { count: 0, md5: '', contents: new Map() };
  const cols = table.columns.map((n) => t.byName.get(n)).filter((c): c is SyncColumn => c !== undefined);
  const orgColumn = t.orgKey === 'id' ? 'id' : 'org_id';
  const reader = new Database(sqlite.name, { readonly: true, fileMustExist: true });
  try {
    const rows = reader
      .prepare(
        `SELECT id, ${cols.map((c) => `"${c.name}"`).join(', ')} FROM "${table.table}" WHERE "${orgColumn}" = ? AND id >= ? AND id <= ? ORDER BY id`,
      )
      .all(orgId, first, last) as Record<string, unknown>[];
    const digest = new BucketDigest();
    const contents = new Map<string, string>();
    for (const row of rows) {
      const fields: Record<string, unknown> = {};
      for (const c of cols) fields[c.name] = fromDriver(c, row[c.name]);
      const content = rowContent(fields, table.columns);
      contents.set(row.id as string, content);
      digest.add(row.id as string, content);
    }
    return { count: digest.count, md5: digest.digest(), contents };
  } finally {
    reader.close();
  }
}

/**
 * A hub row as the comparison read it: a nullable column the hub's fields lack is null (it was never
 * set there), so applying the row clears a value this depot has and the hub does not. A column that
 * may not be null is left out rather than cleared: the apply keeps this depot's value.
 */
export function withNulls(table: ContentTable, row: PullRow): PullRow {
  const t = knownSyncTable(table.table);
  if (!t) return row;
  const f = { ...row.f };
  for (const name of table.columns) if (!(name in f) && !t.byName.get(name)?.column.notNull) f[name] = null;
  return { ...row, f };
}
