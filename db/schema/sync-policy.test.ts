import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Sqlite } from '../client.js';
import { counters } from './history.js';
import { allPolicies, policyOf } from './sync-policies.js';
import { defineSyncPolicy, policyProblems, type ColumnInfo, type DbShape, type TablePolicy } from './sync-policy.js';

const opened: { sqlite: Sqlite; dir: string }[] = [];
afterEach(() => {
  for (const { sqlite, dir } of opened.splice(0)) {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A fresh database migrated by the project's own client, as a host opens it. */
function migratedDb(): Sqlite {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-policy-'));
  const { sqlite } = openDatabase(path.join(dir, 'd.sqlite'));
  opened.push({ sqlite, dir });
  return sqlite;
}

/** Tables that are not ours to classify: SQLite's own, drizzle's journal, and the FTS5 shadow tables. */
const NOT_DATA =
  "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' AND name NOT LIKE 'work\\_orders\\_fts%' ESCAPE '\\'";

/** Every table's columns (table_xinfo, so generated columns count) and unique indexes, by DB name. */
function readShape(sqlite: Sqlite): DbShape {
  const names = sqlite
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${NOT_DATA} ORDER BY name`)
    .pluck()
    .all() as string[];
  const columnsOf = (ref: string, pragma: 'table_xinfo' | 'index_info') =>
    // index_info names an expression column null; such a column is no natural key, so it is left out.
    (sqlite.prepare(`SELECT name FROM pragma_${pragma}(?)`).pluck().all(ref) as (string | null)[]).filter((c): c is string => c !== null);
  const tables = new Map(
    names.map((t) => {
      const unique = sqlite.prepare('SELECT name FROM pragma_index_list(?) WHERE "unique" = 1').pluck().all(t) as string[];
      return [t, { columns: columnsOf(t, 'table_xinfo'), uniqueIndexes: unique.map((ix) => columnsOf(ix, 'index_info')) }] as const;
    }),
  );
  return { tables };
}

/** The registry with one table's policy replaced. */
function withPolicy(replacement: TablePolicy): TablePolicy[] {
  return allPolicies().map((p) => (p.table === replacement.table ? replacement : p));
}

/** A copy of a registered policy with one DB column's kind changed. */
function withKind(table: string, column: string, kind: ColumnInfo['kind']): TablePolicy[] {
  const p = policyOf(table);
  const columns = new Map([...p.columns].map(([k, c]) => [k, c.name === column ? { ...c, kind } : c]));
  return withPolicy({ ...p, columns });
}

describe('sync policy coverage', () => {
  it('when the committed migrations are applied, then every table and every column has a policy and no policy names anything missing', () => {
    const shape = readShape(migratedDb());
    // The check must have something to check: the real schema, generated columns included.
    expect(shape.tables.size).toBeGreaterThan(40);
    expect(shape.tables.get('work_orders')?.columns).toContain('priority_rank');
    expect(policyProblems(shape, allPolicies())).toEqual([]);
  });

  it('when a column is added behind the schema, then the check names that column', () => {
    const sqlite = migratedDb();
    sqlite.exec('ALTER TABLE work_orders ADD COLUMN mystery TEXT');
    expect(policyProblems(readShape(sqlite), allPolicies())).toEqual(['work_orders.mystery: column has no sync policy']);
  });

  it('when a table has no policy, then the check names the table', () => {
    const sqlite = migratedDb();
    sqlite.exec('CREATE TABLE gadgets (id TEXT PRIMARY KEY, org_id TEXT NOT NULL)');
    expect(policyProblems(readShape(sqlite), allPolicies())).toEqual(['gadgets: table has no sync policy']);
  });

  it('when a policy names a column or a table the database does not have, then the check names it', () => {
    const shape = readShape(migratedDb());
    const tables = new Map(shape.tables);
    const depots = tables.get('depots')!;
    tables.set('depots', { ...depots, columns: depots.columns.filter((c) => c !== 'address') });
    tables.delete('counters');
    expect(policyProblems({ tables }, allPolicies())).toEqual([
      'depots.address: policy names a column the table does not have',
      'counters: policy names a table the database does not have',
    ]);
  });

  it('when a credential is declared synced, then the check refuses it', () => {
    const shape = readShape(migratedDb());
    expect(policyProblems(shape, withKind('users', 'password_hash', 'synced'))).toEqual([
      "users.password_hash: a credential must be 'secret', not 'synced'",
    ]);
    expect(policyProblems(shape, withKind('share_links', 'code_hash', 'local'))).toEqual([
      "share_links.code_hash: a credential must be 'secret', not 'local'",
    ]);
  });

  it('when a local or derived table declares a column that travels, then the check refuses it', () => {
    const shape = readShape(migratedDb());
    expect(policyProblems(shape, withKind('sessions', 'user_id', 'synced'))).toEqual([
      "sessions.user_id: 'synced' is not allowed on a 'local' table",
    ]);
    expect(policyProblems(shape, withKind('telemetry_rollups', 'sum', 'synced'))).toEqual([
      "telemetry_rollups.sum: 'synced' is not allowed on a 'derived' table",
    ]);
    expect(policyProblems(shape, withKind('work_order_events', 'to_status', 'intent'))).toEqual([
      "work_order_events.to_status: 'intent' is not allowed on a 'append' table",
    ]);
  });

  it('when an entity is not keyed by id and org, then the check names its key columns', () => {
    const shape = readShape(migratedDb());
    expect(policyProblems(shape, withKind('teams', 'org_id', 'synced'))).toEqual(['teams: key columns are [id], expected [id, org_id]']);
    expect(policyProblems(shape, withKind('depots', 'code', 'key'))).toEqual([
      'depots: key columns are [id, org_id, code], expected [id, org_id]',
    ]);
  });

  it('when a natural key is not backed by a unique index or does not travel, then the check names it', () => {
    const shape = readShape(migratedDb());
    const milestones = policyOf('milestones');
    expect(policyProblems(shape, withPolicy({ ...milestones, naturalKey: { columns: ['name'], rule: 'conflict' } }))).toEqual([
      'milestones: natural key [name] has no unique index',
    ]);
    expect(policyProblems(shape, withKind('depots', 'code', 'local'))).toEqual([
      "depots.code: natural key column must travel, but is 'local'",
    ]);
  });
});

describe('the policy registry', () => {
  it('when a table is looked up, then its policy carries DB column names keyed by drizzle property', () => {
    const wo = policyOf('work_orders');
    expect(wo.merge).toBe('entity');
    expect(wo.naturalKey).toEqual({ columns: ['number'], rule: 'unique' });
    expect(wo.columns.get('status')).toEqual({ name: 'status', kind: 'intent' });
    expect(wo.columns.get('responseDueAt')).toEqual({ name: 'response_due_at', kind: 'derived' });
    expect(wo.columns.get('holdReason')).toEqual({ name: 'hold_reason', kind: 'synced' });
    expect(policyOf('users').columns.get('passwordHash')).toEqual({ name: 'password_hash', kind: 'secret' });
    expect(policyOf('organizations').columns.get('id')?.kind).toBe('key');
  });

  it('when codes, tags and SKUs are declared, then each is a natural key whose unique index matches its rule', () => {
    const sqlite = migratedDb();
    const indexSql = (name: string) => sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name);
    // Codes and tags: unique among live rows, and two depots' clashing creations are kept apart as a conflict.
    expect(policyOf('locations').naturalKey).toEqual({ columns: ['code'], rule: 'conflict' });
    expect(policyOf('assets').naturalKey).toEqual({ columns: ['tag'], rule: 'conflict' });
    expect(indexSql('locations_org_code_uq')).toMatch(/WHERE deleted_at IS NULL$/);
    // The SKU names one item row per org, deleted or not: the index covers tombstones, so re-creating
    // a deleted SKU revives that row (server/stock/routes.ts) and two depots' items with one SKU merge.
    expect(policyOf('stock_items').naturalKey).toEqual({ columns: ['sku'], rule: 'same-row' });
    expect(indexSql('stock_items_org_sku_uq')).toBe('CREATE UNIQUE INDEX `stock_items_org_sku_uq` ON `stock_items` (`org_id`,`sku`)');
  });

  it('when a table has no policy, then policyOf throws naming it', () => {
    expect(() => policyOf('gadgets')).toThrow('no sync policy for table gadgets');
  });

  it('when a declaration leaves a column out or names one the table lacks, then it does not compile and throws at import', () => {
    expect(() =>
      // @ts-expect-error `value` is missing: a column without a policy is a compile error.
      defineSyncPolicy(counters, { merge: 'local', columns: { orgId: 'local', name: 'local' } }),
    ).toThrow('sync policy for counters has no entry for value');
    expect(() =>
      defineSyncPolicy(counters, {
        merge: 'local',
        // @ts-expect-error `bogus` is not a column of counters.
        columns: { orgId: 'local', name: 'local', value: 'local', bogus: 'local' },
      }),
    ).toThrow('sync policy for counters names bogus, which the table does not have');
  });
});
