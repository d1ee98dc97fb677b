import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * How one column travels between replicas (issue 13, design 3.2):
 * - `key`: the row's identity (id, org); sent with every change, never updated.
 * - `synced`: sent; last writer (by HLC) wins per field on entity tables.
 * - `intent`: sent as a transition `{from, to, v}` that the receiver validates against its own row.
 * - `derived`: never sent; whoever applies a change recomputes it (SLA stamps, stock quantity).
 * - `local`: never leaves this depot (version, updated_at, job state, file paths).
 * - `secret`: never leaves this depot and never reaches the audit in clear (password and code hashes).
 */
export type ColumnPolicy = 'key' | 'synced' | 'intent' | 'derived' | 'local' | 'secret';

/**
 * How a table's rows merge at a receiver:
 * - `entity`: last writer wins per field by HLC, tombstones instead of deletes.
 * - `append`: inserted once (`ON CONFLICT DO NOTHING`), a fact that is not edited.
 * - `batch`: insert-only ranges keyed by (node, epoch, local id) (telemetry readings, positions).
 * - `derived`: never sent; rebuilt from other tables.
 * - `local`: never sent.
 */
export type MergeRule = 'entity' | 'append' | 'batch' | 'derived' | 'local';

/**
 * What happens when two replicas create rows with the same natural key:
 * - `same-row`: the key names the thing, so both get one deterministic id and merge as one row.
 * - `conflict`: the receiver keeps both, suffixes the later one and records a conflict for an admin.
 * - `unique`: must never collide (numbers carry the depot's code; e-mails are host-wide sign-in names).
 */
export type NaturalKeyRule = 'same-row' | 'conflict' | 'unique';

export interface NaturalKey {
  /** DB column names; the org is implied (every natural key is per org unless it is org_id itself). */
  columns: string[];
  rule: NaturalKeyRule;
}

export interface ColumnInfo {
  /** DB column name (snake_case), as change rows spell it. */
  name: string;
  kind: ColumnPolicy;
}

export interface TablePolicy {
  /** DB table name. */
  table: string;
  merge: MergeRule;
  naturalKey?: NaturalKey;
  /** Keyed by drizzle's JS property name, in the table's column order. */
  columns: ReadonlyMap<string, ColumnInfo>;
}

/** Every column of the table must be named: a column added to the schema without a policy is a compile error. */
export type ColumnPolicies<T extends SQLiteTable> = { [K in keyof T['$inferSelect']]-?: ColumnPolicy };

export function defineSyncPolicy<T extends SQLiteTable>(
  table: T,
  p: { merge: MergeRule; naturalKey?: NaturalKey; columns: ColumnPolicies<T> },
): TablePolicy {
  const name = getTableName(table);
  const declared = p.columns as Record<string, ColumnPolicy | undefined>;
  const columns = new Map<string, ColumnInfo>();
  // Walk the table, not the declaration, so the map keeps the table's column order.
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const kind = declared[key];
    // Reachable only through a cast or a spread helper; fail at import rather than sync a column by accident.
    if (kind === undefined) throw new Error(`sync policy for ${name} has no entry for ${key}`);
    columns.set(key, { name: column.name, kind });
  }
  for (const key of Object.keys(declared)) {
    if (!columns.has(key)) throw new Error(`sync policy for ${name} names ${key}, which the table does not have`);
  }
  return Object.freeze({ table: name, merge: p.merge, ...(p.naturalKey ? { naturalKey: p.naturalKey } : {}), columns });
}

// Shared declarations, so the decision for the columns every entity has is made once.

/** Identity of an org-owned row. */
export const ROW_KEYS = { id: 'key', orgId: 'key' } as const;

/** `tracked()`: the receiver derives its own version and updated_at from the change's HLC; creation time is a fact. */
export const TRACKED = { createdAt: 'synced', updatedAt: 'local', version: 'local' } as const;

/** `deletable()`: a tombstone travels like any field, so a delete (and a restore) reaches every replica. */
export const DELETABLE = { deletedAt: 'synced', deletedBy: 'synced' } as const;

/** What the coverage check needs to know about a database: its tables' columns and unique indexes (DB names). */
export interface DbShape {
  tables: ReadonlyMap<string, { columns: readonly string[]; uniqueIndexes: readonly (readonly string[])[] }>;
}

/** Columns that hold a credential wherever they appear: they must be `secret`, never synced or logged. */
const SECRET_COLUMNS = new Set(['password_hash', 'token_hash', 'code_hash']);

/** Which column kinds each merge rule may use: a local or derived table sends nothing, so it cannot hold `synced`. */
const KINDS_BY_MERGE: Record<MergeRule, ReadonlySet<ColumnPolicy>> = {
  entity: new Set(['key', 'synced', 'intent', 'derived', 'local', 'secret']),
  append: new Set(['key', 'synced', 'local', 'secret']),
  batch: new Set(['key', 'synced', 'local']),
  derived: new Set(['derived', 'local']),
  local: new Set(['local', 'secret']),
};

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Every way `policies` fail to cover `shape`, one line each naming the table and column; empty when
 * they cover it. Pure, so a test can run it against a real migrated database and against a broken one.
 */
export function policyProblems(shape: DbShape, policies: readonly TablePolicy[]): string[] {
  const problems: string[] = [];
  const byTable = new Map<string, TablePolicy>();
  for (const p of policies) {
    if (byTable.has(p.table)) problems.push(`${p.table}: more than one policy`);
    byTable.set(p.table, p);
  }
  for (const [table, t] of shape.tables) {
    const p = byTable.get(table);
    if (!p) {
      problems.push(`${table}: table has no sync policy`);
      continue;
    }
    const declared = new Map([...p.columns.values()].map((c) => [c.name, c.kind]));
    for (const column of t.columns) {
      if (!declared.has(column)) problems.push(`${table}.${column}: column has no sync policy`);
    }
    for (const [column, kind] of declared) {
      if (!t.columns.includes(column)) problems.push(`${table}.${column}: policy names a column the table does not have`);
      if (!KINDS_BY_MERGE[p.merge].has(kind)) problems.push(`${table}.${column}: '${kind}' is not allowed on a '${p.merge}' table`);
      if (SECRET_COLUMNS.has(column) && kind !== 'secret')
        problems.push(`${table}.${column}: a credential must be 'secret', not '${kind}'`);
    }
    if (p.merge === 'entity' || p.merge === 'append' || p.merge === 'batch') {
      // Rows that travel are identified by id within their org; the org row itself has no org.
      const expected = table === 'organizations' ? ['id'] : ['id', 'org_id'];
      const keys = [...declared].filter(([, k]) => k === 'key').map(([c]) => c);
      if (!sameSet(keys, expected)) problems.push(`${table}: key columns are [${keys.join(', ')}], expected [${expected.join(', ')}]`);
    }
    if (p.naturalKey) {
      const nk = p.naturalKey.columns;
      for (const column of nk) {
        const kind = declared.get(column);
        if (kind !== 'synced' && kind !== 'key') problems.push(`${table}.${column}: natural key column must travel, but is '${kind}'`);
      }
      // A natural key is only a key if the database enforces it (per org: org_id may be left out).
      const withOrg = (cols: readonly string[]) => [...new Set([...cols, 'org_id'])];
      if (!t.uniqueIndexes.some((ix) => sameSet(withOrg(ix), withOrg(nk)))) {
        problems.push(`${table}: natural key [${nk.join(', ')}] has no unique index`);
      }
    }
  }
  for (const table of byTable.keys()) {
    if (!shape.tables.has(table)) problems.push(`${table}: policy names a table the database does not have`);
  }
  return problems;
}
