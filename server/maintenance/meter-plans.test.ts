import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createHost } from '../host.js';
import { MaintenanceGenerator } from './generator.js';
import { FakeSource } from '../telemetry/fake-source.js';
import { startTelemetry } from '../telemetry/runtime.js';
import { maintenanceWorld, meterRollups } from './fixtures.js';

let t: TestHost;
let admin: string;
let orgId: string;
let w: Awaited<ReturnType<typeof maintenanceWorld>>;
const MP = '/api/v1/maintenance-plans';
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-16T09:00:00Z');

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T09:00:00Z' });
  ({ token: admin, orgId } = await t.setupOrg());
  w = await maintenanceWorld(t, admin);
  // The duty pump has run 10 hours a day for the past week and stands at 1230 run hours.
  meterRollups(t, orgId, w.assetId, 'run_hours', { end: NOW, value: 1230, perDay: 10, hours: 7 * 24 });
});
afterAll(() => t.close());

function occurrences(planId: string) {
  return t.host.sqlite
    .prepare(
      `SELECT o.occurrence_key AS key, o.due_at AS dueAt, w.planned_start AS plannedStart FROM maintenance_occurrences o
       JOIN work_orders w ON w.id = o.work_order_id WHERE o.plan_id = ? ORDER BY o.due_at`,
    )
    .all(planId) as { key: string; dueAt: number; plannedStart: number }[];
}

describe('meter plans', () => {
  let planId: string;

  it('when a 500-run-hour plan is created on a pump at 1230 h, then the passed 1000 h service is generated now and 1500 h is forecast from the rate', async () => {
    const res = await t.api('POST', MP, {
      token: admin,
      body: {
        name: 'Pump 500 h service',
        templateId: w.templateId,
        kind: 'meter',
        meterDeviceId: w.deviceId,
        meterMetric: 'run_hours',
        meterMode: 'counter',
        meterInterval: 500,
        meterBaseline: 0,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    planId = res.body.id;
    expect(occurrences(planId)).toEqual([{ key: `${w.assetId}@m:1000`, dueAt: NOW - 23 * DAY, plannedStart: NOW }]);
    const fc = await t.api('GET', `${MP}/forecast?from=2026-11-16T00:00:00Z&to=2027-02-14T00:00:00Z`, { token: admin });
    expect(
      fc.body.items.map((i: { meterTarget: number; dueAt: string; state: string; projected: boolean }) => [
        i.meterTarget,
        i.dueAt,
        i.state,
        i.projected,
      ]),
    ).toEqual([
      [1500, new Date(NOW + 27 * DAY).toISOString(), 'forecast', true],
      [2000, new Date(NOW + 77 * DAY).toISOString(), 'forecast', true],
    ]);
  });

  it('when readings arrive and bring the next service inside the horizon, then it is generated once', () => {
    const gen = new MaintenanceGenerator(t.host);
    expect(gen.watching()).toBe(true);
    expect(gen.stored(new Set([w.deviceId]))).toBeUndefined();
    expect(occurrences(planId)).toHaveLength(1);
    // Two weeks on, at the same pace: 1370 h, so 1500 h is 13 days away (horizon 14).
    t.clock.advance(14 * DAY);
    meterRollups(t, orgId, w.assetId, 'run_hours', { end: NOW + 14 * DAY, value: 1370, perDay: 10, hours: 14 * 24 });
    expect(gen.readingsStored([w.deviceId])).toBe(1);
    t.clock.advance(5 * 60_000);
    expect(gen.readingsStored([w.deviceId])).toBe(0);
    expect(gen.tick()).toBe(0);
    expect(occurrences(planId).map((o) => [o.key, o.dueAt])).toEqual([
      [`${w.assetId}@m:1000`, NOW - 23 * DAY],
      [`${w.assetId}@m:1500`, NOW + 27 * DAY],
    ]);
    gen.stop();
  });

  it('when a vibration reading trends toward its limit, then the crossing is generated once it falls within the horizon', async () => {
    // Two weeks on, the first sign-in has expired.
    const token = (await t.api('POST', '/api/v1/auth/login', { body: { email: 'admin@example.test', password: 'correct horse battery' } }))
      .body.token;
    const vib = (
      await t.api('POST', '/api/v1/telemetry/devices', {
        token,
        body: { name: 'Spare vib', path: '/dev/ttyUSB8', protocol: 'kv', assetId: w.spareId },
      })
    ).body.id;
    const now = t.clock.now();
    // Rising 0.5 mm/s a day from 4.0: 7.1 is 3.2 days past the last reading at 5.5.
    meterRollups(t, orgId, w.spareId, 'vibration', { end: now, value: 5.5, perDay: 0.5, hours: 3 * 24 });
    const res = await t.api('POST', MP, {
      token,
      body: {
        name: 'Bearing check',
        templateId: w.templateId,
        kind: 'meter',
        meterDeviceId: vib,
        meterMetric: 'vibration',
        meterMode: 'trend',
        meterThreshold: 7.1,
        meterBaseline: 2,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(occurrences(res.body.id).map((o) => [o.key, o.dueAt])).toEqual([[`${w.spareId}@t:1`, Math.round(now + 3.2 * DAY)]]);
    expect(new MaintenanceGenerator(t.host).tick()).toBe(0);
  });

  it('when the telemetry pipeline stores a run-hours reading past the next service point, then the plan generates it at once', async () => {
    const gen = new MaintenanceGenerator(t.host);
    const told: string[] = [];
    const source = new FakeSource();
    const telemetry = startTelemetry(
      t.host,
      source,
      { retentionIntervalMs: 0 },
      { watching: () => gen.watching(), stored: (ids) => (told.push(...ids), gen.stored(ids)) },
    );
    try {
      // A counter read back after an outage: 2001 h, past the 2000 h point.
      source.metrics(w.deviceId, t.clock.now(), { run_hours: 2001 }, 'h');
      telemetry.flush();
      expect(told).toEqual([w.deviceId]);
      expect(occurrences(planId).map((o) => o.key)).toContain(`${w.assetId}@m:2000`);
    } finally {
      await telemetry.close();
      gen.stop();
    }
  });

  it('when the host restarts on the same data, then a fresh generator finds everything already generated', async () => {
    const before = t.host.sqlite.prepare('SELECT count(*) FROM maintenance_occurrences').pluck().get();
    await t.close({ keepDir: true });
    const host = createHost({ dataDir: t.dataDir, clock: t.clock });
    try {
      const gen = new MaintenanceGenerator(host);
      expect(gen.tick()).toBe(0);
      expect(host.sqlite.prepare('SELECT count(*) FROM maintenance_occurrences').pluck().get()).toBe(before);
      gen.stop();
    } finally {
      host.close();
      fs.rmSync(t.dataDir, { recursive: true, force: true });
    }
    // afterAll closes again: make that a no-op.
    t.close = async () => {};
  });
});
