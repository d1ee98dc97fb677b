import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, historyOf, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';
import { MaintenanceGenerator } from './generator.js';
import { maintenanceWorld } from './fixtures.js';

let t: TestHost;
let admin: string;
let adminId: string;
let tokens: Record<Role, string>;
let w: Awaited<ReturnType<typeof maintenanceWorld>>;
const MP = '/api/v1/maintenance-plans';
const DAY = 86_400_000;

beforeAll(async () => {
  // A Friday a week before the clocks go forward (Sunday 29 March 2026, Europe/London).
  t = await startTestHost({ now: '2026-03-20T10:00:00Z' });
  ({ token: admin, userId: adminId } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'pm');
  w = await maintenanceWorld(t, admin);
});
afterAll(() => t.close());

const weekly = (over: Record<string, unknown> = {}) => ({
  name: 'Weekly pump check',
  templateId: w.templateId,
  assetId: w.assetId,
  kind: 'calendar',
  rrule: 'FREQ=WEEKLY;BYDAY=SU',
  dtstart: '2026-03-22T09:00',
  ...over,
});

interface Wo {
  id: string;
  status: string;
  plannedStart: string | null;
  title: string;
}
function workOf(planId: string): (Wo & { key: string; state: string })[] {
  return t.host.sqlite
    .prepare(
      `SELECT o.occurrence_key AS key, o.state, w.id, w.status, w.title, strftime('%Y-%m-%dT%H:%M:%SZ', w.planned_start / 1000, 'unixepoch') AS plannedStart
       FROM maintenance_occurrences o JOIN work_orders w ON w.id = o.work_order_id WHERE o.plan_id = ? ORDER BY o.due_at, w.created_at`,
    )
    .all(planId) as (Wo & { key: string; state: string })[];
}

