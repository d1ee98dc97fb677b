import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../host.js';
import { createTestDatabase, type TestDatabase } from '../testing/pg.js';
import { PullPage, SYNC_SCHEMA_EPOCH } from './contract-protocol.js';
import { FaultProxy } from './testing/fault-proxy.js';
import { HubDb } from './testing/hub-db.js';
import { DepotProcess, HubProcess, killAll, type HubOrg } from './testing/processes.js';

/**
 * Concurrency, tenancy and merge faults between real processes (issue 15): depots A, B, C and S of
 * one org and D of another, each a host process behind its own fault proxy, and one hub process.
 * S runs with its clock three hours ahead (libfaketime). Same-field and different-field edits and a
 * stale status move between two depots are in server/sync/hub-depot.test.ts (in-process depots,
 * real hub); here they come back only under clock skew, and delete-against-update is new.
 */

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const haveFaketime = fs.existsSync(FAKETIME_LIB);
const SKEW_MS = 3 * 3600_000;
if (!haveFaketime)
  console.warn(`clock-skew tests skipped: ${FAKETIME_LIB} is missing (Debian package faketime; CI installs it in .ci/run)`);

let db: TestDatabase;
let hubDb: HubDb;
let hub: HubProcess;
let org: HubOrg;
const proxies = new Map<DepotProcess, FaultProxy>();
let a: DepotProcess;
let b: DepotProcess;
let c: DepotProcess;
/** Another organization's depot. */
let d: DepotProcess;
/** The depot whose clock runs ahead; null where libfaketime is missing. */
let skewed: DepotProcess | null;

const seeds = () => [...proxies].map(([d, p]) => `proxy ${d.label} ${p.describe()}`).join(' | ');
const proxyOf = (d: DepotProcess) => proxies.get(d)!;

async function depot(label: string, env?: Record<string, string>): Promise<DepotProcess> {
  return DepotProcess.start({ label, ...(env ? { env } : {}) });
}

async function join(d: DepotProcess): Promise<void> {
  await d.setup({ name: `Depot ${d.label}`, code: d.label, join: { hubUrl: proxyOf(d).url, code: await hub.enrolmentCode(org) } });
  await d.syncUntilClean();
}

/** The depot's node credential, read from its SQLite file (the test then speaks to the hub as that depot). */
function credentialOf(d: DepotProcess): string {
  const file = new Database(path.join(d.dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    return file.prepare('SELECT credential FROM sync_state').pluck().get() as string;
  } finally {
    file.close();
  }
}

async function create(d: DepotProcess, title: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await d.createWorkOrder(title, extra)).id;
}

async function syncAll(...ds: DepotProcess[]): Promise<void> {
  for (const p of proxies.values()) p.heal();
  for (const d of ds) await d.syncUntilClean();
  for (const d of ds) await d.syncUntilClean();
}

beforeAll(async () => {
  db = await createTestDatabase();
  // Each process start transpiles through tsx (seconds on a busy machine): start them side by side.
  const hubReady = (async () => {
    hub = await HubProcess.start(db.url);
    org = await hub.createOrg('Merge Utilities');
  })();
  [a, b, c, d, skewed] = await Promise.all([
    depot('A'),
    depot('B'),
    depot('C'),
    depot('D'),
    haveFaketime ? depot('S', { LD_PRELOAD: FAKETIME_LIB, FAKETIME: `+${SKEW_MS / 3600_000}h`, FAKETIME_DONT_FAKE_MONOTONIC: '1' }) : null,
    hubReady,
  ]);
  hubDb = await HubDb.connect(db.url);
  for (const x of [a, b, c, d, skewed]) if (x) proxies.set(x, await new FaultProxy(hub.url).start());
  await a.setup({ name: 'Depot A', code: 'A' });
  const enrol = await a.enrol(proxyOf(a).url, await hub.enrolmentCode(org));
  expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
  await a.syncUntilClean();
  await join(b);
  await join(c);
}, 120_000);

afterAll(async () => {
  await killAll();
  for (const p of proxies.values()) await p.stop();
  await hubDb?.close();
  await db?.drop();
});

