import path from 'node:path';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { DB_FILE } from '../host.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depots, organizations } from '../../db/schema/index.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { systemCtx } from './context.js';
import { newId } from './ids.js';
import { mutate } from './mutate.js';
import type { ChangeMessage } from './change-bus.js';

let t: TestHost;
let orgId: string;
const count = (table: string) => t.host.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

beforeAll(async () => {
  t = await startTestHost();
  orgId = newId();
  mutate(systemCtx(t.host, orgId), 'test.org', (w) => w.insert(organizations, { id: orgId, name: 'Org', slug: 'org', timeZone: 'UTC' }));
});
afterAll(() => t.close());

function addDepot(code: string) {
  return mutate(systemCtx(t.host, orgId), 'depot.create', (w) => w.insert(depots, { code, name: `Depot ${code}`, timeZone: 'UTC' }));
}

describe('the one write path', () => {
  it('when a row is written, then the audit record and the change entry are written with it', () => {
    const depot = addDepot('A');
    const audit = t.host.sqlite.prepare('SELECT * FROM audit_log WHERE entity_id = ?').all(depot.id) as { action: string; after: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.action).toBe('depots.insert');
    expect(JSON.parse(audit[0]!.after)).toMatchObject({ code: 'A' });
    const changes = t.host.sqlite
      .prepare('SELECT c.op, c.fields, m.action, m.epoch FROM changes c JOIN mutations m ON m.seq = c.mutation_seq WHERE c.row_id = ?')
      .all(depot.id) as { op: string; fields: string; action: string; epoch: number }[];
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ op: 'insert', action: 'depot.create', epoch: t.host.epoch });
    expect(JSON.parse(changes[0]!.fields)).toMatchObject({ code: 'A', name: 'Depot A' });
  });

  it.each([
    ['audit_log', 'the audit write'],
    ['mutations', 'the mutation header write'],
    ['changes', 'the change write'],
  ])('when %s refuses the insert, then %s failure rolls back the row and everything else', (table) => {
    const snapshot = () => ({
      depots: count('depots'),
      audit: count('audit_log'),
      mutations: count('mutations'),
      changes: count('changes'),
    });
    const before = snapshot();
    const published: ChangeMessage[] = [];
    const stop = t.host.bus.subscribe((m) => published.push(m));
    t.host.sqlite.exec(`CREATE TEMP TRIGGER fail_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'injected fault'); END;`);
    try {
      expect(() => addDepot(`X-${table}`)).toThrow(/injected fault/);
    } finally {
      t.host.sqlite.exec(`DROP TRIGGER temp.fail_${table}`);
      stop();
    }
    expect(snapshot()).toEqual(before);
    expect(published).toEqual([]);
    // And the same write succeeds once the fault is gone.
    expect(addDepot(`X-${table}`).code).toBe(`X-${table}`);
  });

  it('when the mutation function throws after writing, then nothing of it is kept', () => {
    const before = count('depots');
    expect(() =>
      mutate(systemCtx(t.host, orgId), 'depot.create', (w) => {
        w.insert(depots, { code: 'Z', name: 'Z', timeZone: 'UTC' });
        throw new Error('business rule failed');
      }),
    ).toThrow('business rule failed');
    expect(count('depots')).toBe(before);
  });

  it('when a change commits, then clients hear of it only after commit, with the tables that changed', async () => {
    await t.host.commits.durable(); // earlier tests' writes commit first
    // A second connection sees only committed data: the row must be there when the message goes out.
    const reader = new Database(path.join(t.dataDir, DB_FILE), { readonly: true });
    const committedDepots = () => reader.prepare('SELECT count(*) FROM depots').pluck().get() as number;
    const seen: { message: ChangeMessage; committed: number }[] = [];
    const stop = t.host.bus.subscribe((message) => seen.push({ message, committed: committedDepots() }));
    const before = committedDepots();
    addDepot('B');
    expect(seen).toHaveLength(0);
    expect(committedDepots()).toBe(before);
    await t.host.commits.durable();
    stop();
    reader.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.committed).toBe(before + 1);
    expect(seen[0]!.message).toMatchObject({ type: 'depot.create', orgId, data: { tables: ['depots'] } });
  });

  it('when several mutations share a commit and one fails, then only that one is rolled back', async () => {
    const before = count('depots');
    addDepot('H1');
    expect(() =>
      mutate(systemCtx(t.host, orgId), 'depot.create', (w) => {
        w.insert(depots, { code: 'H2', name: 'doomed', timeZone: 'UTC' });
        throw new Error('rule');
      }),
    ).toThrow('rule');
    addDepot('H3');
    await t.host.commits.durable();
    const codes = t.host.sqlite.prepare("SELECT code FROM depots WHERE code LIKE 'H%' ORDER BY code").pluck().all();
    expect(codes).toEqual(['H1', 'H3']);
    expect(count('depots')).toBe(before + 2);
    expect(t.host.sqlite.inTransaction).toBe(false);
  });

  it('when a row is updated with a stale version, then 409 version_conflict and the row is unchanged', () => {
    const depot = addDepot('C');
    mutate(systemCtx(t.host, orgId), 'depot.update', (w) => w.update(depots, depot.id, { name: 'First' }, { expectedVersion: 1 }));
    expect(() =>
      mutate(systemCtx(t.host, orgId), 'depot.update', (w) => w.update(depots, depot.id, { name: 'Second' }, { expectedVersion: 1 })),
    ).toThrow(expect.objectContaining({ status: 409, code: 'version_conflict' }));
    expect(t.host.db.select().from(depots).where(eq(depots.id, depot.id)).get()).toMatchObject({ name: 'First', version: 2 });
  });

  it("when another org's row is addressed, then it is not found", () => {
    const depot = addDepot('D');
    const otherOrg = newId();
    expect(() => mutate(systemCtx(t.host, otherOrg), 'depot.update', (w) => w.update(depots, depot.id, { name: 'Hijack' }))).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });

  it('when the application tries to rewrite history, then the triggers refuse', () => {
    addDepot('E');
    const guards = t.host.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_%'").pluck().all();
    expect(guards).toEqual(expect.arrayContaining(['work_order_events_no_update', 'work_order_events_no_delete']));
    expect(() => t.host.sqlite.exec('UPDATE audit_log SET action = action')).toThrow(/append-only/);
    expect(() => t.host.sqlite.exec('DELETE FROM audit_log')).toThrow(/append-only/);
    for (const [table, column] of [
      ['mutations', 'action'],
      ['changes', 'op'],
    ]) {
      expect(() => t.host.sqlite.exec(`UPDATE ${table} SET ${column} = ${column}`)).toThrow(/append-only/);
      expect(() => t.host.sqlite.exec(`DELETE FROM ${table}`)).toThrow(/append-only/);
    }
  });

  it('when mutations are logged, then their sequence and hybrid clock both increase', () => {
    addDepot('F');
    addDepot('G');
    const rows = t.host.sqlite.prepare('SELECT seq, hlc FROM mutations ORDER BY seq').all() as { seq: number; hlc: string }[];
    expect(rows.length).toBeGreaterThan(2);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.hlc > rows[i - 1]!.hlc).toBe(true);
  });

  it("when a mutation runs for a while, then its stamp is dated when it began, as its rows' updatedAt is", () => {
    const began = t.clock.now() + 60_000;
    t.clock.set(began);
    const depot = mutate(systemCtx(t.host, orgId), 'depot.create', (w) => {
      const row = w.insert(depots, { code: 'SLOW', name: 'Depot SLOW', timeZone: 'UTC' });
      // A long transaction (a maintenance pass creating work orders one after another, under load).
      t.clock.set(began + 7);
      return row;
    });
    expect(depot.updatedAt).toBe(began);
    const hlc = t.host.sqlite.prepare('SELECT hlc FROM mutations ORDER BY seq DESC LIMIT 1').pluck().get() as string;
    // A replica dates the row by its stamp's physical part (row-apply.ts): it must read the same time.
    expect(Number(hlc.slice(0, 15))).toBe(began);
  });
});

describe('audit entries of updates', () => {
  it('when a row is updated, then its audit entry holds only the fields that changed', () => {
    const depot = addDepot('AUD');
    mutate(systemCtx(t.host, orgId), 'depot.update', (w) => w.update(depots, depot.id, { name: 'Renamed depot' }));
    const row = t.host.sqlite
      .prepare("SELECT before, after FROM audit_log WHERE entity_id = ? AND action = 'depots.update'")
      .get(depot.id) as { before: string; after: string };
    expect(JSON.parse(row.before)).toEqual({ name: 'Depot AUD', version: 1 });
    expect(JSON.parse(row.after)).toEqual({ name: 'Renamed depot', version: 2 });
    const change = t.host.sqlite.prepare("SELECT fields FROM changes WHERE row_id = ? AND op = 'update'").pluck().get(depot.id) as string;
    expect(JSON.parse(change)).toEqual({ name: 'Renamed depot' });
  });
});