describe('maintenance plans', () => {
  let planId: string;

  it('when a dispatcher creates a weekly plan, then its work up to the horizon is generated at 09:00 local across the DST change, audited with the plan', async () => {
    const res = await t.api('POST', MP, { token: tokens.dispatcher, body: weekly() });
    expect(res.status).toBe(201);
    planId = res.body.id;
    expect(res.body).toMatchObject({ horizonDays: 14, paused: false, kind: 'calendar', depotId: expect.any(String) });
    expect(workOf(planId).map((o) => [o.key, o.plannedStart, o.status, o.title])).toEqual([
      [`${w.assetId}@2026-03-22T09:00`, '2026-03-22T09:00:00Z', 'NEW', 'Weekly pump check — PMP-1'],
      [`${w.assetId}@2026-03-29T09:00`, '2026-03-29T08:00:00Z', 'NEW', 'Weekly pump check — PMP-1'],
    ]);
    expect(historyOf(t, planId).audit).toEqual([{ action: 'maintenance_plans.insert', entity: 'maintenance_plans' }]);
    const wo = await t.api('GET', `/api/v1/work-orders/${workOf(planId)[0]!.id}`, { token: admin });
    expect(wo.body).toMatchObject({
      type: 'preventive',
      durationMin: 120,
      templateId: w.templateId,
      assetId: w.assetId,
      locationId: w.locationId,
    });
  });

  it('when the generator runs twice, then nothing is made twice; a week later it makes only the new week', async () => {
    const gen = new MaintenanceGenerator(t.host);
    expect(gen.tick()).toBe(0);
    expect(gen.tick()).toBe(0);
    t.clock.advance(7 * DAY);
    expect(gen.tick()).toBe(1);
    expect(gen.tick()).toBe(0);
    expect(workOf(planId).map((o) => o.plannedStart)).toEqual(['2026-03-22T09:00:00Z', '2026-03-29T08:00:00Z', '2026-04-05T08:00:00Z']);
    gen.stop();
  });

  it('when the forecast is asked for, then generated occurrences carry their work order and later ones are forecast', async () => {
    const res = await t.api('GET', `${MP}/forecast?from=2026-03-27T00:00:00Z&to=2026-04-20T00:00:00Z`, { token: tokens.viewer });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { dueAt: string; state: string }) => [i.dueAt, i.state])).toEqual([
      ['2026-03-29T08:00:00.000Z', 'generated'],
      ['2026-04-05T08:00:00.000Z', 'generated'],
      ['2026-04-12T08:00:00.000Z', 'forecast'],
      ['2026-04-19T08:00:00.000Z', 'forecast'],
    ]);
    expect(res.body.items[2]).toMatchObject({ planId, workOrderId: null, endAt: '2026-04-12T10:00:00.000Z', durationMin: 120 });
    const bad = await t.api('GET', `${MP}/forecast?from=2026-04-20T00:00:00Z&to=2026-03-27T00:00:00Z`, { token: admin });
    expect(bad.status).toBe(400);
  });

  it('when the rule is edited, then future work not yet started is regenerated, and started work stays', async () => {
    // Now 27 March: the 29 March work is dispatched (started), 5 April's is still new.
    const [, started, waiting] = workOf(planId);
    await t.api('POST', `/api/v1/work-orders/${started!.id}/assignment`, { token: admin, body: { assigneeId: adminId } });
    for (const to of ['SCHEDULED', 'DISPATCHED']) {
      const moved = await t.api('POST', `/api/v1/work-orders/${started!.id}/transitions`, { token: admin, body: { to } });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    const res = await t.api('PATCH', `${MP}/${planId}`, {
      token: admin,
      body: { rrule: 'FREQ=WEEKLY;BYDAY=SA', dtstart: '2026-03-21T09:00' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const after = workOf(planId);
    expect(after.find((o) => o.id === started!.id)).toMatchObject({ status: 'DISPATCHED', state: 'generated' });
    expect(after.find((o) => o.id === waiting!.id)).toMatchObject({ status: 'CANCELLED', state: 'superseded' });
    expect(after.filter((o) => o.state === 'generated' && o.status === 'NEW').map((o) => o.plannedStart)).toEqual([
      '2026-03-22T09:00:00Z', // the past one stays (it is not in the future)
      '2026-03-28T09:00:00Z',
      '2026-04-04T08:00:00Z',
    ]);
  });

  it('when a plan is paused, then it generates nothing and leaves the forecast; resumed, it catches up', async () => {
    const res = await t.api('POST', MP, { token: admin, body: weekly({ name: 'Standby check', assetId: w.spareId, paused: true }) });
    expect(res.status).toBe(201);
    expect(workOf(res.body.id)).toEqual([]);
    expect(new MaintenanceGenerator(t.host).tick()).toBe(0);
    const fc = await t.api('GET', `${MP}/forecast?from=2026-03-27T00:00:00Z&to=2026-05-01T00:00:00Z&planId=${res.body.id}`, {
      token: admin,
    });
    expect(fc.body.items).toEqual([]);
    await t.api('PATCH', `${MP}/${res.body.id}`, { token: admin, body: { paused: false } });
    expect(workOf(res.body.id).map((o) => o.plannedStart)).toEqual(['2026-03-29T08:00:00Z', '2026-04-05T08:00:00Z']);
  });

  it('when occurrences are skipped, then a generated one is cancelled, a future one never comes, and both leave the forecast', async () => {
    const standby = (await t.api('GET', `${MP}?q=Standby`, { token: admin })).body.items[0].id;
    const skip = (key: string, token = admin) =>
      t.api('POST', `${MP}/${standby}/occurrences/skip`, { token, body: { occurrenceKey: key } });
    expect((await skip(`${w.spareId}@2026-04-05T09:00`)).status).toBe(204);
    expect((await skip(`${w.spareId}@2026-04-05T09:00`)).status).toBe(204);
    expect((await skip(`${w.spareId}@2026-04-12T09:00`)).status).toBe(204);
    expect((await skip(`${w.spareId}@2026-04-13T09:00`)).status).toBe(404);
    expect((await skip(`${w.spareId}@2026-04-19T09:00`, tokens.supervisor)).status).toBe(403);
    expect(workOf(standby).map((o) => [o.key, o.state, o.status])).toEqual([
      [`${w.spareId}@2026-03-29T09:00`, 'generated', 'NEW'],
      [`${w.spareId}@2026-04-05T09:00`, 'skipped', 'CANCELLED'],
    ]);
    t.clock.advance(14 * DAY);
    new MaintenanceGenerator(t.host).tick();
    t.clock.advance(-14 * DAY);
    expect(workOf(standby).some((o) => o.key.endsWith('2026-04-12T09:00'))).toBe(false);
    const fc = await t.api('GET', `${MP}/forecast?from=2026-04-01T00:00:00Z&to=2026-04-20T00:00:00Z&planId=${standby}`, { token: admin });
    expect(fc.body.items.map((i: { dueAt: string }) => i.dueAt)).toEqual(['2026-04-19T08:00:00.000Z']);
  });

  it('when a plan covers a category, then each live pump gets its own occurrence', async () => {
    const res = await t.api('POST', MP, {
      token: admin,
      body: weekly({
        name: 'Pump inspection',
        assetId: null,
        assetCategory: 'pump',
        rrule: 'FREQ=MONTHLY',
        dtstart: '2026-04-01T07:30',
        horizonDays: 7,
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(workOf(res.body.id).map((o) => [o.key.split('@')[0], o.plannedStart])).toEqual([
      [w.assetId, '2026-04-01T06:30:00Z'],
      [w.spareId, '2026-04-01T06:30:00Z'],
    ]);
  });

  it('when a plan is incomplete or its rule is wrong, then 400 names the fields', async () => {
    const missing = await t.api('POST', MP, { token: admin, body: weekly({ rrule: null, dtstart: undefined }) });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.dtstart', 'body.rrule']);
    const hourly = await t.api('POST', MP, { token: admin, body: weekly({ rrule: 'FREQ=HOURLY' }) });
    expect(hourly.body.errors).toEqual([{ field: 'body.rrule', message: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY' }]);
    const meter = await t.api('POST', MP, {
      token: admin,
      body: weekly({ kind: 'meter', meterDeviceId: w.deviceId, meterMetric: 'run_hours', meterMode: 'counter' }),
    });
    expect(meter.body.errors).toEqual([{ field: 'body.meterInterval', message: 'required for a counter' }]);
    const nothing = await t.api('POST', MP, { token: admin, body: weekly({ assetId: undefined }) });
    expect(nothing.body.errors[0].field).toBe('body.assetId');
    const shape = await t.api('POST', MP, { token: admin, body: weekly({ dtstart: '22/03/2026 09:00', horizonDays: 0 }) });
    expect(shape.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.dtstart', 'body.horizonDays']);
  });

  it("when another org's plan or template is named, then 404 / 400 as if it did not exist", async () => {
    const other = await secondOrg(t);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { paused: true }],
      ['DELETE', undefined],
    ] as const) {
      expect((await t.api(method, `${MP}/${planId}`, { token: other.token, body })).status).toBe(404);
    }
    expect(
      (await t.api('GET', `${MP}/forecast?from=2026-03-27T00:00:00Z&to=2026-05-01T00:00:00Z`, { token: other.token })).body.items,
    ).toEqual([]);
    const tpl = await t.api('POST', '/api/v1/task-templates', {
      token: other.token,
      body: { name: 'Theirs', type: 'preventive', priority: 'low', durationMin: 30 },
    });
    const res = await t.api('POST', MP, { token: admin, body: weekly({ templateId: tpl.body.id }) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.templateId', message: 'no such task template' }]);
  });

  it('when each role writes plans, then admins and dispatchers may; everyone reads', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher'], (token, role) =>
      t.api('POST', MP, { token, body: weekly({ name: `Plan ${role}`, paused: true }) }),
    );
    for (const role of ['supervisor', 'technician', 'viewer'] as const) {
      expect((await t.api('GET', MP, { token: tokens[role] })).status).toBe(200);
    }
  });

  it('when a plan is deleted, then it generates nothing more and its work stays', async () => {
    const before = workOf(planId).length;
    expect((await t.api('DELETE', `${MP}/${planId}`, { token: admin })).status).toBe(204);
    expect((await t.api('GET', `${MP}/${planId}`, { token: admin })).status).toBe(404);
    t.clock.advance(30 * DAY);
    new MaintenanceGenerator(t.host).tick();
    expect(workOf(planId)).toHaveLength(before);
  });
});
