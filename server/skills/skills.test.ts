import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
const S = '/api/v1/skills';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'skills');
});
afterAll(() => t.close());

describe('skills', () => {
  it('when skills are created, then they list by category and are audited', async () => {
    const res = await t.api('POST', S, { token: admin, body: { name: 'HV switching', category: 'electrical' } });
    expect(res.status).toBe(201);
    await t.api('POST', S, { token: admin, body: { name: 'Confined space', category: 'safety' } });
    const list = await t.api('GET', `${S}?category=electrical`, { token: tokens.technician });
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['HV switching']);
    expect(historyOf(t, res.body.id).changes).toEqual([{ tableName: 'skills', op: 'insert' }]);
    expect(historyOf(t, res.body.id).audit).toEqual([{ action: 'skills.insert', entity: 'skills' }]);
  });

  it('when a skill a user holds is deleted, then 409 in_use', async () => {
    const skill = (await t.api('GET', `${S}?q=HV`, { token: admin })).body.items[0].id;
    const tech = (await t.api('GET', '/api/v1/users?role=technician', { token: admin })).body.items[0].id;
    await t.api('PUT', `/api/v1/users/${tech}/skills/${skill}`, { token: admin, body: { level: 2 } });
    const res = await t.api('DELETE', `${S}/${skill}`, { token: admin });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('in_use');
  });

  it('when each role manages skills, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token, role) => t.api('POST', S, { token, body: { name: `Skill ${role}` } }));
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'], (token) => t.api('GET', S, { token }));
  });
});
