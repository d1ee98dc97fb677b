import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
let locationId: string;
const A = '/api/v1/assets';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'assets');
  locationId = (await t.api('POST', '/api/v1/locations', { token: admin, body: { code: 'PS-9', name: 'Pump station 9', lat: 1, lon: 1 } }))
    .body.id;
});
afterAll(() => t.close());

describe('assets', () => {
  it('when an asset is created at a location, then it is stored with ISO times and attributes, audited, and filterable', async () => {
    const res = await t.api('POST', A, {
      token: tokens.supervisor,
      body: {
        tag: 'PMP-001',
        name: 'Duty pump',
        category: 'pump',
        locationId,
        serialNumber: 'SN-77A',
        installedAt: '2019-04-01T00:00:00Z',
        attributes: { kW: 55, phase: '3' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'in_service', installedAt: '2019-04-01T00:00:00.000Z', attributes: { kW: 55, phase: '3' } });
    expect(historyOf(t, res.body.id)).toEqual({
      audit: [{ action: 'assets.insert', entity: 'assets' }],
      changes: [{ tableName: 'assets', op: 'insert' }],
    });
    await t.api('POST', A, { token: admin, body: { tag: 'VLV-001', name: 'Valve', category: 'valve', status: 'maintenance' } });
    const byLoc = await t.api('GET', `${A}?locationId=${locationId}`, { token: admin });
    expect(byLoc.body.items.map((a: { tag: string }) => a.tag)).toEqual(['PMP-001']);
    expect((await t.api('GET', `${A}?status=maintenance`, { token: admin })).body.items[0].tag).toBe('VLV-001');
    expect((await t.api('GET', `${A}?q=77a`, { token: admin })).body.items[0].tag).toBe('PMP-001');
    expect((await t.api('GET', `${A}?category=pump&sort=-tag`, { token: admin })).body.items).toHaveLength(1);
  });

  it('when the status is unknown or the tag taken, then 400 / 409', async () => {
    expect((await t.api('GET', `${A}?status=broken`, { token: admin })).status).toBe(400);
    const dup = await t.api('POST', A, { token: admin, body: { tag: 'PMP-001', name: 'Again', category: 'pump' } });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].field).toBe('body.tag');
  });

  it('when an asset is retired and its install date cleared, then the patch applies', async () => {
    const id = (await t.api('GET', `${A}?q=PMP`, { token: admin })).body.items[0].id;
    const res = await t.api('PATCH', `${A}/${id}`, { token: admin, body: { status: 'retired', installedAt: null } });
    expect(res.body).toMatchObject({ status: 'retired', installedAt: null, version: 2 });
  });

  it('when each role writes assets, then admins, dispatchers and supervisors may', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor'], (token, role) =>
      t.api('POST', A, { token, body: { tag: `A-${role}`, name: role, category: 'misc' } }),
    );
  });
});
