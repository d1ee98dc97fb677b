import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { secondOrg } from '../people/fixtures.js';
import { createVia, seedWorld, type World } from '../work-orders/fixtures.js';

// Deletes are tombstones (issue 13): the row stays with deleted_at set, reads hide it, restore undoes it.
let t: TestHost;
let w: World;
const API = '/api/v1';

beforeAll(async () => {
  t = await startTestHost();
  w = await seedWorld(t);
});
afterAll(() => t.close());

const row = (table: string, id: string) =>
  t.host.sqlite.prepare(`SELECT deleted_at AS deletedAt, deleted_by AS deletedBy, version FROM ${table} WHERE id = ?`).get(id) as
    { deletedAt: number | null; deletedBy: string | null; version: number } | undefined;

describe('tombstones: delete hides, restore brings back', () => {
  it('when a team with members is deleted, then lists hide it and its members, the rows stay tombstoned, and restore brings both back', async () => {
    const admin = w.tokens.admin;
    const team = (await t.api('POST', `${API}/teams`, { token: admin, body: { name: 'Night shift' } })).body;
    await t.api('POST', `${API}/teams/${team.id}/members`, { token: admin, body: { userId: w.people.tech1 } });
    expect((await t.api('DELETE', `${API}/teams/${team.id}`, { token: admin })).status).toBe(204);

    const names = (await t.api('GET', `${API}/teams`, { token: admin })).body.items.map((x: { name: string }) => x.name);
    expect(names).not.toContain('Night shift');
    expect((await t.api('GET', `${API}/teams/${team.id}`, { token: admin })).status).toBe(404);
    expect((await t.api('GET', `${API}/teams/${team.id}/members`, { token: admin })).status).toBe(404);
    expect((await t.api('GET', `${API}/auth/me`, { token: w.tokens.tech1 })).body.teamIds).not.toContain(team.id);
    // No DELETE happened: the team and its membership are still there, stamped by the same delete.
    const stone = row('teams', team.id);
    expect(stone).toMatchObject({ deletedBy: w.people.admin, version: 2 });
    const member = t.host.sqlite.prepare('SELECT deleted_at AS deletedAt FROM team_members WHERE team_id = ?').all(team.id);
    expect(member).toEqual([{ deletedAt: stone?.deletedAt }]);
    expect((await t.api('DELETE', `${API}/teams/${team.id}`, { token: admin })).status).toBe(404);

    const back = await t.api('POST', `${API}/teams/${team.id}/restore`, { token: admin });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: team.id, name: 'Night shift', version: 3 });
    expect(back.body.deletedAt).toBeUndefined();
    const members = (await t.api('GET', `${API}/teams/${team.id}/members`, { token: admin })).body.items;
    expect(members).toEqual([expect.objectContaining({ userId: w.people.tech1 })]);
    expect((await t.api('POST', `${API}/teams/${team.id}/restore`, { token: admin })).status).toBe(404);
  });

  it('when a project is deleted and restored, then its phases and milestones go and come back with it', async () => {
    const token = w.tokens.dispatcher;
    const p = (await t.api('POST', `${API}/projects`, { token, body: { code: 'TMP-1', name: 'Temporary' } })).body;
    const phase = (await t.api('POST', `${API}/projects/${p.id}/phases`, { token, body: { name: 'Dig', position: 1 } })).body;
    const milestone = { name: 'Dug', phaseId: phase.id, dueAt: '2026-12-01T00:00:00Z' };
    expect((await t.api('POST', `${API}/projects/${p.id}/milestones`, { token, body: milestone })).status).toBe(201);
    expect((await t.api('DELETE', `${API}/projects/${p.id}`, { token })).status).toBe(204);
    expect((await t.api('GET', `${API}/projects/${p.id}/phases`, { token })).status).toBe(404);
    expect(row('project_phases', phase.id)?.deletedAt).not.toBeNull();

    expect((await t.api('POST', `${API}/projects/${p.id}/restore`, { token })).status).toBe(200);
    expect((await t.api('GET', `${API}/projects/${p.id}/phases`, { token })).body.items.map((x: { id: string }) => x.id)).toEqual([
      phase.id,
    ]);
    const ms = (await t.api('GET', `${API}/projects/${p.id}/milestones`, { token })).body.items;
    expect(ms).toEqual([expect.objectContaining({ name: 'Dug', phaseId: phase.id })]);
  });

  it('when an asset is referenced by a live work order, then delete is 409 in_use naming the work orders and nothing changes', async () => {
    await createVia(t, w, { assetId: w.asset, locationId: w.loc1 });
    const res = await t.api('DELETE', `${API}/assets/${w.asset}`, { token: w.tokens.dispatcher });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('in_use');
    expect(res.body.references).toMatchObject({ work_orders: 1 });
    expect(row('assets', w.asset)).toMatchObject({ deletedAt: null, version: 1 });
  });

  it('when only tombstoned rows refer to a location, then it can be deleted; an asset under it cannot be restored first', async () => {
    const token = w.tokens.dispatcher;
    const loc = (await t.api('POST', `${API}/locations`, { token, body: { code: 'GONE-1', name: 'Gone', lat: 51.5, lon: -0.1 } })).body;
    const asset = (
      await t.api('POST', `${API}/assets`, { token, body: { tag: 'GONE-A', name: 'A', category: 'pump', locationId: loc.id } })
    ).body;
    expect((await t.api('DELETE', `${API}/locations/${loc.id}`, { token })).body.code).toBe('in_use');
    expect((await t.api('DELETE', `${API}/assets/${asset.id}`, { token })).status).toBe(204);
    expect((await t.api('DELETE', `${API}/locations/${loc.id}`, { token })).status).toBe(204);
    const refused = await t.api('POST', `${API}/assets/${asset.id}/restore`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('parent_deleted');
    expect((await t.api('POST', `${API}/locations/${loc.id}/restore`, { token })).status).toBe(200);
    expect((await t.api('POST', `${API}/assets/${asset.id}/restore`, { token })).status).toBe(200);
  });

  it('when a code is reused after a delete, then the create works and restoring the old row is 409 duplicate', async () => {
    const token = w.tokens.dispatcher;
    const body = { code: 'DUP-1', name: 'First', lat: 51.5, lon: -0.1 };
    const first = (await t.api('POST', `${API}/locations`, { token, body })).body;
    expect((await t.api('DELETE', `${API}/locations/${first.id}`, { token })).status).toBe(204);
    const second = await t.api('POST', `${API}/locations`, { token, body: { ...body, name: 'Second' } });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.id);
    const res = await t.api('POST', `${API}/locations/${first.id}/restore`, { token });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'duplicate', errors: [{ field: 'body.code' }] });
    expect(res.body.detail).toMatch(/restoring/);
    expect(row('locations', first.id)?.deletedAt).not.toBeNull();
  });

  it('when a skill or SLA policy is created again under a deleted natural key, then the deleted row comes back with the new values', async () => {
    const admin = w.tokens.admin;
    const skill = (await t.api('POST', `${API}/skills`, { token: admin, body: { name: 'Welding', category: 'metal' } })).body;
    await t.api('DELETE', `${API}/skills/${skill.id}`, { token: admin });
    const again = await t.api('POST', `${API}/skills`, { token: admin, body: { name: 'Welding', category: 'fabrication' } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: skill.id, category: 'fabrication', version: 3 });
    expect((await t.api('POST', `${API}/skills`, { token: admin, body: { name: 'Welding' } })).body.code).toBe('duplicate');

    const list = (await t.api('GET', `${API}/sla/policies?type=emergency`, { token: admin })).body.items;
    const policy = list[0];
    await t.api('DELETE', `${API}/sla/policies/${policy.id}`, { token: admin });
    const body = { name: 'Emergency v2', type: 'emergency', priority: 'critical', responseMinutes: 30, resolutionMinutes: 120 };
    const revived = await t.api('POST', `${API}/sla/policies`, { token: admin, body });
    expect(revived.status).toBe(201);
    expect(revived.body).toMatchObject({ id: policy.id, name: 'Emergency v2', responseMinutes: 30 });
  });

  it('when a user skill is removed and set again, then the same row comes back', async () => {
    const admin = w.tokens.admin;
    const skill = (await t.api('POST', `${API}/skills`, { token: admin, body: { name: 'Rigging' } })).body;
    const path = `${API}/users/${w.people.tech2}/skills/${skill.id}`;
    await t.api('PUT', path, { token: admin, body: { level: 2 } });
    const id = t.host.sqlite.prepare('SELECT id FROM user_skills WHERE skill_id = ?').pluck().get(skill.id);
    expect((await t.api('DELETE', path, { token: admin })).status).toBe(204);
    expect((await t.api('GET', `${API}/users/${w.people.tech2}`, { token: admin })).body.skills).toEqual([]);
    expect((await t.api('PUT', path, { token: admin, body: { level: 4 } })).status).toBe(200);
    expect(t.host.sqlite.prepare('SELECT id, level, deleted_at AS d FROM user_skills WHERE skill_id = ?').all(skill.id)).toEqual([
      { id, level: 4, d: null },
    ]);
  });

  it('when a report schedule is deleted and restored, then it leaves and rejoins the list and the scheduler', async () => {
    const token = w.tokens.dispatcher;
    const s = (await t.api('POST', `${API}/reports/schedules`, { token, body: { name: 'Daily KPIs', kind: 'kpi-pdf', cadence: 'daily' } }))
      .body;
    expect((await t.api('DELETE', `${API}/reports/schedules/${s.id}`, { token })).status).toBe(204);
    expect((await t.api('GET', `${API}/reports/schedules`, { token })).body.items).toEqual([]);
    expect((await t.api('GET', `${API}/reports/schedules/${s.id}`, { token })).status).toBe(404);
    const back = await t.api('POST', `${API}/reports/schedules/${s.id}/restore`, { token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: s.id, slug: s.slug });
    expect((await t.api('GET', `${API}/reports/schedules`, { token })).body.items).toHaveLength(1);
  });
});

