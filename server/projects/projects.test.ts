import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
let projectId: string;
const P = '/api/v1/projects';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'projects');
});
afterAll(() => t.close());

describe('projects, phases and milestones', () => {
  it('when a project is created with phases and milestones, then each lists under its project, in order', async () => {
    const res = await t.api('POST', P, {
      token: tokens.dispatcher,
      body: { code: 'MAINS-26', name: 'Mains renewal 2026', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z' },
    });
    expect(res.status).toBe(201);
    projectId = res.body.id;
    expect(res.body).toMatchObject({ status: 'planned', startsAt: '2026-01-01T00:00:00.000Z' });
    expect(historyOf(t, projectId)).toEqual({
      audit: [{ action: 'projects.insert', entity: 'projects' }],
      changes: [{ tableName: 'projects', op: 'insert' }],
    });
    const p2 = await t.api('POST', `${P}/${projectId}/phases`, { token: admin, body: { name: 'Dig', position: 2 } });
    const p1 = await t.api('POST', `${P}/${projectId}/phases`, { token: admin, body: { name: 'Survey', position: 1 } });
    expect(p1.status).toBe(201);
    expect(p1.body.projectId).toBe(projectId);
    const phases = await t.api('GET', `${P}/${projectId}/phases`, { token: tokens.viewer });
    expect(phases.body.items.map((p: { name: string }) => p.name)).toEqual(['Survey', 'Dig']);
    const m = await t.api('POST', `${P}/${projectId}/milestones`, {
      token: admin,
      body: { name: 'Survey signed off', phaseId: p1.body.id, dueAt: '2026-03-01T00:00:00Z' },
    });
    expect(m.status).toBe(201);
    const reached = await t.api('PATCH', `${P}/${projectId}/milestones/${m.body.id}`, {
      token: admin,
      body: { reachedAt: '2026-02-27T12:00:00Z' },
    });
    expect(reached.body.reachedAt).toBe('2026-02-27T12:00:00.000Z');
    expect((await t.api('PATCH', `${P}/${projectId}/phases/${p2.body.id}`, { token: admin, body: { status: 'active' } })).body.status).toBe(
      'active',
    );
  });

  it('when dates are reversed, then 400 — also when a patch moves one end past the stored other end', async () => {
    const res = await t.api('POST', P, {
      token: admin,
      body: { code: 'BAD', name: 'Bad', startsAt: '2026-05-01T00:00:00Z', endsAt: '2026-04-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.endsAt');
    const patch = await t.api('PATCH', `${P}/${projectId}`, { token: admin, body: { startsAt: '2027-06-01T00:00:00Z' } });
    expect(patch.status).toBe(400);
  });

  it('when a phase of another project is named, or a phase is addressed under the wrong project, then 400 / 404', async () => {
    const other = (await t.api('POST', P, { token: admin, body: { code: 'OTHER', name: 'Other' } })).body.id;
    const foreignPhase = (await t.api('POST', `${P}/${other}/phases`, { token: admin, body: { name: 'Elsewhere', position: 1 } })).body.id;
    const res = await t.api('POST', `${P}/${projectId}/milestones`, {
      token: admin,
      body: { name: 'x', phaseId: foreignPhase, dueAt: '2026-03-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.phaseId');
    expect((await t.api('GET', `${P}/${projectId}/phases/${foreignPhase}`, { token: admin })).status).toBe(404);
    expect((await t.api('DELETE', `${P}/${projectId}/phases/${foreignPhase}`, { token: admin })).status).toBe(404);
  });

  it('when a project is deleted, then its phases and milestones are tombstoned with it, by the same delete', async () => {
    expect((await t.api('DELETE', `${P}/${projectId}`, { token: admin })).status).toBe(204);
    const stamp = t.host.sqlite.prepare('SELECT deleted_at FROM projects WHERE id = ?').pluck().get(projectId);
    expect(stamp).toEqual(expect.any(Number));
    for (const table of ['project_phases', 'milestones']) {
      const rows = t.host.sqlite.prepare(`SELECT deleted_at AS d FROM ${table} WHERE project_id = ?`).all(projectId) as { d: number }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.d === stamp)).toBe(true);
    }
    expect((await t.api('GET', `${P}/${projectId}/phases`, { token: admin })).status).toBe(404);
  });

  it("when another org's project is used, then 404 on it and its phases", async () => {
    const other = await secondOrg(t);
    const theirs = (await t.api('POST', P, { token: other.token, body: { code: 'T', name: 'Theirs' } })).body.id;
    expect((await t.api('GET', `${P}/${theirs}/phases`, { token: admin })).status).toBe(404);
    expect((await t.api('POST', `${P}/${theirs}/phases`, { token: admin, body: { name: 'x', position: 1 } })).status).toBe(404);
  });

  it('when each role writes projects, then admins and dispatchers may', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher'], (token, role) =>
      t.api('POST', P, { token, body: { code: `P-${role}`, name: role } }),
    );
    const pid = (await t.api('GET', P, { token: admin })).body.items[0].id;
    await expectRoleMatrix(tokens, ['admin', 'dispatcher'], (token) =>
      t.api('POST', `${P}/${pid}/phases`, { token, body: { name: 'Phase', position: 1 } }),
    );
  });
});
