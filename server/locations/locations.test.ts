import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

// The generic behaviour (paging, ETag, conflicts, tenancy) is covered in server/http/crud.test.ts.
let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
const L = '/api/v1/locations';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'locations');
});
afterAll(() => t.close());

describe('locations', () => {
  it('when a site is created with a geofence, then it is stored, audited, and found by kind and by address text', async () => {
    const res = await t.api('POST', L, {
      token: tokens.dispatcher,
      body: { code: 'WTW-1', name: 'Water works', kind: 'plant', address: '4 Mill Lane', lat: 52.1, lon: -1.2, geofenceRadiusM: 250 },
    });
    expect(res.status).toBe(201);
    expect(res.body.geofenceRadiusM).toBe(250);
    expect(historyOf(t, res.body.id)).toEqual({
      audit: [{ action: 'locations.insert', entity: 'locations' }],
      changes: [{ tableName: 'locations', op: 'insert' }],
    });
    expect((await t.api('GET', `${L}?kind=plant`, { token: admin })).body.items).toHaveLength(1);
    expect((await t.api('GET', `${L}?q=mill`, { token: admin })).body.items[0].code).toBe('WTW-1');
    expect((await t.api('GET', `${L}?kind=hydrant`, { token: admin })).body.items).toHaveLength(0);
  });

  it('when coordinates are out of range, then 400 per field', async () => {
    const res = await t.api('POST', L, { token: admin, body: { code: 'X', name: 'X', lat: 91, lon: 200 } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.lat', 'body.lon']);
  });

  it('when each role writes locations, then admins, dispatchers and supervisors may', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor'], (token, role) =>
      t.api('POST', L, { token, body: { code: `L-${role}`, name: role, lat: 1, lon: 1 } }),
    );
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'], (token) => t.api('GET', L, { token }));
  });
});
