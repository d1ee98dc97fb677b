import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, png, upload } from '../attachments/test-helpers.js';
import { setupCodeFor } from '../auth/setup-code.js';
import { startTestHub, type TestHub, type TestOrg } from '../hub/testing.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, move, seedWorld, type World } from '../work-orders/fixtures.js';
import { withoutCensus } from '../testing/write-census.js';

/**
 * Two depots and their organization's hub, for real: the hub on PostgreSQL over HTTP, each depot a
 * host on its own SQLite file, driven only through the public APIs a user's console uses. Depot A is
 * an existing depot that enrols; depot B joins the organization at its first-run setup and starts
 * from a snapshot. Faults are their own file; this one is the ordinary day.
 */

let hub: TestHub;
let org: TestOrg;
let a: TestHost;
let b: TestHost;
let world: World;
let bAdmin: string;

const B_ADMIN = { name: 'Bea North', email: 'bea@north.test', password: 'north depot password' };

async function code(): Promise<string> {
  const res = await hub.call('POST', '/hub/v1/enrolment-codes', { token: org.token, body: {} });
  if (res.status !== 201 && res.status !== 200) throw new Error(`code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}

async function syncNow(t: TestHost, token: string) {
  const res = await t.api('POST', '/api/v1/sync/now', { token });
  expect(res.status).toBe(200);
  expect(res.body.lastError, `sync error on ${t.url}`).toBeNull();
  return res.body as { pending: number; phase: string; refusals: number; conflicts: number };
}

async function getWo(t: TestHost, token: string, id: string) {
  const res = await t.api('GET', `/api/v1/work-orders/${id}`, { token });
  expect(res.status, `GET work order on ${t.url}`).toBe(200);
  return res.body as Record<string, unknown> & { version: number; status: string; title: string; priority: string };
}

beforeAll(async () => {
  hub = await startTestHub();
  org = await hub.org('Riverside Utilities');
  a = await startTestHost();
  world = await seedWorld(a);
  b = await startTestHost();
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await hub?.stop();
});

describe('two depots and a hub', () => {
  it('when an existing depot enrols and syncs, then the hub acknowledges every mutation it had', async () => {
    const enrol = await a.api('POST', '/api/v1/sync/enrol', { token: world.tokens.admin, body: { hubUrl: hub.url, code: await code() } });
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
    expect(enrol.body.pending).toBeGreaterThan(0);
    const status = await syncNow(a, world.tokens.admin);
    expect(status).toMatchObject({ pending: 0, phase: 'online', refusals: 0 });
    // The bytes of the exchange are counted for /metrics, each way.
    const bytes = (await a.host.metrics.syncBytes.get()).values;
    expect(bytes.find((v) => v.labels.direction === 'up')?.value).toBeGreaterThan(1_000);
    expect(bytes.find((v) => v.labels.direction === 'down')?.value).toBeGreaterThan(0);
  });

  it('when a new depot joins at first-run setup, then it starts from a snapshot of the organization', async () => {
    const wo = await createVia(a, world, { title: 'Burst main, Wells Road', locationId: world.loc1 });
    await syncNow(a, world.tokens.admin);
    const setup = await b.api('POST', '/api/v1/setup', {
      body: {
        setupCode: setupCodeFor(b.host),
        organization: { name: 'ignored: the hub names the org', timeZone: 'UTC' },
        depot: { name: 'North depot', code: 'NORTH' },
        admin: B_ADMIN,
        join: { hubUrl: hub.url, code: await code() },
      },
    });
    expect(setup.status, JSON.stringify(setup.body)).toBe(201);
    bAdmin = setup.body.token;
    expect(setup.body.user.orgId).toBe(world.orgId);
    const status = await syncNow(b, bAdmin);
    expect(status).toMatchObject({ pending: 0, refusals: 0 });
    const onB = await getWo(b, bAdmin, wo.id);
    expect(onB).toMatchObject({ title: 'Burst main, Wells Road', number: wo.number, status: 'NEW', locationId: world.loc1 });
    // The org row is the organization's, not what B typed at setup.
    const me = await b.api('GET', '/api/v1/auth/me', { token: bAdmin });
    expect(me.status).toBe(200);
    // A sees B's admin after its next pull: B's setup reached the hub.
    await syncNow(a, world.tokens.admin);
    const users = await a.api('GET', '/api/v1/users?limit=100', { token: world.tokens.admin });
    expect(users.body.items.map((u: { email: string }) => u.email)).toContain(B_ADMIN.email);
  });

  it('when B edits a work order, then A has the edit after B pushes and A pulls', async () => {
    const wo = await createVia(a, world, { title: 'Streetlight out' });
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    const before = await getWo(b, bAdmin, wo.id);
    const edit = await b.api('PATCH', `/api/v1/work-orders/${wo.id}`, {
      token: bAdmin,
      body: { title: 'Streetlight out, Mill Lane' },
      headers: { 'if-match': `"${before.version}"` },
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    await syncNow(b, bAdmin);
    await syncNow(a, world.tokens.admin);
    expect((await getWo(a, world.tokens.admin, wo.id)).title).toBe('Streetlight out, Mill Lane');
  });

  it('when both depots edit the same field offline, then the later edit wins on both; different fields both stay', async () => {
    const wo = await createVia(a, world, { title: 'Hydrant check', priority: 'low' });
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    const onA = await getWo(a, world.tokens.admin, wo.id);
    const onB = await getWo(b, bAdmin, wo.id);
    expect(
      (
        await a.api('PATCH', `/api/v1/work-orders/${wo.id}`, {
          token: world.tokens.admin,
          body: { priority: 'medium', title: 'Hydrant check (A)' },
        })
      ).status,
    ).toBe(200);
    b.clock.advance(5_000);
    a.clock.advance(5_000);
    expect(
      (await b.api('PATCH', `/api/v1/work-orders/${wo.id}`, { token: bAdmin, body: { priority: 'high', description: 'from B' } })).status,
    ).toBe(200);
    expect(onA.version).toBeGreaterThan(0);
    expect(onB.version).toBeGreaterThan(0);
    // A pushes first, B second: B's priority is later by HLC and wins; A's title and B's description both stay.
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    await syncNow(a, world.tokens.admin);
    for (const [t, token] of [
      [a, world.tokens.admin],
      [b, bAdmin],
    ] as const) {
      expect(await getWo(t, token, wo.id)).toMatchObject({ priority: 'high', title: 'Hydrant check (A)', description: 'from B' });
    }
  });

  it('when A cancels and B dispatches the same work order offline, then the stale move is a conflict both depots show', async () => {
    const wo = await createVia(a, world, {
      title: 'Valve exercise',
      assigneeId: world.people.tech1,
      teamId: world.teams.alpha,
      plannedStart: '2026-11-17T09:00:00Z',
    });
    expect((await move(a, world.tokens.dispatcher, wo.id, 'SCHEDULED')).status).toBe(200);
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    expect((await getWo(b, bAdmin, wo.id)).status).toBe('SCHEDULED');
    expect((await move(a, world.tokens.dispatcher, wo.id, 'CANCELLED')).status).toBe(200);
    a.clock.advance(1_000);
    b.clock.advance(1_000);
    expect((await move(b, bAdmin, wo.id, 'DISPATCHED')).status).toBe(200);
    await syncNow(a, world.tokens.admin);
    const bStatus = await syncNow(b, bAdmin);
    expect(bStatus.conflicts).toBe(1);
    await syncNow(a, world.tokens.admin);
    // Both depots end CANCELLED, and both timelines say what was not applied.
    for (const [t, token] of [
      [a, world.tokens.admin],
      [b, bAdmin],
    ] as const) {
      expect((await getWo(t, token, wo.id)).status).toBe('CANCELLED');
      const events = await t.api('GET', `/api/v1/work-orders/${wo.id}/events`, { token });
      expect(events.status).toBe(200);
      const conflict = (events.body.items as { type: string; data: Record<string, unknown> }[]).find((e) => e.type === 'sync_conflict');
      expect(conflict, `sync_conflict event on ${t.url}`).toBeDefined();
      expect(JSON.stringify(conflict!.data)).toMatch(/DISPATCHED/);
    }
    const refusals = await b.api('GET', '/api/v1/sync/refusals', { token: bAdmin });
    expect(refusals.body.items).toHaveLength(1);
    expect(refusals.body.items[0]).toMatchObject({ outcome: 'conflict' });
  });

  it('when nothing changed, then a sync moves nothing and both depots agree on every work order', async () => {
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    const listA = await a.api('GET', '/api/v1/work-orders?limit=200', { token: world.tokens.admin });
    const listB = await b.api('GET', '/api/v1/work-orders?limit=200', { token: bAdmin });
    const shape = (items: Record<string, unknown>[]) =>
      items
        .map((w) => [w.id, w.number, w.title, w.status, w.priority, w.description ?? null, w.assigneeId ?? null])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(shape(listB.body.items)).toEqual(shape(listA.body.items));
    // The four work orders this file created, whichever depot made or last moved them.
    expect(listA.body.items.length).toBeGreaterThanOrEqual(4);
  });

  it('when A attaches files, then each goes to the hub once (a cut upload resumes) and B fetches it the first time someone opens it there', async () => {
    const wo = await createVia(a, world, { title: 'Pump house survey', locationId: world.loc1 });
    const doc = Buffer.from('%PDF-1.4\n' + 'survey notes '.repeat(150_000) + '\n%%EOF\n');
    const up = await upload(a, world.tokens.admin, wo.id, doc, { kind: 'document', fileName: 'survey.pdf' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const att = up.body as { id: string; sha256: string };
    // The link dropped after the first part went: the hub holds 1 MiB of it.
    const cred = (a.host.sqlite.prepare('SELECT credential FROM sync_state').pluck().get() as string) ?? '';
    const first = await fetch(`${hub.url}/hub/v1/blobs/${att.sha256}?size=${doc.length}&offset=0`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${cred}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(doc.subarray(0, 1024 * 1024)),
    });
    expect(first.status).toBe(200);
    // The same file attached again: another attachment, the same content.
    const again = await upload(a, world.tokens.admin, wo.id, doc, { kind: 'document', fileName: 'survey-copy.pdf' });
    expect(again.status).toBe(201);
    await syncNow(a, world.tokens.admin);
    const status = await fetch(`${hub.url}/hub/v1/blobs/${att.sha256}/status`, { headers: { authorization: `Bearer ${cred}` } });
    expect(await status.json()).toEqual({ size: doc.length, received: doc.length, complete: true });
    // Two attachments, one file: handed over once.
    expect(a.host.sqlite.prepare("SELECT count(*) FROM sync_blobs WHERE state = 'sent' AND sha256 = ?").pluck().get(att.sha256)).toBe(1);
    await syncNow(b, bAdmin);
    const onB = await download(b, bAdmin, `/attachments/${att.id}/content?variant=original`);
    expect(onB.status).toBe(200);
    expect(createHash('sha256').update(onB.bytes).digest('hex')).toBe(att.sha256);
    // Kept at B: the second read is B's own file.
    const down = (await b.host.metrics.syncBytes.get()).values.find((v) => v.labels.direction === 'down')?.value ?? 0;
    expect((await download(b, bAdmin, `/attachments/${att.id}/content?variant=original`)).status).toBe(200);
    expect((await b.host.metrics.syncBytes.get()).values.find((v) => v.labels.direction === 'down')?.value).toBe(down);
  });

  it('when B first asks for the preview of an image made at A, then the file is fetched and B makes its own thumbnail', async () => {
    const wo = await createVia(a, world, { title: 'Cabinet photo' });
    const up = await upload(a, world.tokens.admin, wo.id, await png(1200, 800), { kind: 'document', fileName: 'cabinet.png' });
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const att = up.body as { id: string };
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    const thumb = await download(b, bAdmin, `/attachments/${att.id}/thumbnail`);
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(thumb.bytes.length).toBeLessThan(60_000);
    expect(b.host.sqlite.prepare('SELECT thumbnail_key FROM attachments WHERE id = ?').pluck().get(att.id)).toMatch(/-thumb\.jpg$/);
  });

  it('when B opens an attachment whose file never reached the hub, then it is a clear 404 and nothing is kept', async () => {
    const wo = await createVia(a, world, { title: 'Kiosk meter' });
    const up = await upload(a, world.tokens.admin, wo.id, Buffer.from('meter reading 4471\n'), {
      kind: 'document',
      fileName: 'reading.txt',
    });
    expect(up.status).toBe(201);
    const att = up.body as { id: string; sha256: string };
    // Its file is marked as sent without being sent: the hub never gets it.
    a.host.sqlite.prepare("INSERT INTO sync_blobs (sha256, org_id, state, at) VALUES (?, ?, 'sent', 1)").run(att.sha256, world.orgId);
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    const res = await b.api('GET', `/api/v1/attachments/${att.id}/content`, { token: bAdmin });
    expect([res.status, res.body.code]).toEqual([404, 'file_not_here']);
    expect(b.host.sqlite.prepare('SELECT storage_key FROM attachments WHERE id = ?').pluck().get(att.id)).toBe('');
  });

  it('when a depot lost rows and holds one the hub never had, then the drift check fetches the lost ones, counts the other, and says so', async () => {
    await syncNow(a, world.tokens.admin);
    await syncNow(b, bAdmin);
    const check = async () => {
      const res = await b.api('POST', '/api/v1/sync/drift-check', { token: bAdmin });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.drift as { tables: number; mismatched: string[]; fetched: number; onlyHere: Record<string, number> };
    };
    // In step, every replicated table holds the same rows on B as at the hub.
    const clean = await check();
    expect(clean).toMatchObject({ mismatched: [], fetched: 0, onlyHere: {} });
    expect(clean.tables).toBeGreaterThan(20);
    // Drift by hand: a location and a work order's event gone from B's file, and a team only B has.
    const sqlite = b.host.sqlite;
    const location = sqlite.prepare('SELECT * FROM locations ORDER BY id LIMIT 1').get() as Record<string, unknown>;
    const event = sqlite.prepare("SELECT id FROM work_order_events WHERE type = 'created' ORDER BY id LIMIT 1").pluck().get() as string;
    const triggers = sqlite
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'work_order_events'")
      .all() as {
      name: string;
      sql: string;
    }[];
    sqlite.pragma('foreign_keys = OFF');
    withoutCensus(sqlite, 'drift made by hand: rows lost from the file and one written outside the app', () =>
      sqlite.transaction(() => {
        for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
        sqlite.prepare('DELETE FROM work_order_events WHERE id = ?').run(event);
        for (const t of triggers) sqlite.exec(t.sql);
        sqlite.prepare('DELETE FROM locations WHERE id = ?').run(location.id);
        sqlite
          .prepare(
            "INSERT INTO teams (id, org_id, name, depot_id, created_at, updated_at, version) SELECT ?, org_id, 'Only on B', depot_id, 1, 1, 1 FROM teams LIMIT 1",
          )
          .run('01a2ffff-0000-7000-8000-00000000b0b0');
      })(),
    );
    sqlite.pragma('foreign_keys = ON');
    const before = (await b.host.metrics.syncDriftFetched.get()).values[0]?.value ?? 0;
    const found = await check();
    expect(found).toMatchObject({ mismatched: ['locations', 'teams', 'work_order_events'], fetched: 2, onlyHere: { teams: 1 } });
    expect(sqlite.prepare('SELECT * FROM locations WHERE id = ?').get(location.id)).toMatchObject({
      code: location.code,
      name: location.name,
    });
    expect(sqlite.prepare('SELECT count(*) FROM work_order_events WHERE id = ?').pluck().get(event)).toBe(1);
    expect((await b.host.metrics.syncDriftFetched.get()).values[0]?.value).toBe(before + 2);
    expect((await b.host.metrics.syncDriftOnlyHere.get()).values[0]?.value).toBe(1);
    // Nothing entered B's log: the repair is the hub's rows, not B's edits.
    expect((await syncNow(b, bAdmin)).pending).toBe(0);
    const again = await check();
    expect(again).toMatchObject({ mismatched: ['teams'], fetched: 0, onlyHere: { teams: 1 } });
  });

  it("when a row's fields differ from the hub's, then the drift check finds it by its contents and puts the hub's fields back", async () => {
    await syncNow(b, bAdmin);
    const check = async () => {
      const res = await b.api('POST', '/api/v1/sync/drift-check', { token: bAdmin });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.drift as { mismatched: string[]; fetched: number; compared: number; repaired: number };
    };
    // Every field of every row agrees to begin with (the only team B alone has is the earlier test's).
    const clean = await check();
    expect(clean).toMatchObject({ mismatched: ['teams'], fetched: 0, repaired: 0 });
    expect(clean.compared).toBeGreaterThan(20);
    const sqlite = b.host.sqlite;
    const wo = sqlite
      .prepare('SELECT id, title, required_skills AS skills, planned_start AS plannedStart FROM work_orders ORDER BY id LIMIT 1')
      .get() as {
      id: string;
      title: string;
      skills: string;
      plannedStart: number | null;
    };
    const location = sqlite.prepare('SELECT id, name FROM locations ORDER BY id DESC LIMIT 1').get() as { id: string; name: string };
    withoutCensus(sqlite, 'drift made by hand: fields changed in the file without the change log', () =>
      sqlite.transaction(() => {
        sqlite
          .prepare("UPDATE work_orders SET title = 'Edited outside the app', required_skills = ?, planned_start = 1 WHERE id = ?")
          .run('["forged"]', wo.id);
        sqlite.prepare("UPDATE locations SET name = 'Nowhere' WHERE id = ?").run(location.id);
      })(),
    );
    const before = (await b.host.metrics.syncDriftRepaired.get()).values[0]?.value ?? 0;
    const found = await check();
    expect(found).toMatchObject({ mismatched: ['locations', 'teams', 'work_orders'], fetched: 0, repaired: 2 });
    expect(
      sqlite.prepare('SELECT title, required_skills AS skills, planned_start AS plannedStart FROM work_orders WHERE id = ?').get(wo.id),
    ).toEqual({
      title: wo.title,
      skills: wo.skills,
      plannedStart: wo.plannedStart,
    });
    expect(sqlite.prepare('SELECT name FROM locations WHERE id = ?').pluck().get(location.id)).toBe(location.name);
    expect((await b.host.metrics.syncDriftRepaired.get()).values[0]?.value).toBe(before + 2);
    // The repair is the hub's rows, not B's edits: nothing to push, and the next check is clean again.
    expect((await syncNow(b, bAdmin)).pending).toBe(0);
    expect(await check()).toMatchObject({ mismatched: ['teams'], repaired: 0 });
  });
});