describe('tombstones: who may see and restore', () => {
  it('when deleted rows are listed with ?deleted=only, then writers see them with deletedAt and a viewer is refused', async () => {
    const token = w.tokens.dispatcher;
    const loc = (await t.api('POST', `${API}/locations`, { token, body: { code: 'LIST-1', name: 'Listed', lat: 51.5, lon: -0.1 } })).body;
    await t.api('DELETE', `${API}/locations/${loc.id}`, { token });
    const res = await t.api('GET', `${API}/locations?deleted=only&q=LIST-1`, { token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ id: loc.id, deletedAt: expect.any(String) })]);
    expect((await t.api('GET', `${API}/locations?q=LIST-1`, { token })).body.items).toEqual([]);
    expect((await t.api('GET', `${API}/locations?deleted=only`, { token: w.tokens.viewer })).status).toBe(403);
  });

  it('when a viewer restores, or another org names the row, then 403 / 404 and the row stays deleted', async () => {
    const token = w.tokens.dispatcher;
    const loc = (await t.api('POST', `${API}/locations`, { token, body: { code: 'PERM-1', name: 'Perm', lat: 51.5, lon: -0.1 } })).body;
    await t.api('DELETE', `${API}/locations/${loc.id}`, { token });
    expect((await t.api('POST', `${API}/locations/${loc.id}/restore`, { token: w.tokens.viewer })).status).toBe(403);
    const other = await secondOrg(t);
    expect((await t.api('POST', `${API}/locations/${loc.id}/restore`, { token: other.token })).status).toBe(404);
    const live = (await t.api('POST', `${API}/locations`, { token, body: { code: 'PERM-2', name: 'Perm', lat: 51.5, lon: -0.1 } })).body;
    expect((await t.api('DELETE', `${API}/locations/${live.id}`, { token: other.token })).status).toBe(404);
    expect(row('locations', loc.id)?.deletedAt).not.toBeNull();
    expect(row('locations', live.id)?.deletedAt).toBeNull();
  });
});
