import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { roleTokens, secondOrg } from './fixtures.js';

let t: TestHost;
let admin: string;
beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
});
afterAll(() => t.close());

describe('crew roster', () => {
  it("when users hold skills and team seats, then the roster lists them all and no other org's", async () => {
    const tokens = await roleTokens(t, admin, 'roster');
    const tech = (await t.api('GET', '/api/v1/users?role=technician', { token: admin })).body.items[0].id;
    const skill = (await t.api('POST', '/api/v1/skills', { token: admin, body: { name: 'Jointing' } })).body.id;
    const team = (await t.api('POST', '/api/v1/teams', { token: admin, body: { name: 'Cable crew' } })).body.id;
    await t.api('PUT', `/api/v1/users/${tech}/skills/${skill}`, { token: admin, body: { level: 3 } });
    await t.api('POST', `/api/v1/teams/${team}/members`, { token: admin, body: { userId: tech, isLead: true } });

    const res = await t.api('GET', '/api/v1/crew-roster', { token: tokens.dispatcher });
    expect(res.status).toBe(200);
    expect(res.body.skills).toEqual([{ userId: tech, skillId: skill, level: 3 }]);
    expect(res.body.memberships).toEqual([{ userId: tech, teamId: team, isLead: true }]);

    const other = await secondOrg(t);
    const theirs = await t.api('GET', '/api/v1/crew-roster', { token: other.token });
    expect(theirs.body).toEqual({ skills: [], memberships: [] });
  });
});