describe('sync faults between real processes: concurrency, tenancy, merge', () => {
  it('when two depots push the same org at once while a third pulls, then the puller sees every version and no gap', async () => {
    const start = await hubDb.orgVersion(org.orgId);
    // Queue writes on both while they cannot reach the hub, then let both go at the same moment.
    proxyOf(a).set({ mode: 'partition' });
    proxyOf(b).set({ mode: 'partition' });
    const made: string[] = [];
    for (let i = 0; i < 40; i++) made.push(await create(a, `Concurrent A ${i}`), await create(b, `Concurrent B ${i}`));
    const expectedTop = start + made.length;
    const credential = credentialOf(c);
    // The test pulls as C, small pages, from before the pushes until the hub's version holds them all.
    const seen = new Set<string>();
    const pages: string[] = [];
    /** The pages read, repeats folded, for failure messages. */
    const trail = () =>
      pages
        .filter((p, i) => p !== pages[i - 1])
        .slice(-40)
        .join(' ');
    const pull = async () => {
      let after = start;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`the puller never reached version ${expectedTop}; pages ${trail()}; ${seeds()}`);
        const res = await fetch(`${hub.url}/hub/v1/sync/pull?after=${after}&since=${start}&limit=7&schema=${SYNC_SCHEMA_EPOCH}`, {
          headers: { authorization: `Bearer ${credential}` },
        });
        expect(res.status).toBe(200);
        const page = PullPage.parse(await res.json());
        pages.push(`${page.after}->${page.to}`);
        expect(page.after, `a page starts where the last one ended; pages ${trail()}; ${seeds()}`).toBe(after);
        for (const r of page.rows) if (r.t === 'work_orders') seen.add(r.r);
        after = page.to;
        if (!page.more && after >= expectedTop) return;
      }
    };
    // Both depots' next pushes wait at their proxies' gates, then reach the hub at the same moment.
    proxyOf(a).set({ mode: 'gate', path: '/hub/v1/sync/push' });
    proxyOf(b).set({ mode: 'gate', path: '/hub/v1/sync/push' });
    const pushing = [a.syncNow(), b.syncNow()];
    await Promise.all([a, b].map((d) => proxyOf(d).waitForEvent((e) => e.action === 'gate')));
    proxyOf(a).release('send');
    proxyOf(b).release('send');
    proxyOf(a).heal();
    proxyOf(b).heal();
    // C's own loop pulls meanwhile too, through its proxy.
    const cPulls = (async () => {
      for (let i = 0; i < 5; i++) await c.syncNow();
    })();
    await Promise.all([...pushing, pull(), cPulls]);
    await Promise.all([a.syncUntilClean(), b.syncUntilClean()]);
    expect(
      made.filter((id) => !seen.has(id)),
      `work orders the puller never saw; pages ${trail()}; ${seeds()}`,
    ).toEqual([]);
    expect(await hubDb.orgVersion(org.orgId)).toBe(expectedTop);
    expect(await hubDb.invariants(org.orgId), seeds()).toEqual([]);
    await syncAll(c);
    for (const id of made) expect((await c.workOrder(id)).status, `${id} on C; ${seeds()}`).toBe(200);
  }, 60_000);

  it('when a depot of another organization tries to join, then it is refused, and once in its own org neither sees the other', async () => {
    const other = await hub.createOrg('Other Utilities');
    await d.setup({ name: 'Depot D', code: 'D' });
    const mine = await create(d, 'Only in the other org');
    const refused = await d.enrol(proxyOf(d).url, await hub.enrolmentCode(org));
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(String(refused.body.detail)).toMatch(/another organization|two organizations/i);
    const ok = await d.enrol(proxyOf(d).url, await hub.enrolmentCode(other));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    await d.syncUntilClean();
    const ours = await create(a, 'Only in the first org');
    await syncAll(a, b);
    await d.syncUntilClean();
    expect((await hubDb.workOrderIds(org.orgId)).has(mine)).toBe(false);
    expect((await hubDb.workOrderIds(other.orgId)).has(mine)).toBe(true);
    expect((await d.workOrder(ours)).status).toBe(404);
    expect((await b.workOrder(mine)).status).toBe(404);
    // D's credential pushing as A's node is refused whatever the body says: the node comes from the credential.
    const dCredential = credentialOf(d);
    const nodeA = await hubDb.nodeId(org.orgId, 'A');
    const forged = await fetch(`${hub.url}/hub/v1/sync/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dCredential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ node: nodeA, epoch: 1, afterSeq: null, toSeq: 1, key: 'forged', schema: SYNC_SCHEMA_EPOCH, mutations: [] }),
    });
    expect([400, 422]).toContain(forged.status);
    // And its pull shows only its own org.
    const page = PullPage.parse(
      await (
        await fetch(`${hub.url}/hub/v1/sync/pull?after=0&limit=5000&schema=${SYNC_SCHEMA_EPOCH}`, {
          headers: { authorization: `Bearer ${dCredential}` },
        })
      ).json(),
    );
    const ids = new Set(page.rows.map((r) => r.r));
    expect(ids.has(ours)).toBe(false);
    expect(ids.has(mine)).toBe(true);
    expect(await hubDb.invariants(other.orgId)).toEqual([]);
  }, 60_000);

  it('when one depot deletes a team while another renames it, then the team stays deleted everywhere and the rename is kept', async () => {
    const made = await a.api<{ id: string }>('POST', '/api/v1/teams', { name: 'Delta crew' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const team = made.body.id;
    await syncAll(a, b);
    expect((await b.api('GET', `/api/v1/teams/${team}`)).status).toBe(200);
    proxyOf(a).set({ mode: 'partition' });
    proxyOf(b).set({ mode: 'partition' });
    expect((await a.api('DELETE', `/api/v1/teams/${team}`)).status).toBe(204);
    const renamed = await b.api('PATCH', `/api/v1/teams/${team}`, { name: 'Delta crew (renamed)' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    await syncAll(a, b);
    for (const d of [a, b]) {
      expect((await d.api('GET', `/api/v1/teams/${team}`)).status, `team on ${d.label}; ${seeds()}`).toBe(404);
      const bin = await d.api<{ items: { id: string; name: string }[] }>('GET', '/api/v1/deleted?limit=100');
      expect(
        bin.body.items.find((i) => i.id === team),
        `team in ${d.label}'s recycle bin; ${seeds()}`,
      ).toMatchObject({ name: 'Delta crew (renamed)' });
    }
    const onHub = await hubDb.query<{ fields: Record<string, unknown> }>(
      "SELECT fields FROM rows WHERE org_id = $1 AND tbl = 'teams' AND row_id = $2",
      [org.orgId, team],
    );
    expect(onHub.rows[0]?.fields).toMatchObject({ name: 'Delta crew (renamed)', deleted_at: expect.anything() });
    expect(await hubDb.invariants(org.orgId), seeds()).toEqual([]);
  }, 60_000);

  describe.skipIf(!haveFaketime)(`with one depot's clock ${SKEW_MS / 3600_000} h ahead (libfaketime)`, () => {
    let s: DepotProcess;

    beforeAll(async () => {
      s = skewed!;
      await join(s);
    }, 60_000);

    it('the skewed depot really runs ahead', async () => {
      const res = await fetch(`${s.url}/healthz`);
      const theirs = Date.parse(res.headers.get('date') ?? '');
      expect(theirs - Date.now()).toBeGreaterThan(SKEW_MS - 120_000);
    });

    it('when the skewed depot and a true one edit the same field, then every replica takes the same value, and a later edit still wins', async () => {
      const id = await create(a, 'Skewed same field');
      await syncAll(a, s, b);
      proxyOf(a).set({ mode: 'partition' });
      proxyOf(s).set({ mode: 'partition' });
      // S edits, then A, both held back: S's stamp is from the future, so the hub orders it at its own
      // clock when S's push arrives, which is after A's edit whichever push comes first: S wins this round.
      expect((await s.api('PATCH', `/api/v1/work-orders/${id}`, { priority: 'low' })).status).toBe(200);
      expect((await a.api('PATCH', `/api/v1/work-orders/${id}`, { priority: 'critical', description: 'from A' })).status).toBe(200);
      await syncAll(a, s, b);
      const values = await Promise.all([a, s, b].map(async (d) => (await d.workOrder(id)).body));
      for (const v of values) expect(v, seeds()).toMatchObject({ priority: 'low', description: 'from A' });
      const onHub = await hubDb.query<{ fields: Record<string, unknown> }>(
        "SELECT fields FROM rows WHERE org_id = $1 AND tbl = 'work_orders' AND row_id = $2",
        [org.orgId, id],
      );
      expect(onHub.rows[0]?.fields.priority).toBe('low');
      // A, having pulled S's value, edits the field again: A's edit is later in real time, and the hub
      // ordered S's stamp from the future at its own clock (merge.ts hubHlc), so A's value wins everywhere.
      expect((await a.api('PATCH', `/api/v1/work-orders/${id}`, { priority: 'high' })).status).toBe(200);
      await syncAll(a, s, b);
      const again = await Promise.all([a, s, b].map(async (d) => (await d.workOrder(id)).body.priority));
      expect(again, seeds()).toEqual(['high', 'high', 'high']);
    }, 60_000);

    it("when the skewed depot makes a status move the hub's state no longer allows, then it is a conflict whatever its clock says", async () => {
      const id = await create(a, 'Skewed status', { plannedStart: new Date(Date.now() + 86_400_000).toISOString() });
      await syncAll(a, s);
      proxyOf(s).set({ mode: 'partition' });
      expect((await a.api('POST', `/api/v1/work-orders/${id}/transitions`, { to: 'CANCELLED' })).status).toBe(200);
      await a.syncUntilClean();
      // S has not heard; its move from NEW carries a stamp hours after A's cancel.
      const moved = await s.api('POST', `/api/v1/work-orders/${id}/transitions`, { to: 'SCHEDULED' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      proxyOf(s).heal();
      const status = await s.syncUntilClean();
      expect(status.conflicts, seeds()).toBeGreaterThanOrEqual(1);
      await syncAll(a, s, b);
      for (const d of [a, s, b]) expect((await d.workOrder(id)).body.status, `${d.label}; ${seeds()}`).toBe('CANCELLED');
      expect(await hubDb.invariants(org.orgId), seeds()).toEqual([]);
    }, 60_000);
  });
});
