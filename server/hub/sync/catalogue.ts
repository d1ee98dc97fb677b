import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from '../../../db/schema/index.js';
import type { MergeRule, NaturalKey } from '../../../db/schema/sync-policy.js';
import { policyOf } from '../../../db/schema/sync-policies.js';

/**
 * What the hub knows of a depot table it replicates: the travelling columns with the JSON type a
 * value must have, read once from the depot's drizzle schema and its sync policy. The hub stores
 * fields as jsonb, so this is the only type check a forged `{"title": 42}` meets.
 */
export type ValueType = 'string' | 'number' | 'boolean' | 'json';

export interface HubColumn {
  name: string;
  kind: 'synced' | 'intent';
  type: ValueType;
  nullable: boolean;
  enumValues?: readonly string[];
}

export interface HubTable {
  name: string;
  merge: Exclude<MergeRule, 'derived' | 'local'>;
  columns: ReadonlyMap<string, HubColumn>;
  naturalKey?: NaturalKey;
  /** Soft deletes (`deleted_at`): a delete travels as an update; a hard delete op is refused. */
  tombstones: boolean;
  /** Every DB column name this release has for the table, travelling or not: a name outside it is from a newer release. */
  known: ReadonlySet<string>;
}

const TABLES = new Map<string, SQLiteTable>();
for (const value of Object.values(schema)) if (is(value, SQLiteTable)) TABLES.set(getTableName(value), value);

const cache = new Map<string, HubTable | null>();

function build(name: string): HubTable | null {
  const table = TABLES.get(name);
  if (!table) return null;
  const policy = policyOf(name);
  if (policy.merge === 'derived' || policy.merge === 'local') return null;
  const byDbName = new Map(Object.values(getTableColumns(table)).map((c) => [c.name, c]));
  const columns = new Map<string, HubColumn>();
  for (const info of policy.columns.values()) {
    if (info.kind !== 'synced' && info.kind !== 'intent') continue;
    const c = byDbName.get(info.name);
    if (!c) continue;
    const type: ValueType = c.dataType === 'number' || c.dataType === 'boolean' || c.dataType === 'json' ? c.dataType : 'string';
    const enumValues = (c as { enumValues?: readonly string[] }).enumValues;
    columns.set(info.name, {
      name: info.name,
      kind: info.kind,
      type,
      nullable: !c.notNull,
      ...(enumValues?.length ? { enumValues } : {}),
    });
  }
  return {
    name,
    merge: policy.merge,
    columns,
    ...(policy.naturalKey ? { naturalKey: policy.naturalKey } : {}),
    tombstones: columns.has('deleted_at'),
    known: new Set(byDbName.keys()),
  };
}

/** This release has a depot table of that name (whether or not it travels). */
export const tableOfThisRelease = (name: string): boolean => TABLES.has(name);

/** The hub's view of a table, or null when no row of it may travel (unknown, local or derived). */
export function hubTable(name: string): HubTable | null {
  if (!cache.has(name)) cache.set(name, build(name));
  return cache.get(name) ?? null;
}

/** Why `value` cannot be stored in `column`, or null when it can. */
export function valueProblem(column: HubColumn, value: unknown): string | null {
  if (value === null) return column.nullable ? null : 'may not be null';
  switch (column.type) {
    case 'json':
      return null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'boolean':
      // better-sqlite3 hands booleans to the change log as they are; accept 0/1 from older encoders.
      return typeof value === 'boolean' || value === 0 || value === 1 ? null : 'must be a boolean';
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > 100_000) return 'is too long';
      if (column.enumValues && !column.enumValues.includes(value)) return `must be one of ${column.enumValues.join(', ')}`;
      return null;
  }
}
