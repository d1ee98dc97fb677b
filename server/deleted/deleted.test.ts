import { getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema/index.js';
import { isDeletable } from '../core/tombstone.js';
import { secondOrg } from '../people/fixtures.js';
import { allRoutes } from '../routes.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import { DELETED_KINDS, type DeletedItemDto, type DeletedKind } from './contract.js';
import { restorePathOf } from './repo.js';

let t: TestHost;
let w: World;
const API = '/api/v1';
type Bin = { items: DeletedItemDto[]; nextCursor: string | null };

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());

const bin = (token: string, query = '') => t.api<Bin>('GET', `${API}/deleted${query}`, { token });
const post = async (path: string, body: unknown, token = w.tokens.admin) => {
  const res = await t.api<{ id: string }>('POST', `${API}${path}`, { token, body });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};
const del = async (path: string, token = w.tokens.admin) => expect((await t.api('DELETE', `${API}${path}`, { token })).status).toBe(204);

describe('the recycle bin (GET /deleted)', () => {
  it('when an admin deletes a policy, a team and a location, then the bin lists them newest first with who deleted them, and restorePath brings one back', async () => {
    const policy = await post('/sla/policies', {
      name: 'Bin policy',
      type: 'inspection',
      priority: 'low',
      responseMinutes: 60,
      resolutionMinutes: 600,
    });
    const team = await post('/teams', { name: 'Bin team' });
    const loc = await post('/locations', { code: 'BIN-1', name: 'Bin yard', lat: 51.5, lon: -0.1 });
    await del(`/sla/policies/${policy}`);
    t.clock.advance(60_000);
    await del(`/teams/${team}`);
    t.clock.advance(60_000);
    await del(`/locations/${loc}`);

    const res = await bin(w.tokens.admin);
    expect(res.status).toBe(200);
    const mine = res.body.items.filter((i) => [policy, team, loc].includes(i.id));
    expect(mine.map((i) => [i.kind, i.name, i.detail])).toEqual([
      ['location', 'Bin yard', 'BIN-1'],
      ['team', 'Bin team', null],
      ['slaPolicy', 'Bin policy', 'inspection · low'],
    ]);
    const [newest, next] = mine as [DeletedItemDto, DeletedItemDto];
    expect(newest.deletedBy).toEqual({ id: w.people.admin, name: expect.any(String) });
    expect(Date.parse(newest.deletedAt) - Date.parse(next.deletedAt)).toBe(60_000);

    const teamsOnly = await bin(w.tokens.admin, '?kind=team');
    expect(teamsOnly.body.items.map((i) => i.kind)).toEqual(teamsOnly.body.items.map(() => 'team'));
    expect(teamsOnly.body.items.map((i) => i.id)).toContain(team);

    const restorePath = mine.find((i) => i.id === team)?.restorePath;
    expect(restorePath).toBe(`/teams/${team}/restore`);
    expect((await t.api('POST', `${API}${restorePath}`, { token: w.tokens.admin })).status).toBe(200);
    expect((await bin(w.tokens.admin)).body.items.map((i) => i.id)).not.toContain(team);
    expect((await t.api('GET', `${API}/teams/${team}`, { token: w.tokens.admin })).status).toBe(200);
  });

  it('when restoring is refused because a live row took the code, then the problem says so and the row stays in the bin', async () => {
    const old = await post('/locations', { code: 'BIN-DUP', name: 'Old yard', lat: 51.5, lon: -0.1 });
    await del(`/locations/${old}`);
    await post('/locations', { code: 'BIN-DUP', name: 'New yard', lat: 51.5, lon: -0.1 });
    const item = (await bin(w.tokens.admin, '?kind=location')).body.items.find((i) => i.id === old);
    const refused = await t.api<{ code: string; detail: string }>('POST', `${API}${item?.restorePath}`, { token: w.tokens.admin });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('duplicate');
    expect(refused.body.detail).toMatch(/Another location now has this code/);
    expect((await bin(w.tokens.admin, '?kind=location')).body.items.map((i) => i.id)).toContain(old);
  });

  it("when another org deletes rows, then this org's bin never shows them (nor their deleter)", async () => {
    const other = await secondOrg(t);
    const theirs = await post('/teams', { name: 'Their team' }, other.token);
    await del(`/teams/${theirs}`, other.token);
    const ids = (await bin(w.tokens.admin)).body.items.map((i) => i.id);
    expect(ids).not.toContain(theirs);
    expect((await bin(other.token)).body.items.map((i) => i.id)).toEqual([theirs]);
  });

  it('when a project is deleted, then its phases come back with it and are not offered on their own; a phase deleted alone is', async () => {
    const token = w.tokens.dispatcher;
    const p = await post('/projects', { code: 'BIN-P', name: 'Bin project' }, token);
    const taken = await post(`/projects/${p}/phases`, { name: 'Taken along', position: 1 }, token);
    const alone = await post(`/projects/${p}/phases`, { name: 'Deleted alone', position: 2 }, token);
    await del(`/projects/${p}/phases/${alone}`, token);
    const phase = (await bin(token, '?kind=phase')).body.items.find((i) => i.id === alone);
    expect(phase).toMatchObject({ name: 'Deleted alone', detail: 'in BIN-P', restorePath: `/projects/${p}/phases/${alone}/restore` });
    await del(`/projects/${p}`, token);
    const ids = (await bin(token)).body.items.map((i) => i.id);
    expect(ids).toContain(p);
    expect(ids).not.toContain(taken);
    expect(ids).not.toContain(alone);
  });

  it('when roles ask, then each sees only the kinds it may restore: a viewer its report schedules, a technician nothing (403)', async () => {
    const schedule = await post('/reports/schedules', { name: 'Bin report', kind: 'workbook', cadence: 'monthly' }, w.tokens.viewer);
    await del(`/reports/schedules/${schedule}`, w.tokens.viewer);
    const viewer = await bin(w.tokens.viewer);
    expect(viewer.status).toBe(200);
    expect(new Set(viewer.body.items.map((i) => i.kind))).toEqual(new Set(['reportSchedule']));
    expect(viewer.body.items.map((i) => i.id)).toContain(schedule);
    const asked = await t.api<{ code: string; detail: string }>('GET', `${API}/deleted?kind=slaPolicy`, { token: w.tokens.viewer });
    expect(asked.status).toBe(403);
    expect(asked.body.detail).toContain('sla:manage');
    // A dispatcher may delete locations but not SLA policies or teams.
    const kinds = new Set((await bin(w.tokens.dispatcher)).body.items.map((i) => i.kind));
    expect(kinds.has('location')).toBe(true);
    expect(kinds.has('slaPolicy') || kinds.has('team')).toBe(false);
    const tech = await t.api<{ code: string }>('GET', `${API}/deleted`, { token: w.tokens.tech1 });
    expect(tech.status).toBe(403);
    expect(tech.body.code).toBe('forbidden');
    expect((await t.api('GET', `${API}/deleted`)).status).toBe(401);
  });

  it('when the bin is paged one row at a time, then the pages walk every row once, newest first', async () => {
    const all = (await bin(w.tokens.admin, '?limit=500')).body.items.map((i) => i.id);
    expect(all.length).toBeGreaterThan(4);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: Bin } = await bin(w.tokens.admin, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all);
    expect((await bin(w.tokens.admin, '?cursor=nonsense')).status).toBe(400);
  });
});

