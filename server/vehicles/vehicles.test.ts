import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
const V = '/api/v1/vehicles';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'vehicles');
});
afterAll(() => t.close());

describe('vehicles', () => {
  it('when a van is created for a team, then it is stored with no GPS fix yet, audited, and filterable by team', async () => {
    const teamId = (await t.api('POST', '/api/v1/teams', { token: admin, body: { name: 'Van crew' } })).body.id;
    const res = await t.api('POST', V, { token: admin, body: { callSign: 'VAN-12', plate: 'AB12 CDE', kind: 'van', teamId } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ callSign: 'VAN-12', status: 'available', teamId, lastFix: null });
    expect(historyOf(t, res.body.id)).toEqual({
      audit: [{ action: 'vehicles.insert', entity: 'vehicles' }],
      changes: [{ tableName: 'vehicles', op: 'insert' }],
    });
    expect((await t.api('GET', `${V}?teamId=${teamId}`, { token: tokens.technician })).body.items).toHaveLength(1);
    expect((await t.api('GET', `${V}?status=maintenance`, { token: admin })).body.items).toHaveLength(0);
    // The team is now referenced, so it cannot be deleted out from under the van.
    expect((await t.api('DELETE', `/api/v1/teams/${teamId}`, { token: admin })).body.code).toBe('in_use');
  });

  it('when the team belongs to another org, then 400 on teamId', async () => {
    const other = await secondOrg(t);
    const theirTeam = (await t.api('POST', '/api/v1/teams', { token: other.token, body: { name: 'Theirs' } })).body.id;
    const res = await t.api('POST', V, { token: admin, body: { callSign: 'VAN-13', kind: 'van', teamId: theirTeam } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.teamId', message: 'no such team' }]);
  });

  it('when each role manages vehicles, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token, role) => t.api('POST', V, { token, body: { callSign: `V-${role}`, kind: 'car' } }));
  });
});
