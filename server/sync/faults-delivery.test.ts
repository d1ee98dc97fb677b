import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, withDatabase, type TestDatabase } from '../testing/pg.js';
import { FaultProxy } from './testing/fault-proxy.js';
import { HubDb } from './testing/hub-db.js';
import { DepotProcess, HubProcess, killAll, waitUntil, type HubOrg } from './testing/processes.js';

/**
 * Delivery faults between real processes (issue 15): a hub process on PostgreSQL, two depot
 * processes on their own SQLite files, each talking to the hub through its own fault proxy. Every
 * test ends healed and checks the end state through the depots' public APIs and the hub's database:
 * every write a depot acknowledged to its user is on the hub and on the other depot, once, and the
 * org's versions have no hole. Protocol-level cases (one process, fake stores) are in
 * server/hub/sync/push.test.ts and server/sync/loop.test.ts; these are the same faults on the wire.
 *
 * Replay a failure with DEPOTDESK_FAULT_SEED=<seed> (the seed is in every assertion message).
 */

const PUSH = '/hub/v1/sync/push';
const PULL = '/hub/v1/sync/pull';

let db: TestDatabase;
let hubDb: HubDb;
let hub: HubProcess;
let org: HubOrg;
let a: DepotProcess;
let b: DepotProcess;
let toA: FaultProxy;
let toB: FaultProxy;
/** Every work order a depot answered 201 for: each must end on the hub and both depots. */
const acknowledged: string[] = [];

const seeds = () => `proxy A ${toA.describe()} | proxy B ${toB.describe()}`;

