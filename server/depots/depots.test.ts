import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
const D = '/api/v1/depots';

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'depots');
});
afterAll(() => t.close());

describe('depots', () => {
  it('when the org is set up, then its first depot is listed; a second one can be added, changed and is audited', async () => {
    const first = await t.api('GET', D, { token: tokens.viewer });
    expect(first.body.items).toEqual([expect.objectContaining({ code: 'MAIN', timeZone: 'Europe/London' })]);
    const res = await t.api('POST', D, {
      token: admin,
      body: { code: 'EAST', name: 'East yard', timeZone: 'Europe/London', lat: 51.5, lon: 0.1 },
    });
    expect(res.status).toBe(201);
    expect(historyOf(t, res.body.id)).toEqual({
      audit: [{ action: 'depots.insert', entity: 'depots' }],
      changes: [{ tableName: 'depots', op: 'insert' }],
    });
    const upd = await t.api('PATCH', `${D}/${res.body.id}`, {
      token: admin,
      body: { address: '9 Dock St' },
      headers: { 'if-match': res.headers.get('etag') ?? '' },
    });
    expect(upd.body).toMatchObject({ address: '9 Dock St', version: 2 });
  });

  it('when the time zone is not an IANA zone, then 400 on that field', async () => {
    const res = await t.api('POST', D, { token: admin, body: { code: 'BAD', name: 'Bad', timeZone: 'Mars/Olympus' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.timeZone');
  });

  it('when a depot still has users or teams, then delete answers 409 in_use', async () => {
    const main = (await t.api('GET', `${D}?q=MAIN`, { token: admin })).body.items[0].id;
    await t.api('POST', '/api/v1/teams', { token: admin, body: { name: 'Main crew', depotId: main } });
    expect((await t.api('DELETE', `${D}/${main}`, { token: admin })).body.code).toBe('in_use');
  });

  it("when another org's depot is used, then 404", async () => {
    const other = await secondOrg(t);
    const theirs = (await t.api('POST', D, { token: other.token, body: { code: 'MAIN', name: 'Their main', timeZone: 'UTC' } })).body.id;
    expect((await t.api('GET', `${D}/${theirs}`, { token: admin })).status).toBe(404);
    expect((await t.api('DELETE', `${D}/${theirs}`, { token: admin })).status).toBe(404);
  });

  it('when each role manages depots, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token, role) =>
      t.api('POST', D, { token, body: { code: `D-${role}`, name: role, timeZone: 'UTC' } }),
    );
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'], (token) => t.api('GET', D, { token }));
  });
});
