import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../audit/verify.js';
import { systemCtx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { flushReadings } from '../testing/readings-flush.js';
import { drainAsApplied, pageFromBatches } from '../testing/sync-page.js';
import { installWriteCensus } from '../testing/write-census.js';
import { seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { updateWorkOrder } from '../work-orders/service.js';
import type { PushAnswer, PushBatch, PullPage } from './contract-protocol.js';
import { applyPullPage } from './pull-apply.js';
import { readPushBatch } from './push-batch.js';
import { applyPushAnswer } from './push-answer.js';
import { ackedSeq, nextPull, openRefusals, readSyncState, recordEnrolment } from './sync-state.js';
import { heldSummary, replayHeld } from './held.js';

let a: TestHost;
let b: TestHost;
let world: World;

const HUB = { hubUrl: 'https://hub.example.test', credential: 'c'.repeat(43), hubOrgId: '0190a000-0000-7000-8000-000000000001' };

/** Every column but the ones each replica keeps for itself. */
function comparable(row: Record<string, unknown>): Record<string, unknown> {
  const { version: _v, updated_at: _u, ...rest } = row;
  return rest;
}

const all = (t: TestHost, sql: string, ...params: unknown[]) => t.host.sqlite.prepare(sql).all(...params) as Record<string, unknown>[];
const count = (t: TestHost, sql: string, ...params: unknown[]) =>
  t.host.sqlite
    .prepare(sql)
    .pluck()
    .get(...params) as number;

const drain = (t: TestHost, orgId: string, maxMutations = 50): PushBatch[] => drainAsApplied(t.host, orgId, maxMutations);

const writeReadings = (t: TestHost, orgId: string) => flushReadings(t, orgId, 3);

let closedId: string;
let firstPage: PullPage;

beforeAll(async () => {
  a = await startTestHost();
  b = await startTestHost();
  world = await seedWorld(a, 'Riverside');
  closedId = workOrderAt(world, 'CLOSED', { type: 'corrective', priority: 'high' }).id;
  workOrderAt(world, 'ON_HOLD');
  writeReadings(a, world.orgId);
});
afterAll(async () => {
  await a.close();
  await b.close();
});

describe('reading push batches', () => {
  it('when a seeded depot is drained in small batches, then every mutation goes once, in seq order, with its changes, audit rows and batch rows', () => {
    const seqs = all(a, 'SELECT seq, audit_from, audit_to FROM mutations WHERE org_id = ? ORDER BY seq', world.orgId);
    const batches = drain(a, world.orgId, 7);
    expect(batches.length).toBe(Math.ceil(seqs.length / 7));
    const sent = batches.flatMap((x) => x.mutations);
    expect(sent.map((m) => m.seq)).toEqual(seqs.map((r) => r.seq));
    expect(batches[0]!.afterSeq).toBeNull();
    for (let i = 1; i < batches.length; i++) expect(batches[i]!.afterSeq).toBe(batches[i - 1]!.toSeq);
    expect(new Set(batches.map((x) => x.key)).size).toBe(batches.length);
    expect(batches.every((x) => x.node === a.host.depotId && x.epoch === a.host.epoch)).toBe(true);
    for (const m of sent) {
      expect(m.changes.length).toBe(count(a, 'SELECT count(*) FROM changes WHERE mutation_seq = ?', m.seq));
      const header = seqs.find((r) => r.seq === m.seq)!;
      expect(m.audit.length).toBe(header.audit_from === null ? 0 : (header.audit_to as number) - (header.audit_from as number) + 1);
    }
    expect(sent.flatMap((m) => m.audit).length).toBe(count(a, 'SELECT count(*) FROM audit_log WHERE org_id = ?', world.orgId));
    const range = sent.flatMap((m) => m.changes).find((c) => c.op === 'batch')!;
    expect(range.t).toBe('telemetry_readings');
    expect(range.rows!.map((r) => r.value)).toEqual([20, 21, 22]);
    expect(range.rows![0]).toMatchObject({ device_id: 'dev-1', metric: 'temp', at: 1000 });
    // The org is the credential's at the hub, never the body's.
    expect(range.rows![0]!.org_id).toBeUndefined();
    expect(typeof range.rows![0]!.id).toBe('number');
    // An update's fields are parsed, with a status as its transition intent.
    const status = sent.flatMap((m) => m.changes).find((c) => c.t === 'work_orders' && c.op === 'update' && c.f?.status);
    expect(status!.f!.status).toMatchObject({ from: expect.any(String), to: expect.any(String), v: expect.any(Number) });
    expect(ackedSeq(a.host.sqlite, world.orgId)).toBe(seqs.at(-1)!.seq);
    expect(readPushBatch(a.host, world.orgId)).toBeNull();
    firstPage = pageFromBatches(batches, { orgId: world.orgId });
  });
});

describe('applying pull pages', () => {
  it("when depot A's log arrives on an empty depot B as a page, then B has the same work orders, events, stock and audit, its chain verifies, and nothing entered B's log", async () => {
    recordEnrolment(b.host, world.orgId, { ...HUB, replicaOrgId: world.orgId });
    const result = applyPullPage(b.host, world.orgId, firstPage);
    expect(result).toMatchObject({ applied: true, cursor: firstPage.to });
    expect(result.counts!.inserted).toBeGreaterThan(20);
    for (const table of [
      'work_orders',
      'work_order_events',
      'users',
      'sla_policies',
      'stock_levels',
      'stock_movements',
      'closure_approvals',
    ]) {
      const left = all(a, `SELECT * FROM ${table} WHERE org_id = ? ORDER BY id`, world.orgId).map(comparable);
      const right = all(b, `SELECT * FROM ${table} WHERE org_id = ? ORDER BY id`, world.orgId).map(comparable);
      if (table === 'users') {
        // The password hash is a secret: it never leaves A.
        for (const u of right) expect(u.password_hash).toBeNull();
        expect(right.map((u) => ({ ...u, password_hash: null }))).toEqual(left.map((u) => ({ ...u, password_hash: null })));
      } else expect({ table, rows: right }).toEqual({ table, rows: left });
    }
    const closed = all(b, 'SELECT * FROM work_orders WHERE id = ?', closedId)[0]!;
    expect(closed.status).toBe('CLOSED');
    // Derived on B: due times from B's own SLA policy and calendar, stamps replayed from the timeline.
    expect(closed.response_due_at).not.toBeNull();
    expect(closed.responded_at).not.toBeNull();
    expect(closed.closed_at).not.toBeNull();
    const audit = (t: TestHost) =>
      all(
        t,
        'SELECT id, actor_id, action, entity, entity_id, before, after, request_id, at FROM audit_log WHERE org_id = ? ORDER BY seq',
        world.orgId,
      );
    expect(audit(b)).toEqual(audit(a));
    expect((await verifyAuditChain(b.host.sqlite, world.orgId)).ok).toBe(true);
    expect(count(b, 'SELECT count(*) FROM mutations')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM changes')).toBe(0);
    expect(count(b, 'SELECT count(*) FROM telemetry_readings')).toBe(0);
    const census = installWriteCensus(b.host.sqlite).remoteWrites();
    expect(census.work_orders).toBe(count(a, 'SELECT count(*) FROM work_orders'));
    expect(readSyncState(b.host.sqlite, world.orgId)!.pullCursor).toBe(firstPage.to);
  });

  it('when the same page arrives again, then nothing changes; and when its cursor is wound back and it is applied once more, then no row, fact, audit entry or version moves', () => {
    const snapshot = () => ({
      audit: count(b, 'SELECT count(*) FROM audit_log'),
      events: count(b, 'SELECT count(*) FROM work_order_events'),
      versions: all(b, 'SELECT id, version, updated_at FROM work_orders ORDER BY id'),
      stock: all(b, 'SELECT id, quantity, version FROM stock_levels ORDER BY id'),
    });
    const before = snapshot();
    expect(applyPullPage(b.host, world.orgId, firstPage)).toMatchObject({ applied: false, cursor: firstPage.to });
    b.host.commits.run(() => b.host.sqlite.prepare('UPDATE sync_state SET pull_cursor = 0 WHERE org_id = ?').run(world.orgId));
    const again = applyPullPage(b.host, world.orgId, firstPage);
    expect(again.counts).toMatchObject({ inserted: 0, updated: 0, removed: 0, factsInserted: 0 });
    expect(again.counts!.factsDuplicate).toBe(firstPage.facts.length);
    expect(snapshot()).toEqual(before);
  });

  it('when B has a pending local edit of a work order and a page brings A’s edits of it, then B keeps its field, takes the others and recomputes the due times', () => {
    const bCtx = systemCtx(b.host, world.orgId, 'test');
    const target = all(b, "SELECT id FROM work_orders WHERE status = 'ON_HOLD'")[0]!.id as string;
    updateWorkOrder(bCtx, target, { title: 'B says: replace the seal' });
    updateWorkOrder(world.ctx, target, { title: 'A says: replace the pump', type: 'emergency', priority: 'critical' });
    const page = pageFromBatches(drain(a, world.orgId), { orgId: world.orgId, after: firstPage.to });
    expect(page.rows.length).toBe(1);
    const res = applyPullPage(b.host, world.orgId, page);
    expect(res.counts).toMatchObject({ updated: 1, keptLocal: 1 });
    const onB = all(b, 'SELECT * FROM work_orders WHERE id = ?', target)[0]!;
    const onA = all(a, 'SELECT * FROM work_orders WHERE id = ?', target)[0]!;
    expect(onB.title).toBe('B says: replace the seal');
    expect(onB.priority).toBe('critical');
    expect(onB.type).toBe('emergency');
    // The emergency policy (60 min, no calendar) applies on B as it did on A.
    expect(onB.response_due_at).toBe(onA.response_due_at);
    expect(onB.resolution_due_at).toBe(onA.resolution_due_at);
    // B's own edit is still waiting for the hub, untouched in B's log.
    expect(count(b, "SELECT count(*) FROM changes WHERE table_name = 'work_orders' AND row_id = ?", target)).toBe(1);
  });

  it.each([
    ['a column outside the policy (a secret)', (userId: string) => ({ t: 'users', r: userId, v: 9_999, f: { password_hash: 'forged' } })],
    ['a local column', (userId: string) => ({ t: 'users', r: userId, v: 9_999, f: { version: 99 } })],
    ['a value of the wrong type', (userId: string) => ({ t: 'users', r: userId, v: 9_999, f: { active: 'yes' } })],
    ['a status outside the lifecycle', () => ({ t: 'work_orders', r: closedId, v: 9_999, f: { status: 'LOST' } })],
    ["another org's id", (userId: string) => ({ t: 'users', r: userId, v: 9_999, f: { org_id: newId(), name: 'x' } })],
    ['a batch table', () => ({ t: 'telemetry_readings', r: '1', v: 9_999, f: { metric: 'x' } })],
  ])('when a page carries %s, then it is refused with a clear error and nothing of it applies, the cursor included', (_, forged) => {
    const state = readSyncState(b.host.sqlite, world.orgId)!;
    const userId = world.people.viewer;
    const nameBefore = all(b, 'SELECT name FROM users WHERE id = ?', userId)[0]!.name;
    const page = {
      after: state.pullCursor,
      to: state.pullCursor + 2,
      more: false,
      rows: [{ t: 'users', r: userId, v: state.pullCursor + 1, f: { name: 'Renamed by a page that fails' } }, forged(userId)],
      facts: [],
    };
    let error: unknown;
    try {
      applyPullPage(b.host, world.orgId, page);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ status: 422, code: 'sync_apply_refused' });
    expect((error as Error).message).toMatch(/users|work_orders|telemetry_readings/);
    expect(readSyncState(b.host.sqlite, world.orgId)!.pullCursor).toBe(state.pullCursor);
    expect(all(b, 'SELECT name FROM users WHERE id = ?', userId)[0]!.name).toBe(nameBefore);
  });

  it('when a page does not follow on from the cursor, then 409 sync_cursor_mismatch and nothing applies', () => {
    const state = readSyncState(b.host.sqlite, world.orgId)!;
    expect(() =>
      applyPullPage(b.host, world.orgId, { after: state.pullCursor + 5, to: state.pullCursor + 6, more: false, rows: [], facts: [] }),
    ).toThrow(expect.objectContaining({ code: 'sync_cursor_mismatch' }));
    expect(() => applyPullPage(b.host, world.orgId, { after: 'x', rows: [] })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('applying push answers', () => {
  it('when the hub refuses one mutation and answers another as a conflict with its current value, then both are recorded, the ack advances past them, the hub value overwrites the losing field, and nothing enters the log', () => {
    const target = all(a, "SELECT id, title, version FROM work_orders WHERE status = 'CLOSED'")[0]!;
    updateWorkOrder(world.ctx, workOrderAt(world, 'NEW').id, { title: 'To be refused' });
    const editable = all(a, "SELECT id FROM work_orders WHERE status = 'NEW' ORDER BY id DESC")[0]!.id as string;
    updateWorkOrder(world.ctx, editable, { title: 'Our title', durationMin: 45 });
    const batch = readPushBatch(a.host, world.orgId)!;
    const [refused, conflict] = [batch.mutations.at(-2)!, batch.mutations.at(-1)!];
    const changesBefore = count(a, 'SELECT count(*) FROM changes');
    const versionBefore = all(a, 'SELECT version FROM work_orders WHERE id = ?', editable)[0]!.version as number;
    const answer: PushAnswer = {
      ackedSeq: batch.toSeq,
      version: 500,
      results: batch.mutations.map((m) =>
        m === refused
          ? { id: m.id, seq: m.seq, outcome: 'refused' as const, code: 'forbidden', message: 'The actor may not edit work orders.' }
          : m === conflict
            ? {
                id: m.id,
                seq: m.seq,
                outcome: 'conflict' as const,
                version: 499,
                code: 'lost_race',
                message: 'A newer edit of the title won.',
                current: [{ t: 'work_orders', r: editable, f: { title: "The hub's title" } }],
              }
            : { id: m.id, seq: m.seq, outcome: 'applied' as const },
      ),
    };
    const res = applyPushAnswer(a.host, world.orgId, batch, answer);
    expect(res).toMatchObject({ ackedSeq: batch.toSeq, refusals: 2 });
    expect(ackedSeq(a.host.sqlite, world.orgId)).toBe(batch.toSeq);
    expect(openRefusals(a.host.sqlite, world.orgId)).toEqual([
      expect.objectContaining({ mutationId: refused.id, outcome: 'refused', code: 'forbidden', seq: refused.seq }),
      expect.objectContaining({
        mutationId: conflict.id,
        outcome: 'conflict',
        code: 'lost_race',
        message: 'A newer edit of the title won.',
      }),
    ]);
    const row = all(a, 'SELECT title, duration_min, version FROM work_orders WHERE id = ?', editable)[0]!;
    expect(row).toEqual({ title: "The hub's title", duration_min: 45, version: versionBefore + 1 });
    expect(count(a, 'SELECT count(*) FROM changes')).toBe(changesBefore);
    expect(all(a, 'SELECT title FROM work_orders WHERE id = ?', target.id)[0]!.title).toBe(target.title);
    // Moved past: the queue is empty, not blocked on the refusal.
    expect(readPushBatch(a.host, world.orgId)).toBeNull();
    // The same answer again changes nothing and records nothing twice.
    applyPushAnswer(a.host, world.orgId, batch, answer);
    expect(openRefusals(a.host.sqlite, world.orgId)).toHaveLength(2);
  });

  it('when an answer names a mutation that is not in the batch, or tries to move the ack past it, then it is refused or clamped', () => {
    updateWorkOrder(world.ctx, all(a, "SELECT id FROM work_orders WHERE status = 'NEW'")[0]!.id as string, { durationMin: 50 });
    const batch = readPushBatch(a.host, world.orgId)!;
    const forged: PushAnswer = { ackedSeq: batch.toSeq, version: 1, results: [{ id: newId(), seq: batch.toSeq, outcome: 'applied' }] };
    expect(() => applyPushAnswer(a.host, world.orgId, batch, forged)).toThrow(expect.objectContaining({ code: 'sync_apply_refused' }));
    expect(ackedSeq(a.host.sqlite, world.orgId)).toBe(batch.afterSeq);
    applyPushAnswer(a.host, world.orgId, batch, { ackedSeq: batch.toSeq + 1_000, version: 1, results: [] });
    expect(ackedSeq(a.host.sqlite, world.orgId)).toBe(batch.toSeq);
  });
});

describe('versions apart: a hub one release newer', () => {
  it('when a page carries a column and tables this release does not have, then the rest applies and they are held, named for the Sync page', () => {
    const state = readSyncState(b.host.sqlite, world.orgId)!;
    // Not the ON_HOLD one: B has a local edit of it waiting for the hub.
    const target = all(b, 'SELECT id, title FROM work_orders WHERE id = ?', closedId)[0]!;
    const tag = newId();
    const page: PullPage = {
      after: state.pullCursor,
      to: state.pullCursor + 3,
      more: false,
      rows: [
        { t: 'work_orders', r: target.id as string, v: state.pullCursor + 1, f: { title: 'Newer hub title', crew_size: 3 } },
        { t: 'work_order_tags', r: tag, v: state.pullCursor + 2, f: { name: 'confined space', work_order_id: target.id } },
      ],
      facts: [{ t: 'work_order_signoffs', r: newId(), v: state.pullCursor + 3, f: { work_order_id: target.id, by: 'x' } }],
    };
    const res = applyPullPage(b.host, world.orgId, page);
    expect(res.counts).toMatchObject({ updated: 1, held: 3 });
    expect(res.counts!.heldColumns.sort()).toEqual(['work_order_signoffs', 'work_order_tags', 'work_orders.crew_size']);
    expect(all(b, 'SELECT title FROM work_orders WHERE id = ?', target.id)[0]!.title).toBe('Newer hub title');
    expect(heldSummary(b.host.sqlite, world.orgId)).toEqual({
      entries: 3,
      names: ['work_order_signoffs', 'work_order_tags', 'work_orders.crew_size'],
    });
    expect(readSyncState(b.host.sqlite, world.orgId)!.pullCursor).toBe(page.to);
    // A hard delete of the held table's row takes it back: an upgrade must not bring it to life.
    const gone = {
      after: page.to,
      to: page.to + 1,
      more: false,
      rows: [{ t: 'work_order_tags', r: tag, v: page.to + 1, f: {}, gone: true }],
      facts: [],
    };
    applyPullPage(b.host, world.orgId, gone);
    expect(heldSummary(b.host.sqlite, world.orgId).entries).toBe(2);
    // Nothing held applies while this release still lacks it.
    expect(replayHeld(b.host, world.orgId)).toBe(0);
    b.host.sqlite.prepare('DELETE FROM sync_held').run();
  });

  it('when the upgrade brings what an older release held, then replaying it (the sync runtime does it at start) applies row fields, whole rows, and columns of a fact stored without them', () => {
    const orgId = world.orgId;
    const wo = closedId;
    const events = all(b, "SELECT id FROM work_order_events WHERE work_order_id = ? AND type = 'created'", wo);
    const event = events[0]!;
    const missing = newId();
    const creator = all(b, 'SELECT actor_id FROM work_order_events WHERE id = ?', event.id)[0]!.actor_id;
    // What the older release wrote into sync_held when a newer hub sent these (columns it lacked then, this release has now).
    const hold = (kind: string, tbl: string, rowId: string, fields: unknown) =>
      b.host.sqlite
        .prepare('INSERT INTO sync_held (org_id, kind, tbl, row_id, fields, clocks, held_at) VALUES (?, ?, ?, ?, ?, NULL, 1)')
        .run(orgId, kind, tbl, rowId, JSON.stringify(fields));
    hold('row', 'work_orders', wo, { title: 'Held from a newer release', crew_size: 4 });
    hold('fact', 'work_order_events', missing, {
      work_order_id: wo,
      type: 'note',
      from_status: null,
      to_status: null,
      actor_id: creator,
      at: 1_790_000_000_000,
      data: { body: 'held note' },
    });
    hold('fact', 'work_order_events', event.id as string, { data: { filled: true } });
    expect(replayHeld(b.host, orgId)).toBe(3);
    expect(all(b, 'SELECT title FROM work_orders WHERE id = ?', wo)[0]!.title).toBe('Held from a newer release');
    expect(all(b, 'SELECT data FROM work_order_events WHERE id = ?', missing)[0]!.data).toBe('{"body":"held note"}');
    expect(all(b, 'SELECT data FROM work_order_events WHERE id = ?', event.id)[0]!.data).toBe('{"filled":true}');
    // crew_size is unknown to this release still: held again, alone.
    expect(heldSummary(b.host.sqlite, orgId)).toEqual({ entries: 1, names: ['work_orders.crew_size'] });
    // The append-only guard is back after the fill.
    expect(() => b.host.sqlite.prepare("UPDATE work_order_events SET data = '{}' WHERE id = ?").run(event.id)).toThrow(/append-only/);
    expect(count(b, 'SELECT count(*) FROM changes WHERE row_id IN (?, ?)', missing, event.id)).toBe(0);
    b.host.sqlite.prepare('DELETE FROM sync_held').run();
  });
});

describe('the pull position', () => {
  it('when a catch-up spans pages, then since stays at its start until a page says no more, and survives a restart of the loop', () => {
    const start = readSyncState(b.host.sqlite, world.orgId)!.pullCursor;
    expect(nextPull(b.host.sqlite, world.orgId)).toEqual({ after: start, since: start });
    applyPullPage(b.host, world.orgId, { after: start, to: start + 1, more: true, rows: [], facts: [] });
    applyPullPage(b.host, world.orgId, { after: start + 1, to: start + 2, more: true, rows: [], facts: [] });
    // Read from the database, as a loop started again after a crash would.
    expect(nextPull(b.host.sqlite, world.orgId)).toEqual({ after: start + 2, since: start });
    applyPullPage(b.host, world.orgId, { after: start + 2, to: start + 3, more: false, rows: [], facts: [] });
    expect(nextPull(b.host.sqlite, world.orgId)).toEqual({ after: start + 3, since: start + 3 });
  });
});

describe('natural keys', () => {
  /** Applies `rows` on B as the next one-version page after its cursor. */
  const page = (rows: PullPage['rows']) => {
    const cursor = readSyncState(b.host.sqlite, world.orgId)!.pullCursor;
    return applyPullPage(b.host, world.orgId, {
      after: cursor,
      to: cursor + 1,
      more: false,
      rows: rows.map((r) => ({ ...r, v: cursor + 1 })),
      facts: [],
    });
  };

  it('when the hub sends a second team with the name of one B has (a conflict key), then B keeps both, the new one under a suffixed name', () => {
    const state = readSyncState(b.host.sqlite, world.orgId)!;
    const id = newId();
    const now = b.clock.now();
    const page: PullPage = {
      after: state.pullCursor,
      to: state.pullCursor + 1,
      more: false,
      rows: [{ t: 'teams', r: id, v: state.pullCursor + 1, f: { name: 'Alpha', depot_id: world.depot, created_at: now } }],
      facts: [],
    };
    expect(applyPullPage(b.host, world.orgId, page).counts).toMatchObject({ inserted: 1, keyConflicts: 1 });
    expect(all(b, "SELECT id, name FROM teams WHERE name LIKE 'Alpha%' AND deleted_at IS NULL ORDER BY name")).toEqual([
      { id: world.teams.alpha, name: 'Alpha' },
      { id, name: `Alpha (${id.slice(-6)})` },
    ]);
  });

  it('when a team named like one B already has arrives with the smaller id, then it takes the plain name and B suffixes the other', () => {
    // Ids are time-ordered: `first` sorts before `second`, though it reaches B second. Every replica
    // must end with the same names whatever the arrival order (the test above is the other order).
    const [first, second] = [newId(), newId()].sort() as [string, string];
    for (const id of [second, first]) {
      const cursor = readSyncState(b.host.sqlite, world.orgId)!.pullCursor;
      const row = { t: 'teams', r: id, v: cursor + 1, f: { name: 'Gamma', depot_id: world.depot, created_at: b.clock.now() } };
      const counts = applyPullPage(b.host, world.orgId, { after: cursor, to: cursor + 1, more: false, rows: [row], facts: [] }).counts;
      expect(counts?.keyConflicts).toBe(id === first ? 1 : 0);
    }
    expect(all(b, "SELECT id, name FROM teams WHERE name LIKE 'Gamma%' AND deleted_at IS NULL ORDER BY id")).toEqual([
      { id: first, name: 'Gamma' },
      { id: second, name: `Gamma (${second.slice(-6)})` },
    ]);
  });

  it('when a restore arrives for a team whose name a live team took meanwhile, then it applies and the smaller id keeps the name', () => {
    const [older, newer] = [newId(), newId()].sort() as [string, string];
    const now = b.clock.now();
    page([{ t: 'teams', r: older, v: 0, f: { name: 'Delta', depot_id: world.depot, created_at: now } }]);
    page([{ t: 'teams', r: older, v: 0, f: { deleted_at: now } }]);
    page([{ t: 'teams', r: newer, v: 0, f: { name: 'Delta', depot_id: world.depot, created_at: now } }]);
    // Another depot restored the older team; its update names no key, only deleted_at.
    expect(page([{ t: 'teams', r: older, v: 0, f: { deleted_at: null } }]).counts?.keyConflicts).toBe(1);
    expect(all(b, "SELECT id, name FROM teams WHERE name LIKE 'Delta%' AND deleted_at IS NULL ORDER BY id")).toEqual([
      { id: older, name: 'Delta' },
      { id: newer, name: `Delta (${newer.slice(-6)})` },
    ]);
  });

  it('when the team holding a shared name is deleted or renamed, then the next smallest id takes the plain name, on every replica alike', () => {
    const [x, y, z] = [newId(), newId(), newId()].sort() as [string, string, string];
    const names = () => all(b, "SELECT id, name FROM teams WHERE name LIKE 'Omega%' AND deleted_at IS NULL ORDER BY id");
    const now = b.clock.now();
    for (const id of [x, y, z]) page([{ t: 'teams', r: id, v: 0, f: { name: 'Omega', depot_id: world.depot, created_at: now } }]);
    expect(names()).toEqual([
      { id: x, name: 'Omega' },
      { id: y, name: `Omega (${y.slice(-6)})` },
      { id: z, name: `Omega (${z.slice(-6)})` },
    ]);
    // A replica that never saw x would hold y plain: B must end the same once x is gone.
    page([{ t: 'teams', r: x, v: 0, f: { deleted_at: now } }]);
    expect(names()).toEqual([
      { id: y, name: 'Omega' },
      { id: z, name: `Omega (${z.slice(-6)})` },
    ]);
    page([{ t: 'teams', r: y, v: 0, f: { name: 'Sigma' } }]);
    expect(names()).toEqual([{ id: z, name: 'Omega' }]);
    // A suffixed team that is deleted carries the plain name, as the hub and a replica that never suffixed it do.
    const w = newId();
    page([{ t: 'teams', r: w, v: 0, f: { name: 'Omega', depot_id: world.depot, created_at: now } }]);
    page([{ t: 'teams', r: w, v: 0, f: { deleted_at: now } }]);
    expect(all(b, 'SELECT name FROM teams WHERE id = ?', w)).toEqual([{ name: 'Omega' }]);
    // Nothing moves when nothing is out of place.
    expect(page([]).counts?.keyConflicts).toBe(0);
  });

  it('when the hub sends a user whose e-mail a B user already has (a unique key), then the page is refused naming the table and nothing applies', () => {
    const state = readSyncState(b.host.sqlite, world.orgId)!;
    const email = all(b, 'SELECT email FROM users WHERE id = ?', world.people.viewer)[0]!.email;
    const page: PullPage = {
      after: state.pullCursor,
      to: state.pullCursor + 1,
      more: false,
      rows: [{ t: 'users', r: newId(), v: state.pullCursor + 1, f: { email, name: 'Twin', role: 'viewer', active: true, created_at: 1 } }],
      facts: [],
    };
    expect(() => applyPullPage(b.host, world.orgId, page)).toThrow(
      expect.objectContaining({ code: 'sync_apply_refused', message: expect.stringContaining('users') }),
    );
    expect(readSyncState(b.host.sqlite, world.orgId)!.pullCursor).toBe(state.pullCursor);
  });
});