describe('the bin covers every restore route', () => {
  it('when the kinds are compared with the route table, then each names a POST restore route with the same permission', () => {
    const routes = allRoutes();
    const uuid = '00000000-0000-7000-8000-000000000000';
    for (const [kind, def] of Object.entries(DELETED_KINDS) as [DeletedKind, (typeof DELETED_KINDS)[DeletedKind]][]) {
      const path = restorePathOf(kind, uuid, uuid);
      const route = routes.find((r) => r.method === 'post' && r.path.replace(/:[A-Za-z]+/g, uuid) === path);
      expect(route?.access, kind).toBe(def.permission);
    }
  });

  it('when a table has tombstones, then it is in the bin or deliberately left out', () => {
    // Memberships and user skills are undone by adding them again (the same row comes back).
    const leftOut = ['team_members', 'user_skills'];
    const inBin = Object.values(DELETED_KINDS).map((k) => k.table);
    const deletable = (Object.values(schema) as unknown[])
      .filter((v): v is SQLiteTable => is(v, SQLiteTable))
      .filter(isDeletable)
      .map((tbl) => getTableName(tbl));
    expect(deletable.length).toBeGreaterThan(10);
    expect(deletable.filter((n) => !leftOut.includes(n)).sort()).toEqual([...inBin].sort());
  });
});
