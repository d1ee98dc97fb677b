import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';

let t: TestHost;
let admin: string;
let tokens: Record<Role, string>;
let calendarId: string;
const OFFICE = {
  mon: [['08:00', '17:00']],
  tue: [['08:00', '17:00']],
  wed: [['08:00', '17:00']],
  thu: [['08:00', '17:00']],
  fri: [['08:00', '16:00']],
};

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'sla');
});
afterAll(() => t.close());

describe('SLA calendars', () => {
  it('when a calendar is created, then it round-trips and is audited', async () => {
    const res = await t.api('POST', '/api/v1/sla/calendars', {
      token: admin,
      body: {
        name: 'Office hours',
        timeZone: 'Europe/London',
        workingHours: OFFICE,
        holidays: [{ date: '2026-12-25', name: 'Christmas' }],
      },
    });
    expect(res.status).toBe(201);
    calendarId = res.body.id;
    expect(res.body).toMatchObject({ workingHours: OFFICE, holidays: [{ date: '2026-12-25', name: 'Christmas' }] });
    expect(historyOf(t, calendarId)).toEqual({
      audit: [{ action: 'sla_calendars.insert', entity: 'sla_calendars' }],
      changes: [{ tableName: 'sla_calendars', op: 'insert' }],
    });
  });

  it('when working hours overlap, a day is misspelt, a holiday has extra keys or there is no working time, then 400 with paths', async () => {
    const post = (body: Record<string, unknown>) =>
      t.api('POST', '/api/v1/sla/calendars', { token: admin, body: { name: 'Bad', timeZone: 'UTC', holidays: [], ...body } });
    const overlap = await post({
      workingHours: {
        mon: [
          ['08:00', '12:00'],
          ['11:00', '13:00'],
        ],
      },
    });
    expect(overlap.body.errors[0].field).toBe('body.workingHours.mon.1');
    expect((await post({ workingHours: { monday: [['08:00', '12:00']] } })).status).toBe(400);
    expect((await post({ workingHours: OFFICE, holidays: [{ date: '2026-02-30', name: 'x' }] })).body.errors[0].field).toBe(
      'body.holidays.0.date',
    );
    expect((await post({ workingHours: OFFICE, holidays: [{ date: '2026-01-01', name: 'x', paid: true }] })).status).toBe(400);
    expect((await post({ workingHours: {} })).body.errors[0].field).toBe('body.workingHours');
  });
});

describe('SLA policies and matrix', () => {
  it('when policies are created, then the matrix shows them in their cells and null elsewhere', async () => {
    const crit = await t.api('POST', '/api/v1/sla/policies', {
      token: admin,
      body: { name: 'Emergency critical', type: 'emergency', priority: 'critical', responseMinutes: 60, resolutionMinutes: 240 },
    });
    expect(crit.status).toBe(201);
    expect(crit.body.calendarId).toBeNull();
    expect(historyOf(t, crit.body.id).changes).toEqual([{ tableName: 'sla_policies', op: 'insert' }]);
    const office = await t.api('POST', '/api/v1/sla/policies', {
      token: admin,
      body: { name: 'Preventive low', type: 'preventive', priority: 'low', calendarId, responseMinutes: 2400, resolutionMinutes: 9600 },
    });
    expect(office.body.calendarId).toBe(calendarId);
    const matrix = await t.api('GET', '/api/v1/sla/matrix', { token: tokens.viewer });
    expect(matrix.status).toBe(200);
    expect(matrix.body.types).toHaveLength(5);
    expect(matrix.body.priorities).toEqual(['critical', 'high', 'medium', 'low']);
    expect(matrix.body.cells.emergency.critical).toMatchObject({ id: crit.body.id, responseMinutes: 60 });
    expect(matrix.body.cells.preventive.low.id).toBe(office.body.id);
    expect(matrix.body.cells.corrective.high).toBeNull();
  });

  it('when a type × priority pair is taken again, then 409 duplicate naming both fields', async () => {
    const res = await t.api('POST', '/api/v1/sla/policies', {
      token: admin,
      body: { name: 'Again', type: 'emergency', priority: 'critical', responseMinutes: 30, resolutionMinutes: 60 },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('duplicate');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.type', 'body.priority']);
  });

  it('when resolution is shorter than response, even via a patch, then 400', async () => {
    const bad = await t.api('POST', '/api/v1/sla/policies', {
      token: admin,
      body: { name: 'x', type: 'corrective', priority: 'high', responseMinutes: 120, resolutionMinutes: 60 },
    });
    expect(bad.status).toBe(400);
    const id = (await t.api('GET', '/api/v1/sla/policies?type=emergency', { token: admin })).body.items[0].id;
    const patch = await t.api('PATCH', `/api/v1/sla/policies/${id}`, { token: admin, body: { responseMinutes: 500 } });
    expect(patch.status).toBe(400);
    expect(patch.body.errors[0].field).toBe('body.resolutionMinutes');
  });

  it("when a calendar is in use by a policy, then deleting it is 409 in_use; another org's calendar is refused", async () => {
    expect((await t.api('DELETE', `/api/v1/sla/calendars/${calendarId}`, { token: admin })).body.code).toBe('in_use');
    const other = await secondOrg(t);
    const res = await t.api('POST', '/api/v1/sla/policies', {
      token: other.token,
      body: { name: 'x', type: 'corrective', priority: 'high', calendarId, responseMinutes: 1, resolutionMinutes: 2 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.calendarId');
    expect((await t.api('GET', '/api/v1/sla/matrix', { token: other.token })).body.cells.emergency.critical).toBeNull();
  });

  it('when each role manages SLAs, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token, role) =>
      t.api('POST', '/api/v1/sla/calendars', { token, body: { name: `C ${role}`, timeZone: 'UTC', workingHours: OFFICE } }),
    );
    const pid = (await t.api('GET', '/api/v1/sla/policies', { token: admin })).body.items[0].id;
    await expectRoleMatrix(tokens, ['admin'], (token) =>
      t.api('PATCH', `/api/v1/sla/policies/${pid}`, { token, body: { name: 'Renamed' } }),
    );
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'], (token) =>
      t.api('GET', '/api/v1/sla/matrix', { token }),
    );
  });
});
