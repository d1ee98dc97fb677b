import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema/index.js';
import { createHost } from '../host.js';
import { seedDemo } from '../seed/seed.js';
import { rowStatements } from './row-statements.js';

/**
 * RowStatements must return exactly what drizzle returns (the Writer's callers and the change log
 * depend on the shapes: JSON columns parsed, booleans as booleans, generated columns present).
 * Compared on every table of a seeded demo depot, for reads, inserts and updates.
 */

const NOW = Date.parse('2026-11-03T09:00:00Z');
let dataDir: string;
let host: ReturnType<typeof createHost>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'row-statements-'));
  await seedDemo({ dataDir, size: 'small', workOrders: 60, seed: 3, force: false, now: NOW });
  host = createHost({ dataDir });
}, 180_000);
afterAll(() => {
  host?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const tables = (Object.values(schema) as unknown[]).filter(
  (t): t is SQLiteTable & { id: SQLiteColumn } => is(t, SQLiteTable) && 'id' in getTableColumns(t),
);

describe('prepared row statements', () => {
  it('when a row of any table is read by id, then it equals what drizzle returns', () => {
    let compared = 0;
    for (const table of tables) {
      const orgKey = 'orgId' in getTableColumns(table) ? 'orgId' : 'id';
      const rows = host.db.select().from(table).limit(5).all() as Record<string, unknown>[];
      for (const row of rows) {
        const mine = rowStatements(host.sqlite, table, orgKey).find(row.id as string, row[orgKey] as string);
        expect(mine, getTableName(table)).toEqual(row);
        compared++;
      }
    }
    // The demo fills most tables: a comparison over nothing would prove nothing.
    expect(compared).toBeGreaterThan(100);
  });

  it('when rows of any table are selected through a drizzle query, then they equal what drizzle returns, and a partial select is refused', () => {
    let compared = 0;
    for (const table of tables) {
      const orgKey = 'orgId' in getTableColumns(table) ? 'orgId' : 'id';
      const query = host.db.select().from(table).orderBy(table.id).limit(7);
      const mine = rowStatements(host.sqlite, table, orgKey).select(query);
      // Twice: the second read is served by the kept statement.
      expect(rowStatements(host.sqlite, table, orgKey).select(query)).toEqual(mine);
      expect(mine, getTableName(table)).toEqual(query.all());
      compared += mine.length;
    }
    expect(compared).toBeGreaterThan(100);
    const statements = rowStatements(host.sqlite, schema.workOrders, 'orgId');
    expect(() => statements.select(host.db.select({ id: schema.workOrders.id }).from(schema.workOrders))).toThrow(/every column in order/);
  });

  it('when a row is inserted and updated, then the stored row and the returned row match drizzle (JSON, booleans, defaults, generated columns)', () => {
    const wo = host.db.select().from(schema.workOrders).limit(1).get()!;
    const statements = rowStatements(host.sqlite, schema.workOrders, 'orgId');
    host.sqlite.exec('SAVEPOINT t');
    try {
      const copy: Record<string, unknown> = { ...wo, id: 'row-statements-test', number: 'TEST-1', seq: 999_999 };
      delete copy.priorityRank;
      delete copy.requiresSignature; // left out: takes the column default (false), as in drizzle
      const inserted = statements.insert(copy);
      const stored = host.db.select().from(schema.workOrders).where(eq(schema.workOrders.id, 'row-statements-test')).get();
      expect(inserted).toEqual(stored);
      expect(inserted.requiresSignature).toBe(false);
      expect(inserted.priorityRank).toBe(wo.priorityRank);
      // add() stores the same row without reading it back.
      statements.add({ ...copy, id: 'row-statements-add', number: 'TEST-2', seq: 999_998 });
      const added = host.db.select().from(schema.workOrders).where(eq(schema.workOrders.id, 'row-statements-add')).get();
      expect(added).toEqual({ ...stored, id: 'row-statements-add', number: 'TEST-2', seq: 999_998 });

      const checklist = [{ id: 'a', label: 'Valve shut', required: true, kind: 'check' }];
      const updated = statements.update('row-statements-test', wo.orgId, {
        priority: 'critical',
        checklist,
        requiresSignature: true,
        description: null,
        plannedEnd: undefined,
      });
      const reread = host.db.select().from(schema.workOrders).where(eq(schema.workOrders.id, 'row-statements-test')).get();
      expect(updated).toEqual(reread);
      expect(reread).toMatchObject({ priority: 'critical', priorityRank: 0, checklist, requiresSignature: true, description: null });
      expect(reread!.plannedEnd).toBe(wo.plannedEnd);
      // Column names come from the schema, never from the patch: a key that is not a column is refused
      // before any SQL is built (a patch spread from request input cannot name or inject a column).
      expect(() => statements.update('row-statements-test', wo.orgId, { "status\" = 'CLOSED' --": 'x' })).toThrow(/has no column/);
      expect(host.db.select().from(schema.workOrders).where(eq(schema.workOrders.id, 'row-statements-test')).get()).toEqual(reread);
      // Another org's id is not found.
      expect(statements.update('row-statements-test', 'another-org', { priority: 'low' })).toBeUndefined();
      expect(statements.find('row-statements-test', 'another-org')).toBeUndefined();
    } finally {
      host.sqlite.exec('ROLLBACK TO t; RELEASE t');
    }
  });
});
