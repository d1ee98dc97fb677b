import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as schema from '../../db/schema/index.js';
import type { ColumnPolicy, TablePolicy } from '../../db/schema/sync-policy.js';
import { policyOf } from '../../db/schema/sync-policies.js';
import { AppError } from '../errors.js';

/**
 * What the depot side of sync needs to know about a table, by DB name (the wire's spelling): its
 * drizzle table, its policy, and each column's kind and drizzle key. Built once per table.
 */

/** A hub body this depot will not apply (a table or column outside the policy, a value of the wrong type). */
export class SyncApplyError extends AppError {
  constructor(message: string, where: string) {
    super(422, 'sync_apply_refused', message, [{ field: where, message }]);
  }
}

export interface SyncColumn {
  /** drizzle property name. */
  key: string;
  /** DB name. */
  name: string;
  kind: ColumnPolicy;
  column: SQLiteColumn;
}

export interface SyncTable {
  name: string;
  table: SQLiteTable;
  policy: TablePolicy;
  columns: readonly SyncColumn[];
  byName: ReadonlyMap<string, SyncColumn>;
  /** drizzle key of the column that ties a row to its org (`id` for organizations). */
  orgKey: string;
  /** Has a `deleted_at` tombstone, so "gone" marks the row instead of deleting it. */
  tombstone: boolean;
}

const TABLES = new Map<string, SQLiteTable>();
for (const value of Object.values(schema)) if (is(value, SQLiteTable)) TABLES.set(getTableName(value), value);

const built = new Map<string, SyncTable>();

/** The table by DB name, or a SyncApplyError naming it when this depot has no such table. */
export function syncTableOf(name: string, where: string): SyncTable {
  const t = knownSyncTable(name);
  if (!t) throw new SyncApplyError(`${name}: this depot has no such table, so nothing of it can be applied.`, where);
  return t;
}

/** The table by DB name, or null when this release has no such table (a newer release's: held.ts). */
export function knownSyncTable(name: string): SyncTable | null {
  const known = built.get(name);
  if (known) return known;
  const table = TABLES.get(name);
  if (!table) return null;
  const policy = policyOf(name);
  const columns = Object.entries(getTableColumns(table)).map(([key, column]): SyncColumn => {
    const info = policy.columns.get(key);
    if (!info) throw new Error(`${name}.${key}: no sync policy`);
    return { key, name: info.name, kind: info.kind, column: column as SQLiteColumn };
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const t: SyncTable = {
    name,
    table,
    policy,
    columns,
    byName,
    orgKey: byName.has('org_id') ? byName.get('org_id')!.key : 'id',
    tombstone: byName.has('deleted_at'),
  };
  built.set(name, t);
  return t;
}

/** Travels in a push and may be written by a received row: synced and intent columns. */
export function travels(c: SyncColumn): boolean {
  return c.kind === 'synced' || c.kind === 'intent';
}

const label = (c: SyncColumn, table: string) => (table ? `${table}.${c.name}` : c.name);
const badValue = (c: SyncColumn, table: string, what: string, value: unknown, where: string) =>
  new SyncApplyError(`${label(c, table)} must be ${what}, got ${JSON.stringify(value)?.slice(0, 80)}.`, where);

/**
 * Checks a received value against its column before it is bound (a forged page must not store text
 * in a time column or a status outside the enum). Values are as the change log holds them: drizzle's
 * JS values (JSON columns as JSON, boolean columns as booleans, times as epoch ms).
 */
export function checkValue(c: SyncColumn, value: unknown, where: string, table = ''): void {
  if (value === null) {
    if (c.column.notNull) throw new SyncApplyError(`${label(c, table)} may not be null.`, where);
    return;
  }
  // No closure per call: this runs for every field of every received row (a snapshot: millions).
  switch (c.column.columnType) {
    case 'SQLiteInteger':
    case 'SQLiteTimestamp':
      if (!Number.isSafeInteger(value)) throw badValue(c, table, 'an integer', value, where);
      return;
    case 'SQLiteBoolean':
      if (typeof value !== 'boolean') throw badValue(c, table, 'true or false', value, where);
      return;
    case 'SQLiteReal':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw badValue(c, table, 'a number', value, where);
      return;
    case 'SQLiteText': {
      if (typeof value !== 'string') throw badValue(c, table, 'text', value, where);
      const allowed = (c.column as SQLiteColumn & { enumValues?: readonly string[] }).enumValues;
      if (allowed && allowed.length > 0 && !allowed.includes(value)) throw badValue(c, table, `one of ${allowed.join(', ')}`, value, where);
      return;
    }
    default:
      // JSON columns hold any JSON value; their readers validate the shape (STYLE 8).
      return;
  }
}

/** A value as the wire carries it, from a raw SQLite value (batch rows and audit rows are read with plain SQL). */
export function fromDriver(c: SyncColumn, value: unknown): unknown {
  return value === null || value === undefined ? null : c.column.mapFromDriverValue(value);
}

/**
 * Equal as JSON values, whatever the order of object keys: the hub stores JSON as PostgreSQL jsonb,
 * which does not keep key order, so a depot's own event coming back from the hub is the same fact
 * with its keys reordered.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => sameJson(x, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameJson(x[k], y[k]));
}
