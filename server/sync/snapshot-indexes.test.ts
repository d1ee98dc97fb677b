import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost } from '../host.js';
import { startTestHost } from '../testing/harness.js';
import { drainAsApplied, pageFromBatches } from '../testing/sync-page.js';
import { createVia, seedWorld } from '../work-orders/fixtures.js';
import { applyPullPage } from './pull-apply.js';
import { recordEnrolment } from './sync-state.js';
import { STATUS_EVENTS_BATCH_SQL, STATUS_EVENTS_SQL } from './derived.js';
import { DROPPED_INDEXES_KEY, deferIndexes, restoreIndexes } from './snapshot-indexes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function newHost(dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-snapidx-'))) {
  dirs.push(dataDir);
  return createHost({ dataDir });
}

const triggerNames = (h: { sqlite: ReturnType<typeof newHost>['sqlite'] }) =>
  h.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all() as string[];
/** Work orders the search index finds for a word, after FTS5 checks the index against its table. */
function found(h: { sqlite: ReturnType<typeof newHost>['sqlite'] }, word: string, check = true): number {
  if (check) h.sqlite.prepare("INSERT INTO work_orders_fts (work_orders_fts, rank) VALUES ('integrity-check', 1)").run();
  return h.sqlite.prepare('SELECT count(*) FROM work_orders_fts WHERE work_orders_fts MATCH ?').pluck().get(word) as number;
}

const indexSql = (h: { sqlite: ReturnType<typeof newHost>['sqlite'] }) =>
  h.sqlite.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").all() as {
    name: string;
    sql: string;
  }[];

describe('secondary indexes during a snapshot', () => {
  it('when a snapshot defers them, then the big tables keep only unique indexes, and restoring brings back exactly the same SQL', () => {
    const h = newHost();
    const before = indexSql(h);
    const dropped = h.sqlite.transaction(() => deferIndexes(h.sqlite))();
    expect(dropped).toBeGreaterThan(15);
    const during = indexSql(h);
    expect(during.filter((i) => i.name.startsWith('work_orders_') && !/UNIQUE/i.test(i.sql))).toEqual([]);
    expect(during.map((i) => i.name)).toContain('work_orders_org_number_uq');
    // A second defer (the next page of the same snapshot) changes nothing.
    expect(h.sqlite.transaction(() => deferIndexes(h.sqlite))()).toBe(0);
    expect(restoreIndexes(h.sqlite)).toBe(dropped);
    expect(indexSql(h)).toEqual(before);
    expect(h.sqlite.prepare('SELECT count(*) FROM host_settings WHERE key = ?').pluck().get(DROPPED_INDEXES_KEY)).toBe(0);
    h.close();
  });

  it('when indexes are deferred, then the status history a new work order is derived from is still read through an index, not a scan per work order', () => {
    const h = newHost();
    h.sqlite.transaction(() => deferIndexes(h.sqlite))();
    for (const [sql, args] of [
      [STATUS_EVENTS_SQL, ['wo', 'org']],
      [STATUS_EVENTS_BATCH_SQL, ['["a","b"]', 'org']],
    ] as const) {
      const plan = JSON.stringify(h.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args));
      expect(plan).toMatch(/USING (COVERING )?INDEX work_order_events_wo_type_idx/);
      expect(plan).not.toMatch(/SCAN work_order_events/);
    }
    h.close();
  });

  it('when the host stops half way through a snapshot, then it builds the indexes, the search triggers and the search index at its next start', async () => {
    const a = await startTestHost();
    dirs.push(a.dataDir);
    let open = true;
    try {
      const world = await seedWorld(a);
      await createVia(a, world, { title: 'Culvert survey Ashgrove' });
      const h = a.host;
      const before = indexSql(h);
      const triggersBefore = triggerNames(h);
      h.sqlite.transaction(() => deferIndexes(h.sqlite))();
      expect(indexSql(h).length).toBeLessThan(before.length);
      // A row written while the triggers are away (as a snapshot page does) is not searchable yet.
      await createVia(a, world, { title: 'Culvert survey Birchfield' });
      // (The index is knowingly behind its table here, so FTS5's integrity check would fail: not run.)
      expect(found(h, 'Birchfield', false)).toBe(0);
      const dataDir = h.dataDir;
      await a.close({ keepDir: true });
      open = false;
      const again = newHost(dataDir);
      expect(indexSql(again)).toEqual(before);
      expect(triggerNames(again)).toEqual(triggersBefore);
      expect(found(again, 'Birchfield')).toBe(1);
      expect(found(again, 'Culvert')).toBe(2);
      again.close();
    } finally {
      if (open) await a.close();
    }
  });

  it('when the transaction that deferred them rolls back, then nothing was dropped or recorded', () => {
    const h = newHost();
    const before = indexSql(h);
    expect(() =>
      h.sqlite.transaction(() => {
        deferIndexes(h.sqlite);
        throw new Error('the page did not apply');
      })(),
    ).toThrow('the page did not apply');
    expect(indexSql(h)).toEqual(before);
    expect(restoreIndexes(h.sqlite)).toBe(0);
    h.close();
  });

  it('when a snapshot comes in two pages, then the indexes are away after the first and back after the last, and the work orders are all there', async () => {
    const a = await startTestHost();
    const b = await startTestHost();
    try {
      const world = await seedWorld(a);
      for (let i = 0; i < 30; i++) await createVia(a, world, { title: `Snapshot job ${i}` });
      const batches = drainAsApplied(a.host, world.orgId, 10);
      const half = Math.ceil(batches.length / 2);
      recordEnrolment(b.host, world.orgId, {
        hubUrl: 'https://hub.example.test',
        credential: 'c'.repeat(43),
        hubOrgId: world.orgId,
        replicaOrgId: world.orgId,
      });
      const before = indexSql(b.host);
      const triggersBefore = triggerNames(b.host);
      const first = { ...pageFromBatches(batches.slice(0, half), { orgId: world.orgId }), more: true };
      applyPullPage(b.host, world.orgId, first);
      expect(indexSql(b.host).length).toBeLessThan(before.length);
      // The search triggers are away too, and nothing is indexed until the snapshot ends.
      expect(triggerNames(b.host)).not.toContain('work_orders_fts_ai');
      applyPullPage(b.host, world.orgId, pageFromBatches(batches.slice(half), { orgId: world.orgId, after: first.to }));
      expect(indexSql(b.host)).toEqual(before);
      expect(triggerNames(b.host)).toEqual(triggersBefore);
      // Every work order of both pages is found by a word of its title: the index was rebuilt whole.
      expect(found(b.host, 'Snapshot')).toBe(30);
      expect(found(b.host, 'Snapshot')).toBe(found(a.host, 'Snapshot'));
      const count = (t: typeof a) => t.host.sqlite.prepare('SELECT count(*) FROM work_orders WHERE org_id = ?').pluck().get(world.orgId);
      expect(count(b)).toBe(count(a));
      // The planner uses the rebuilt indexes again (a list by status reads the status index).
      const plan = b.host.sqlite
        .prepare("EXPLAIN QUERY PLAN SELECT id FROM work_orders WHERE org_id = ? AND status = 'NEW' ORDER BY created_at")
        .all(world.orgId);
      expect(JSON.stringify(plan)).toMatch(/work_orders_org_status/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
