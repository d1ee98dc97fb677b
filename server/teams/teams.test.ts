import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
let techId: string;
const T = '/api/v1/teams';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'teams');
  techId = (await t.api('GET', '/api/v1/users?role=technician', { token: admin })).body.items[0].id;
});
afterAll(() => t.close());

describe('teams and members', () => {
  it('when a team is created and a member added, then members list them and the member sees the team in /auth/me', async () => {
    const depotId = (await t.api('GET', '/api/v1/depots', { token: admin })).body.items[0].id;
    const team = await t.api('POST', T, { token: admin, body: { name: 'Water crew', depotId, color: '#1f77b4' } });
    expect(team.status).toBe(201);
    expect(historyOf(t, team.body.id)).toEqual({
      audit: [{ action: 'teams.insert', entity: 'teams' }],
      changes: [{ tableName: 'teams', op: 'insert' }],
    });
    const add = await t.api('POST', `${T}/${team.body.id}/members`, { token: admin, body: { userId: techId, isLead: true } });
    expect(add.status).toBe(200);
    expect(add.body.items).toEqual([expect.objectContaining({ userId: techId, role: 'technician', isLead: true })]);
    // Adding again only updates the lead flag: a retried request does no harm.
    const again = await t.api('POST', `${T}/${team.body.id}/members`, { token: admin, body: { userId: techId, isLead: false } });
    expect(again.body.items).toHaveLength(1);
    expect(again.body.items[0].isLead).toBe(false);
    const me = await t.api('GET', '/api/v1/auth/me', { token: tokens.technician });
    expect(me.body.teamIds).toEqual([team.body.id]);
    expect((await t.api('DELETE', `${T}/${team.body.id}/members/${techId}`, { token: admin })).status).toBe(204);
    expect((await t.api('GET', `${T}/${team.body.id}/members`, { token: admin })).body.items).toEqual([]);
    expect((await t.api('DELETE', `${T}/${team.body.id}/members/${techId}`, { token: admin })).status).toBe(404);
  });

  it('when a team with members is deleted, then its memberships are tombstoned with it and its name is free again', async () => {
    const team = (await t.api('POST', T, { token: admin, body: { name: 'Short-lived' } })).body;
    await t.api('POST', `${T}/${team.id}/members`, { token: admin, body: { userId: techId } });
    expect((await t.api('DELETE', `${T}/${team.id}`, { token: admin })).status).toBe(204);
    const live = 'SELECT count(*) FROM team_members WHERE team_id = ? AND deleted_at IS NULL';
    expect(t.host.sqlite.prepare(live).pluck().get(team.id)).toBe(0);
    expect(t.host.sqlite.prepare('SELECT count(*) FROM team_members WHERE team_id = ?').pluck().get(team.id)).toBe(1);
    expect((await t.api('POST', T, { token: admin, body: { name: 'Short-lived' } })).status).toBe(201);
  });

  it('when a removed member is added again, then the same membership row comes back', async () => {
    const team = (await t.api('POST', T, { token: admin, body: { name: 'Comeback' } })).body;
    await t.api('POST', `${T}/${team.id}/members`, { token: admin, body: { userId: techId } });
    const id = t.host.sqlite.prepare('SELECT id FROM team_members WHERE team_id = ?').pluck().get(team.id);
    expect((await t.api('DELETE', `${T}/${team.id}/members/${techId}`, { token: admin })).status).toBe(204);
    const back = await t.api('POST', `${T}/${team.id}/members`, { token: admin, body: { userId: techId, isLead: true } });
    expect(back.body.items).toEqual([expect.objectContaining({ userId: techId, isLead: true })]);
    expect(t.host.sqlite.prepare('SELECT id, deleted_at AS d FROM team_members WHERE team_id = ?').all(team.id)).toEqual([{ id, d: null }]);
  });

  it('when names clash or the colour is malformed, then 409 duplicate / 400', async () => {
    expect((await t.api('POST', T, { token: admin, body: { name: 'Water crew' } })).body.code).toBe('duplicate');
    const bad = await t.api('POST', T, { token: admin, body: { name: 'Red', color: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.color');
  });

  it("when another org's team or user is named, then 404", async () => {
    const other = await secondOrg(t);
    const theirs = (await t.api('POST', T, { token: other.token, body: { name: 'Theirs' } })).body.id;
    const mine = (await t.api('GET', T, { token: admin })).body.items[0].id;
    expect((await t.api('GET', `${T}/${theirs}/members`, { token: admin })).status).toBe(404);
    expect((await t.api('POST', `${T}/${theirs}/members`, { token: admin, body: { userId: techId } })).status).toBe(404);
    expect((await t.api('POST', `${T}/${mine}/members`, { token: admin, body: { userId: other.userId } })).status).toBe(404);
  });

  it('when each role manages teams, then only admins may (everyone may read)', async () => {
    const team = (await t.api('GET', T, { token: admin })).body.items[0].id;
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'], (token) =>
      t.api('GET', `${T}/${team}/members`, { token }),
    );
    await expectRoleMatrix(tokens, ['admin'], (token, role) => t.api('POST', T, { token, body: { name: `Team ${role}` } }));
    await expectRoleMatrix(tokens, ['admin'], (token) => t.api('POST', `${T}/${team}/members`, { token, body: { userId: techId } }));
    await expectRoleMatrix(tokens, ['admin'], (token) => t.api('PATCH', `${T}/${team}`, { token, body: { color: '#000000' } }));
  });
});
