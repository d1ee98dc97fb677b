import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCodeFor } from '../auth/setup-code.js';
import { startTestHub, type TestHub, type TestOrg } from '../hub/testing.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, workOrderAt, type World } from '../work-orders/fixtures.js';
import { orgViewFeature } from './routes.js';

/**
 * The managers' view as a manager uses it: two real depots (A enrolled, B joined at setup) push to a
 * real hub on PostgreSQL, and the hub's /org routes answer from its replica of the organization.
 * The figures are checked against each depot's own KPI route for the same period: one definition.
 */

let hub: TestHub;
let org: TestOrg;
let a: TestHost;
let b: TestHost;
let world: World;
let bAdmin: string;
let viewDir: string;

// Work is made at 09:00 by both depots' clocks (startTestHost), which then move to 12:00: a period
// ending at 10:00 is judged at its end by the depots and by the hub (whose clock reads 2030) alike.
const PERIOD = { from: '2026-11-09T00:00:00.000Z', to: '2026-11-16T10:00:00.000Z' };
const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

async function code(): Promise<string> {
  const res = await hub.call('POST', '/hub/v1/enrolment-codes', { token: org.token, body: {} });
  if (res.status !== 201 && res.status !== 200) throw new Error(`code: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}

async function syncNow(t: TestHost, token: string): Promise<void> {
  const res = await t.api('POST', '/api/v1/sync/now', { token });
  expect(res.status).toBe(200);
  expect(res.body.lastError).toBeNull();
}

async function depotKpis(t: TestHost, token: string, depotId?: string) {
  const res = await t.api('GET', `/api/v1/reports/kpis?${q({ ...PERIOD, ...(depotId ? { depotId } : {}) })}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { summary: Record<string, unknown> };
}

beforeAll(async () => {
  viewDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-org-view-test-'));
  hub = await startTestHub({ extraFeatures: [orgViewFeature({ dir: viewDir })] });
  org = await hub.org('Riverside Utilities');
  a = await startTestHost();
  world = await seedWorld(a);
  // Work of the period at A: some finished, some open, one cancelled.
  for (const status of ['CLOSED', 'COMPLETED', 'COMPLETED', 'ON_SITE', 'SCHEDULED', 'CANCELLED'] as const) {
    workOrderAt(world, status, { locationId: world.loc1 });
  }
  await createVia(a, world, { title: 'Burst main, Wells Road', locationId: world.loc1 });
  const enrol = await a.api('POST', '/api/v1/sync/enrol', { token: world.tokens.admin, body: { hubUrl: hub.url, code: await code() } });
  expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
  await syncNow(a, world.tokens.admin);

  b = await startTestHost();
  const setup = await b.api('POST', '/api/v1/setup', {
    body: {
      setupCode: setupCodeFor(b.host),
      organization: { name: 'ignored', timeZone: 'UTC' },
      depot: { name: 'North depot', code: 'NORTH' },
      admin: { name: 'Bea North', email: 'bea@north.test', password: 'north depot password' },
      join: { hubUrl: hub.url, code: await code() },
    },
  });
  expect(setup.status, JSON.stringify(setup.body)).toBe(201);
  bAdmin = setup.body.token;
  await syncNow(b, bAdmin);
  for (const title of ['Streetlight out, Mill Lane', 'Gully blocked, North Street']) {
    const made = await b.api('POST', '/api/v1/work-orders', { token: bAdmin, body: { title, type: 'corrective', priority: 'high' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
  await syncNow(b, bAdmin);
  await syncNow(a, world.tokens.admin);
  for (const t of [a, b]) t.clock.set('2026-11-16T12:00:00Z');
}, 180_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await hub?.stop();
  fs.rmSync(viewDir, { recursive: true, force: true });
});

describe("the managers' view", () => {
  it('when a manager opens the overview, then each depot and the org have the figures their own depots report', async () => {
    const res = await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`, { token: org.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const view = res.body as {
      org: { name: string };
      depots: {
        id: string;
        code: string;
        name: string;
        openNow: number;
        lastPushAt: string | null;
        lastPullAt: string | null;
        summary: Record<string, unknown>;
      }[];
      combined: Record<string, unknown> & { openNow: number };
      replica: { version: number; hubVersion: number };
    };
    expect(view.org.name).toBe('Riverside Utilities');
    expect(view.depots.map((d) => d.code)).toEqual(['MAIN', 'NORTH']);
    expect(view.replica.version).toBe(view.replica.hubVersion);
    const [main, north] = view.depots;
    expect(main!.lastPushAt).not.toBeNull();
    // Pulls are recorded too (at most once a minute per depot).
    expect(main!.lastPullAt).not.toBeNull();
    // Per depot: what the depot's own Reports view says for its own work.
    expect(main!.summary).toEqual((await depotKpis(a, world.tokens.admin, world.depot)).summary);
    expect(main!.summary.created).toBe(7);
    expect(north!.summary.created).toBe(2);
    expect(north!.openNow).toBe(2);
    // Combined: depot A, which has pulled B's work, reports the whole org the same way.
    expect(view.combined).toMatchObject((await depotKpis(a, world.tokens.admin)).summary);
    expect(view.combined.openNow).toBe(main!.openNow + north!.openNow);
  });

  it('when work changes at a depot, then the next overview includes it without a restart', async () => {
    // A period that takes in the depots' 12:00; the hub's clock does not move, so only the new work can change the answer.
    const today = q({ from: PERIOD.from, to: '2026-11-16T13:00:00.000Z' });
    const before = (await hub.call('GET', `/hub/v1/org/overview?${today}`, { token: org.token })).body;
    await b.api('POST', '/api/v1/work-orders', { token: bAdmin, body: { title: 'Fence down', type: 'corrective', priority: 'low' } });
    await syncNow(b, bAdmin);
    const after = (await hub.call('GET', `/hub/v1/org/overview?${today}`, { token: org.token })).body;
    expect(after.replica.version).toBeGreaterThan(before.replica.version);
    expect(after.depots[1].openNow).toBe(before.depots[1].openNow + 1);
    expect(after.combined.openNow).toBe(before.combined.openNow + 1);
    // The KPI cache is keyed on the replica's pull cursor too: pulled work is never hidden behind a cached answer.
    expect(after.depots[1].summary.created).toBe(before.depots[1].summary.created + 1);
    expect(after.combined.created).toBe(before.combined.created + 1);
  });

  it('when one depot is chosen, then its full report and its open work on the map are only its own', async () => {
    const overview = (await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`, { token: org.token })).body;
    const north = overview.depots[1];
    const kpis = await hub.call('GET', `/hub/v1/org/kpis?${q({ ...PERIOD, depotId: north.id })}`, { token: org.token });
    expect(kpis.status).toBe(200);
    expect(kpis.body.summary).toEqual(north.summary);
    expect(kpis.body.byDimension.type.length).toBeGreaterThan(0);
    const work = await hub.call('GET', '/hub/v1/org/open-work', { token: org.token });
    expect(work.status).toBe(200);
    expect(work.body.total).toBe(overview.combined.openNow);
    // B's work has no location: counted, not drawn.
    expect(work.body.unlocated).toBe(north.openNow);
    expect(work.body.items.every((i: { depotId: string; lat: number }) => i.depotId === world.depot && i.lat === 51.5)).toBe(true);
    const northWork = await hub.call('GET', `/hub/v1/org/open-work?depotId=${north.id}`, { token: org.token });
    expect(northWork.body).toMatchObject({ total: north.openNow, items: [] });
  });

  it('when a manager downloads the KPI PDF and the workbook of the org, then they are real files of the period', async () => {
    for (const [file, magic] of [
      ['kpi.pdf', '%PDF'],
      ['workbook.xlsx', 'PK'],
    ] as const) {
      const res = await fetch(`${hub.url}/hub/v1/org/reports/${file}?${q(PERIOD)}`, { headers: { authorization: `Bearer ${org.token}` } });
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(`kpis-all-depots-2026-11-09-to-2026-11-16.${file.split('.')[1]}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
      expect(bytes.length).toBeGreaterThan(2_000);
    }
    // Nothing is left behind in the replica's folder.
    const leftovers = fs.readdirSync(viewDir, { recursive: true }).filter((f) => String(f).endsWith('.part'));
    expect(leftovers).toEqual([]);
  });

  it('when a request is wrong, then it is refused plainly', async () => {
    expect((await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`)).status).toBe(401);
    const backwards = await hub.call('GET', `/hub/v1/org/overview?${q({ from: PERIOD.to, to: PERIOD.from })}`, { token: org.token });
    expect(backwards.status).toBe(400);
    const garbage = await hub.call('GET', '/hub/v1/org/overview?from=yesterday&to=now', { token: org.token });
    expect(garbage.status).toBe(400);
    const unknown = await hub.call('GET', `/hub/v1/org/kpis?${q({ ...PERIOD, depotId: '01900000-0000-7000-8000-000000000000' })}`, {
      token: org.token,
    });
    expect(unknown.status).toBe(404);
    const long = await fetch(`${hub.url}/hub/v1/org/reports/kpi.pdf?${q({ from: '2020-01-01T00:00:00Z', to: PERIOD.to })}`, {
      headers: { authorization: `Bearer ${org.token}` },
    });
    expect(long.status).toBe(400);
    // A depot's real node credential (what a machine on a depot LAN could lift from the depot's file) is not a manager's session.
    const credential = a.host.sqlite.prepare('SELECT credential FROM sync_state').pluck().get() as string;
    for (const path of [`/hub/v1/org/overview?${q(PERIOD)}`, '/hub/v1/org/open-work', '/hub/v1/accounts']) {
      expect((await hub.call('GET', path, { token: credential })).status, path).toBe(401);
    }
  });

  it("when another organization's admin signs in, then they see nothing of this one", async () => {
    const other = await hub.org('Elsewhere Water');
    const res = await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`, { token: other.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ org: { name: 'Elsewhere Water' }, depots: [], combined: { openNow: 0, created: 0 } });
    expect((await hub.call('GET', '/hub/v1/org/open-work', { token: other.token })).body).toMatchObject({ total: 0, items: [] });
    const mainId = (await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`, { token: org.token })).body.depots[0].id;
    expect((await hub.call('GET', `/hub/v1/org/kpis?${q({ ...PERIOD, depotId: mainId })}`, { token: other.token })).status).toBe(404);
  });
});