async function create(d: DepotProcess, title: string, token?: string): Promise<string> {
  const res = await d.api<{ id: string }>(
    'POST',
    '/api/v1/work-orders',
    { title, type: 'corrective', priority: 'medium' },
    token ?? d.token,
  );
  expect(res.status, `create on ${d.label}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body.id;
}

/** Heals both links, syncs until clean (A, B, then A again for B's writes), and checks the whole end state. */
async function convergeAndCheck(ids: readonly string[] = acknowledged): Promise<void> {
  toA.heal();
  toB.heal();
  await a.syncUntilClean();
  await b.syncUntilClean();
  await a.syncUntilClean();
  const onHub = await hubDb.workOrderIds(org.orgId);
  for (const id of ids) {
    expect(onHub.has(id), `work order ${id} on the hub; ${seeds()}`).toBe(true);
    const [onA, onB] = await Promise.all([a.workOrder(id), b.workOrder(id)]);
    expect(onA.status, `work order ${id} on A; ${seeds()}`).toBe(200);
    expect(onB.status, `work order ${id} on B; ${seeds()}`).toBe(200);
    expect(onB.body.title).toBe(onA.body.title);
    expect(onB.body.status).toBe(onA.body.status);
  }
  // Once: exactly one 'created' event per work order on the hub (an event is a fact keyed by id, so a
  // duplicate apply would show as a second mutation recording the create).
  const creates = await hubDb.query<{ row_id: string; n: string }>(
    `SELECT fields->>'work_order_id' AS row_id, count(*) AS n FROM facts
      WHERE org_id = $1 AND tbl = 'work_order_events' AND fields->>'type' = 'created' GROUP BY 1 HAVING count(*) > 1`,
    [org.orgId],
  );
  expect(creates.rows, `work orders created more than once on the hub; ${seeds()}`).toEqual([]);
  expect(await hubDb.invariants(org.orgId), seeds()).toEqual([]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Each process start transpiles through tsx (seconds on a busy machine): start them side by side.
  const hubReady = (async () => {
    hub = await HubProcess.start(db.url);
    org = await hub.createOrg('Fault Utilities');
  })();
  [a, b] = await Promise.all([DepotProcess.start({ label: 'A' }), DepotProcess.start({ label: 'B' }), hubReady]);
  hubDb = await HubDb.connect(db.url);
  toA = await new FaultProxy(hub.url).start();
  toB = await new FaultProxy(hub.url).start();
  await a.setup({ name: 'Depot A', code: 'A' });
  const enrol = await a.enrol(toA.url, await hub.enrolmentCode(org));
  expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
  await a.syncUntilClean();
  await b.setup({ name: 'Depot B', code: 'B', join: { hubUrl: toB.url, code: await hub.enrolmentCode(org) } });
  await b.syncUntilClean();
}, 120_000);

afterAll(async () => {
  await killAll();
  await toA?.stop();
  await toB?.stop();
  await hubDb?.close();
  await db?.drop();
});

describe('sync faults between real processes: delivery', () => {
  it('when every push reaches the hub twice at once, then each mutation is applied once', async () => {
    toA.set({ mode: 'duplicate', path: PUSH });
    for (let i = 0; i < 5; i++) acknowledged.push(await create(a, `Duplicate delivery ${i}`));
    await a.syncUntilClean();
    const dup = await toA.waitForEvent((e) => e.action === 'duplicate' && e.hubStatus.length === 2);
    expect(dup.hubStatus, seeds()).toEqual([200, 200]);
    await convergeAndCheck();
  }, 40_000);

  it('when the hub applies a push and its answer is lost, then the resend is answered from storage and nothing doubles', async () => {
    const before = await hubDb.orgVersion(org.orgId);
    toA.set({ mode: 'lose-answer', path: PUSH, times: 1 });
    const ids = [await create(a, 'Lost ack 1'), await create(a, 'Lost ack 2'), await create(a, 'Lost ack 3')];
    acknowledged.push(...ids);
    await a.syncUntilClean();
    const lost = await toA.waitForEvent((e) => e.action === 'lose-answer');
    expect(lost.hubStatus, seeds()).toEqual([200]);
    // The resend after the lost answer passed, and took no new versions: 3 creates, 3 versions.
    expect(
      toA.events.some((e) => e.n > lost.n && e.path === PUSH && e.action === 'pass' && e.hubStatus[0] === 200),
      seeds(),
    ).toBe(true);
    expect(await hubDb.orgVersion(org.orgId), seeds()).toBe(before + 3);
    await convergeAndCheck();
  }, 40_000);

  it('when a pull answer is cut mid-body, then the page is not half-applied and the next pull completes it', async () => {
    const id = await create(a, 'Cut pull page');
    acknowledged.push(id);
    await a.syncUntilClean();
    toB.set({ mode: 'reset-mid-body', path: PULL, times: 1 });
    // B's own loop (poked live by A's push) or this call takes the cut; either way a pull of B's is cut.
    await b.syncNow();
    await toB.waitForEvent((e) => e.action === 'reset-mid-body');
    await convergeAndCheck();
  }, 40_000);

  it('when an old push arrives late, after newer ones were applied, then it changes nothing', async () => {
    toA.set({ mode: 'capture', path: PUSH, times: 1 });
    const id = await create(a, 'Reordered: first title');
    acknowledged.push(id);
    // The captured copy never reached the hub; the depot resends it (its own retry) and goes on.
    await a.syncUntilClean();
    expect(toA.captured, seeds()).toHaveLength(1);
    const edit = await a.api('PATCH', `/api/v1/work-orders/${id}`, { title: 'Reordered: second title' });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    acknowledged.push(await create(a, 'Reordered: later'));
    await a.syncUntilClean();
    const before = await hubDb.orgVersion(org.orgId);
    // Now the stale copy of the first batch lands. Either the hub can still decode it (it keeps the
    // dictionaries of a depot's last two pushes, push-dictionary.ts) and answers it as duplicates, or it
    // was compressed against a body the hub has let go, and it is refused whole before any of it is read.
    const late = await toA.replayCaptured(toA.captured[0]!);
    const answer = late.body as { code?: string; results?: { outcome: string }[] };
    if (late.status === 412) expect(answer.code, seeds()).toBe('push_dictionary_unknown');
    else {
      expect(late.status, `${JSON.stringify(late.body)}; ${seeds()}`).toBe(200);
      expect(
        answer.results!.every((r) => r.outcome === 'duplicate'),
        seeds(),
      ).toBe(true);
    }
    expect(await hubDb.orgVersion(org.orgId)).toBe(before);
    await convergeAndCheck();
    expect((await b.workOrder(id)).body.title).toBe('Reordered: second title');
  }, 40_000);

  it('when the hub is restored from a backup that lacks acknowledged pushes, then the depot is told of the gap and resends', async () => {
    await convergeAndCheck();
    // B stays away while the hub's history is rewound (B's cursor stays at or below the backup's version).
    toB.set({ mode: 'partition' });
    const admin = new pg.Client({ connectionString: withDatabase(db.url, 'postgres') });
    await admin.connect();
    const backup = `${db.name}_bak`;
    const copyDatabase = async (from: string, to: string) => {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [from]);
      await admin.query(`CREATE DATABASE ${to} TEMPLATE ${from}`);
    };
    try {
      await hubDb.close();
      await hub.kill();
      await copyDatabase(db.name, backup);
      await hub.restart();
      toA.target = hub.url;
      toB.target = hub.url;
      const lost = await create(a, 'Pushed after the backup');
      acknowledged.push(lost);
      await a.syncUntilClean();
      // The disaster: the hub comes back from the backup, without that push.
      await hub.kill();
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
      await admin.query(`DROP DATABASE ${db.name}`);
      await admin.query(`ALTER DATABASE ${backup} RENAME TO ${db.name}`);
      await hub.restart();
      toA.target = hub.url;
      toB.target = hub.url;
      hubDb = await HubDb.connect(db.url);
      expect((await hubDb.workOrderIds(org.orgId)).has(lost)).toBe(false);
      // B comes back first and writes: its work order takes the version A had already pulled `lost` at.
      // A's cursor is past it; unless the gap makes A pull from 0 again, A never receives B's write.
      toB.heal();
      acknowledged.push(await create(b, 'Written on B after the restore'));
      await b.syncUntilClean();
      acknowledged.push(await create(a, 'Pushed after the restore'));
      await a.syncUntilClean();
      expect(
        toA.events.some((e) => e.path === PUSH && e.hubStatus[0] === 409),
        `the hub answered a gap; ${seeds()}`,
      ).toBe(true);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${backup} WITH (FORCE)`);
      await admin.end();
    }
    await convergeAndCheck();
  }, 60_000);

  it('when A is restored from a backup and a phone resends a note A took after it, then the resend is answered as applied and the note is there once', async () => {
    await convergeAndCheck();
    const backup = await a.api<{ id: string }>('POST', '/api/v1/backups');
    expect(backup.status, JSON.stringify(backup.body)).toBe(201);
    const wo = await create(a, 'Note before the restore');
    acknowledged.push(wo);
    // The phone's outbox keys the action with its id; its answer is lost, so it will send it again.
    const key = randomUUID();
    const body = { body: `Valve seized, needs a second crew ${key.slice(0, 8)}` };
    expect((await a.keyedPost(`/api/v1/work-orders/${wo}/notes`, body, key)).status).toBe(201);
    await a.syncUntilClean();
    // A slow link: every exchange with the hub takes 2 s, so A's sync loop cannot have asked the hub
    // anything when the phone resends right after the restart; the host asks before it listens.
    toA.set({ mode: 'delay', delayMs: 2_000 });
    expect(await a.restoreBackup(backup.body.id)).toBe(true);
    // A has neither the work order nor the note yet; the replay is answered before either is looked up.
    const again = await a.keyedPost<{ replayed?: boolean }>(`/api/v1/work-orders/${wo}/notes`, body, key);
    toA.heal();
    expect([again.status, again.body.replayed], JSON.stringify(again.body)).toEqual([200, true]);
    await convergeAndCheck();
    const notesOn = async (d: DepotProcess) => {
      const res = await d.api<{ items: { type: string; data: { body?: string } | null }[] }>('GET', `/api/v1/work-orders/${wo}/events`);
      expect(res.status).toBe(200);
      return res.body.items.filter((e) => e.type === 'note' && e.data?.body === body.body).length;
    };
    expect([await notesOn(a), await notesOn(b)]).toEqual([1, 1]);
    const onHub = await hubDb.query<{ n: string }>(
      `SELECT count(*) AS n FROM facts WHERE org_id = $1 AND tbl = 'work_order_events' AND fields->>'type' = 'note' AND fields->>'work_order_id' = $2`,
      [org.orgId, wo],
    );
    expect(onHub.rows[0]!.n).toBe('1');
  }, 90_000);

  it('when A is restored while the hub refuses every connection, then A still comes back, serves, and syncs once the link heals', async () => {
    await convergeAndCheck();
    const backup = await a.api<{ id: string }>('POST', '/api/v1/backups');
    expect(backup.status).toBe(201);
    acknowledged.push(await create(a, 'Before a restore behind a dead link'));
    await a.syncUntilClean();
    toA.set({ mode: 'partition' });
    // The restarted host asks the hub before it listens; a refused connection must not end the process.
    expect(await a.restoreBackup(backup.body.id)).toBe(true);
    expect((await a.api('GET', '/healthz')).status).toBe(200);
    expect(a.output()).toMatch(/could not be asked which requests this restored depot had applied/);
    // Started afresh, still cut off and still not knowing: the start asks again and must survive it too.
    await a.restart();
    expect((await a.api('GET', '/healthz')).status).toBe(200);
    await convergeAndCheck();
  }, 90_000);

  it('when both links drop, duplicate, lose and cut a third of all requests at random, then both depots still converge', async () => {
    const flaky = { mode: 'drop', probability: 0.35, choices: ['drop', 'duplicate', 'lose-answer', 'reset-mid-body'] } as const;
    toA.set({ ...flaky, choices: [...flaky.choices] });
    toB.set({ ...flaky, choices: [...flaky.choices] });
    for (let i = 0; i < 8; i++) acknowledged.push(await create(a, `Flaky A ${i}`), await create(b, `Flaky B ${i}`));
    // Sync through the faults for a while (each call may fail), then heal and check.
    for (let i = 0; i < 6; i++) await Promise.all([a.syncNow(), b.syncNow()]);
    expect(
      [...toA.events, ...toB.events].some((e) => e.action !== 'pass'),
      `some fault was drawn; ${seeds()}`,
    ).toBe(true);
    await convergeAndCheck();
  }, 60_000);

  it('when the hub refuses one mutation, then the mutations queued behind it still apply', async () => {
    const made = await a.api<{ id: string }>('POST', '/api/v1/users', {
      email: 'dana@a.test',
      name: 'Dana Dispatcher',
      role: 'dispatcher',
      password: 'dana dispatcher password',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const login = await a.api<{ token: string }>(
      'POST',
      '/api/v1/auth/login',
      { email: 'dana@a.test', password: 'dana dispatcher password' },
      null,
    );
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    await convergeAndCheck();
    // A loses the hub; meanwhile B deactivates Dana and the hub learns it.
    toA.set({ mode: 'partition' });
    const off = await b.api('PATCH', `/api/v1/users/${made.body.id}`, { active: false });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    await b.syncUntilClean();
    // On A, which has not heard, Dana still works, and the admin after her.
    const byDana = await create(a, 'Written by a user the org deactivated', login.body.token);
    const after = [await create(a, 'Queued behind the refusal 1'), await create(a, 'Queued behind the refusal 2')];
    acknowledged.push(...after);
    toA.heal();
    const status = await a.syncUntilClean();
    expect(status.refusals, seeds()).toBeGreaterThanOrEqual(1);
    const refusals = await a.api<{ items: { outcome: string }[] }>('GET', '/api/v1/sync/refusals');
    expect(refusals.body.items.some((r) => r.outcome === 'refused')).toBe(true);
    await convergeAndCheck();
    expect((await hubDb.workOrderIds(org.orgId)).has(byDana)).toBe(false);
    expect((await b.workOrder(byDana)).status).toBe(404);
    // And A takes its own refused create back (the hub's answer carries the row's current state: none).
    expect((await a.workOrder(byDana)).status, seeds()).toBe(404);
  }, 40_000);

  it('when a depot is killed (-9) while its push is in flight, then after a restart everything arrives once', async () => {
    toA.set({ mode: 'hold', path: PUSH });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await create(a, `Kill the depot ${i}`));
    acknowledged.push(...ids);
    void a.syncNow().catch(() => undefined);
    // The hub has applied the batch; its answer is held in the proxy when the depot dies.
    await toA.waitForEvent((e) => e.action === 'hold' && e.hubStatus[0] === 200);
    await a.kill();
    toA.release('destroy');
    toA.heal();
    await a.restart();
    await convergeAndCheck();
  }, 60_000);

  it('when a depot is killed (-9) before its push reaches the hub, and the push lands after its death, then after a restart everything arrives once', async () => {
    toA.set({ mode: 'gate', path: PUSH });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await create(a, `Orphaned push ${i}`));
    acknowledged.push(...ids);
    void a.syncNow().catch(() => undefined);
    await toA.waitForEvent((e) => e.action === 'gate' && toA.heldCount > 0);
    await a.kill();
    // The network delivers the dead depot's request late: the hub applies it with nobody to answer.
    const before = await hubDb.orgVersion(org.orgId);
    toA.release('send');
    await waitUntil('the orphaned push to be applied', async () => ((await hubDb.orgVersion(org.orgId)) > before ? true : undefined));
    toA.heal();
    await a.restart();
    await convergeAndCheck();
  }, 60_000);

  it('when the hub is killed (-9) in the middle of applying a push, then none of that batch is kept and the depot completes after', async () => {
    await convergeAndCheck();
    const node = await hubDb.nodeId(org.orgId, 'A');
    const versionBefore = await hubDb.orgVersion(org.orgId);
    const mutationsBefore = await hubDb.count('SELECT count(*) AS n FROM applied_mutations WHERE org_id = $1', [org.orgId]);
    // Hold the node's stream row: the hub's push writes rows, facts and applied mutations, then waits
    // on this lock to record the acknowledgement, inside its one transaction.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT * FROM node_streams WHERE org_id = $1 AND node_id = $2 FOR UPDATE', [org.orgId, node]);
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await create(a, `Kill the hub ${i}`));
      acknowledged.push(...ids);
      void a.syncNow().catch(() => undefined);
      let seen = '';
      const blocked = await waitUntil('the hub push to wait on the stream lock', async () => {
        // Not on the locker: inside its transaction pg_stat_activity is one snapshot that never moves.
        const r = await hubDb.query<{ pid: number; wait_event_type: string | null; state: string; query: string }>(
          `SELECT pid, wait_event_type, state, query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [db.name],
        );
        seen = JSON.stringify(r.rows.map((x) => [x.wait_event_type, x.state, x.query.slice(0, 60)]));
        return r.rows.find((x) => x.wait_event_type === 'Lock' && /INTO node_streams/i.test(x.query))?.pid;
      }).catch((err: Error) => {
        throw new Error(`${err.message}; activity ${seen}; ${seeds()}`);
      });
      // Mid-apply: the blocked transaction has already written the batch's rows, facts and applied
      // mutations (it holds their tables' write locks), uncommitted, when the hub dies.
      const written = await hubDb.query<{ rel: string }>(
        `SELECT relation::regclass::text AS rel FROM pg_locks WHERE pid = $1 AND mode = 'RowExclusiveLock' AND relation IS NOT NULL`,
        [blocked],
      );
      expect(written.rows.map((r) => r.rel)).toEqual(expect.arrayContaining(['rows', 'facts', 'applied_mutations']));
      await hub.kill();
      await locker.query('ROLLBACK');
      await waitUntil('the dead hub connection to end', async () => {
        const r = await hubDb.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [blocked]);
        return r.rowCount === 0 ? true : undefined;
      });
    } finally {
      await locker.end();
    }
    expect(await hubDb.orgVersion(org.orgId), seeds()).toBe(versionBefore);
    expect(await hubDb.count('SELECT count(*) AS n FROM applied_mutations WHERE org_id = $1', [org.orgId])).toBe(mutationsBefore);
    expect(await hubDb.invariants(org.orgId), seeds()).toEqual([]);
    await hub.restart();
    toA.target = hub.url;
    toB.target = hub.url;
    await convergeAndCheck();
  }, 60_000);
});
