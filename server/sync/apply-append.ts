import type { Statement } from 'better-sqlite3';
import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db, Sqlite } from '../../db/client.js';
import * as schema from '../../db/schema/index.js';
import type { TablePolicy } from '../../db/schema/sync-policy.js';
import { policyOf } from '../../db/schema/sync-policies.js';
import { sameJson } from './sync-tables.js';
import { perConnection } from '../../db/per-connection.js';

/**
 * Applies one received row of an append-only table (issue 13 item 4: "applying an append-only row
 * twice is a no-op, never an abort"). The depot's sync client (issue 15) calls it for each insert of
 * a mutation it pulled from the hub, inside the transaction where it records that mutation; that
 * record, not a change row of our own, is what says the row came from elsewhere, so nothing here
 * writes to the change log.
 *
 * Only `append` tables qualify, and of those only the ones whose row this depot can take as it is:
 * - `batch` tables (telemetry readings, vehicle positions) are refused: their integer id is unique on
 *   the origin node only, so inserting it here would collide with this depot's own ids, and DO NOTHING
 *   would then silently drop a different reading. They need the (origin node, epoch, local id) key
 *   that issue 15 adds.
 * - A table with a `local` column this function cannot fill is refused (the audit log: seq and hash
 *   chain this depot's own rows, so a received entry must go through appendAudit).
 *
 * The append-only triggers (0001, 0006, 0010) are BEFORE UPDATE / BEFORE DELETE; an upsert that does
 * nothing fires neither, so the duplicate path never reaches them. Only audit_log has a BEFORE
 * INSERT trigger, and it is refused above.
 */

export class AppendRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppendRefusedError';
  }
}

/** A received row: travelling (key and synced) columns by DB name, values as the change log's JSON holds them. */
export type ReceivedRow = Readonly<Record<string, unknown>>;

interface AppendTarget {
  table: SQLiteTable & { id: SQLiteColumn };
  name: string;
  /** drizzle key → column, for binding values as drizzle would (JSON, booleans). */
  columns: Record<string, SQLiteColumn>;
  /** DB name → drizzle key, for the columns a received row may carry. */
  travelling: Map<string, string>;
  /** drizzle key of `updated_at`, filled from `created_at` (an append-only row is never updated after it). */
  updatedAtKey: string | null;
}

// `version` has a column default (1); `updated_at` is set below. Any other local column is the receiver's own state.
const FILLABLE_LOCAL = new Set(['version', 'updated_at']);

const TABLES = new Map<string, SQLiteTable>();
for (const value of Object.values(schema)) if (is(value, SQLiteTable)) TABLES.set(getTableName(value), value);

const targets = new Map<string, AppendTarget>();

function targetOf(tableName: string): AppendTarget {
  const known = targets.get(tableName);
  if (known) return known;
  let policy: TablePolicy;
  try {
    policy = policyOf(tableName);
  } catch {
    throw new AppendRefusedError(`${tableName}: no such table has a sync policy, so no row of it can be applied.`);
  }
  if (policy.merge === 'batch')
    throw new AppendRefusedError(
      `${tableName}: a batch table's integer ids are unique on their origin node only; its rows need an (origin node, epoch, local id) key before they can be applied here.`,
    );
  if (policy.merge !== 'append')
    throw new AppendRefusedError(
      `${tableName}: its merge rule is '${policy.merge}', not 'append'; only append-only rows are inserted once.`,
    );
  const travelling = new Map<string, string>();
  let updatedAtKey: string | null = null;
  for (const [key, c] of policy.columns) {
    if (c.kind === 'key' || c.kind === 'synced') travelling.set(c.name, key);
    else if (c.name === 'updated_at') updatedAtKey = key;
    else if (!FILLABLE_LOCAL.has(c.name))
      throw new AppendRefusedError(
        `${tableName}: its ${c.kind} column ${c.name} is this depot's own, so a received row cannot be inserted as it is.`,
      );
  }
  const table = TABLES.get(tableName);
  if (!table || !('id' in table)) throw new AppendRefusedError(`${tableName}: not a table of this schema with an id column.`);
  const target: AppendTarget = {
    table: table as AppendTarget['table'],
    name: tableName,
    columns: getTableColumns(table) as Record<string, SQLiteColumn>,
    travelling,
    updatedAtKey,
  };
  targets.set(tableName, target);
  return target;
}

/**
 * Inserts `row` into `tableName` with ON CONFLICT (id) DO NOTHING; true when it inserted, false when
 * the same row was already there. Throws AppendRefusedError for a table that is not append-only, a
 * column the policy does not let travel, a row without id or org, or an id already holding a
 * different row (a second fact under one id is a bug to see, not a duplicate to drop).
 */
export function applyAppendRow(db: Db, tableName: string, row: ReceivedRow): boolean {
  const target = targetOf(tableName);
  const { travelling, updatedAtKey } = target;
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    const key = travelling.get(name);
    if (!key) throw new AppendRefusedError(`${tableName}.${name}: not a column that travels in its sync policy, so it is not applied.`);
    values[key] = value;
  }
  const id = values.id;
  if (typeof id !== 'string' || typeof values.orgId !== 'string')
    throw new AppendRefusedError(`${tableName}: a received row needs its id and org_id.`);
  if (updatedAtKey) values[updatedAtKey] = values.createdAt;
  // Prepared per table and column set (a pull applies thousands of facts a page; drizzle's builder
  // was most of that time). Conflict target is the id only: a clash on any other unique index is a
  // real error and still aborts.
  const keys = Object.keys(values).filter((k) => values[k] !== undefined);
  // drizzle() returns the database with its connection as $client; the exported Db type leaves it out.
  const sqlite = (db as unknown as { $client: Sqlite }).$client;
  const statements = preparedFor(sqlite, target, keys);
  const params = keys.map((k) => (values[k] === null ? null : target.columns[k]!.mapToDriverValue(values[k])));
  const inserted = statements.insert.run(params).changes === 1;
  if (inserted) return true;
  const raw = statements.find.get(id) as Record<string, unknown> | undefined;
  const existing: Record<string, unknown> | undefined = raw && {};
  if (raw && existing)
    for (const [key, column] of Object.entries(target.columns)) {
      const v = raw[column.name];
      existing[key] = v === null || v === undefined ? v : column.mapFromDriverValue(v);
    }
  // The change log leaves null columns out of an insert, so an absent column means null.
  const differs = [...travelling.values()].filter((key) => !sameJson(existing?.[key] ?? null, values[key] ?? null));
  if (differs.length > 0)
    throw new AppendRefusedError(`${tableName} ${id}: already holds a different row (${differs.join(', ')} differ); not applied.`);
  return false;
}

const prepared = perConnection((_sqlite: Sqlite) => new Map<string, { insert: Statement; find: Statement }>());

function preparedFor(sqlite: Sqlite, target: AppendTarget, keys: string[]): { insert: Statement; find: Statement } {
  const byShape = prepared(sqlite);
  const shape = `${target.name}\n${keys.join(',')}`;
  let s = byShape.get(shape);
  if (!s) {
    const names = keys.map((k) => `"${target.columns[k]!.name}"`);
    s = {
      insert: sqlite.prepare(
        `INSERT INTO "${target.name}" (${names.join(', ')}) VALUES (${keys.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`,
      ),
      find: sqlite.prepare(`SELECT * FROM "${target.name}" WHERE id = ?`),
    };
    byShape.set(shape, s);
  }
  return s;
}