describe('hub accounts, administered on the hub', () => {
  it('when an admin adds a manager, then the manager reads the view but administers nothing', async () => {
    const made = await hub.call('POST', '/hub/v1/accounts', {
      token: org.token,
      body: { email: 'mo@riverside.test', name: 'Mo Manager', role: 'manager', password: 'manager password 1' },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ role: 'manager', active: true, lastSignInAt: null });
    const login = await hub.call('POST', '/hub/v1/auth/login', { body: { email: 'mo@riverside.test', password: 'manager password 1' } });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    const me = await hub.call('GET', '/hub/v1/auth/me', { token });
    expect(me.body).toMatchObject({ name: 'Mo Manager', role: 'manager', org: { name: 'Riverside Utilities' } });
    expect((await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`, { token })).status).toBe(200);
    expect((await hub.call('GET', '/hub/v1/accounts', { token })).status).toBe(403);
    expect((await hub.call('PATCH', '/hub/v1/org', { token, body: { name: 'Mine now' } })).status).toBe(403);
    expect((await hub.call('POST', '/hub/v1/enrolment-codes', { token, body: {} })).status).toBe(403);
    const list = await hub.call('GET', '/hub/v1/accounts', { token: org.token });
    expect(list.body.items.find((x: { email: string }) => x.email === 'mo@riverside.test').lastSignInAt).not.toBeNull();
  });

  it('when an admin disables a manager, then their session ends at once; the same e-mail cannot be taken twice', async () => {
    const login = await hub.call('POST', '/hub/v1/auth/login', { body: { email: 'mo@riverside.test', password: 'manager password 1' } });
    const token = login.body.token as string;
    const list = await hub.call('GET', '/hub/v1/accounts', { token: org.token });
    const mo = list.body.items.find((x: { email: string }) => x.email === 'mo@riverside.test');
    const off = await hub.call('PATCH', `/hub/v1/accounts/${mo.id}`, { token: org.token, body: { active: false } });
    expect(off.status).toBe(200);
    expect((await hub.call('GET', '/hub/v1/auth/me', { token })).status).toBe(401);
    const again = await hub.call('POST', '/hub/v1/auth/login', { body: { email: 'mo@riverside.test', password: 'manager password 1' } });
    expect(again.status).toBe(401);
    const twice = await hub.call('POST', '/hub/v1/accounts', {
      token: org.token,
      body: { email: 'MO@riverside.test', name: 'Mo again', role: 'admin', password: 'manager password 2' },
    });
    expect(twice.status).toBe(409);
  });

  it('when the last admin would be demoted or disabled, then it is refused; an admin renames the org and signs out', async () => {
    const demote = await hub.call('PATCH', `/hub/v1/accounts/${org.adminId}`, { token: org.token, body: { role: 'manager' } });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('last_admin');
    const other = await hub.org('Third Org');
    // Another org's account id is not found, whatever its id.
    expect((await hub.call('PATCH', `/hub/v1/accounts/${other.adminId}`, { token: org.token, body: { active: false } })).status).toBe(404);
    expect((await hub.call('PATCH', `/hub/v1/accounts/${org.adminId}`, { token: org.token, body: {} })).status).toBe(400);
    expect((await hub.call('PATCH', '/hub/v1/org', { token: org.token, body: { name: 'Riverside & Vale Utilities' } })).status).toBe(204);
    const view = await hub.call('GET', `/hub/v1/org/overview?${q(PERIOD)}`, { token: org.token });
    expect(view.body.org.name).toBe('Riverside & Vale Utilities');
    expect((await hub.call('POST', '/hub/v1/auth/logout', { token: org.token })).status).toBe(204);
    expect((await hub.call('GET', '/hub/v1/auth/me', { token: org.token })).status).toBe(401);
  });
});
