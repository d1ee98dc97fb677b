import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeMessage } from '../../core/change-bus.js';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { FakeSource } from '../fake-source.js';
import { must, telemetryWorld, type World } from '../fixtures.js';
import { startTelemetry } from '../runtime.js';
import { haversineM as distanceM } from '../../core/geo.js';

let t: TestHost;
let w: World;
const T0 = Date.parse('2026-11-16T08:00:00Z');
const S = 1000;
const messages: ChangeMessage[] = [];

beforeAll(async () => {
  t = await startTestHost();
  w = await telemetryWorld(t);
  t.host.bus.subscribe((m) => messages.push(m));
});
afterAll(async () => {
  await w.telemetry.close();
  await t.close();
});

const api = (method: string, url: string, body?: unknown) => t.api(method, `/api/v1${url}`, { token: w.token, body });

function temp(at: number, value: number) {
  w.source.metrics(w.sensorId, T0 + at, { temperature: value }, 'C');
  w.telemetry.flush();
}

function alertsOf(ruleId: string) {
  return t.host.sqlite.prepare('SELECT * FROM telemetry_alerts WHERE rule_id = ? ORDER BY raised_at').all(ruleId) as {
    id: string;
    state: string;
    work_order_id: string | null;
    trigger_value: number;
    peak_value: number;
    raised_at: number;
    cleared_at: number | null;
  }[];
}

function workOrdersOf(ruleId: string): string[] {
  return t.host.sqlite
    .prepare('SELECT DISTINCT work_order_id FROM telemetry_alerts WHERE rule_id = ? AND work_order_id IS NOT NULL')
    .pluck()
    .all(ruleId) as string[];
}

describe('a threshold rule that opens work', () => {
  let ruleId: string;

  beforeAll(async () => {
    const rule = await must<{ id: string }>(
      api('POST', '/telemetry/rules', {
        name: 'Pump too hot',
        kind: 'above',
        metric: 'temperature',
        assetId: w.assetId,
        threshold: 80,
        hysteresis: 5,
        minDurationMs: 30 * S,
        opensWorkOrder: true,
        templateId: w.templateId,
      }),
    );
    ruleId = rule.id;
  });

  it('when the value is above the limit for less than the minimum duration, then nothing fires', () => {
    temp(0, 85);
    temp(10 * S, 79); // the streak is broken
    temp(20 * S, 85);
    temp(40 * S, 86); // held 20 s only
    expect(alertsOf(ruleId)).toEqual([]);
  });

  it('when it holds for the minimum duration, then one alert is raised and exactly one corrective work order is opened with the reading attached', async () => {
    temp(50 * S, 90); // held 30 s since 20 s
    temp(55 * S, 95);
    temp(56 * S, 93);
    const alerts = alertsOf(ruleId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: 'active', trigger_value: 90, raised_at: T0 + 50 * S });
    const woId = alerts[0]!.work_order_id!;
    const wo = await api('GET', `/work-orders/${woId}`);
    expect(wo.body).toMatchObject({
      type: 'corrective',
      priority: 'high',
      templateId: w.templateId,
      assetId: w.assetId,
      locationId: w.locationId,
      status: 'NEW',
    });
    expect(wo.body.title).toContain('temperature 90 C');
    expect(wo.body.description).toContain('temperature = 90 C at 2026-11-16T08:00:50.000Z');
    const events = await api('GET', `/work-orders/${woId}/events`);
    const ev = events.body.items.find((e: { type: string }) => e.type === 'telemetry_alert');
    expect(ev.data).toMatchObject({ ruleId, reading: { metric: 'temperature', value: 90, unit: 'C', deviceId: w.sensorId } });
    // Audited and announced like any other write.
    expect(messages.some((m) => m.type === 'telemetry_alert.raised' && m.data.tables.includes('telemetry_alerts'))).toBe(true);
    const audit = t.host.sqlite
      .prepare("SELECT count(*) FROM audit_log WHERE entity = 'telemetry_alerts' AND entity_id = ?")
      .pluck()
      .get(alerts[0]!.id);
    expect(audit).toBe(1);
  });

  it('when the value comes back only inside the hysteresis band, then the alert stays; when it stays below limit − hysteresis for the minimum duration, then it clears with its peak', () => {
    temp(60 * S, 78); // below 80 but not ≤ 75
    temp(70 * S, 74); // clearing starts
    temp(90 * S, 74); // 20 s only
    expect(alertsOf(ruleId)[0]!.state).toBe('active');
    temp(95 * S, 77); // back into the band: streak broken
    temp(100 * S, 70);
    temp(131 * S, 70);
    const [alert] = alertsOf(ruleId);
    expect(alert).toMatchObject({ state: 'cleared', cleared_at: T0 + 131 * S, peak_value: 95 });
  });

  it('when it fires again while its work order is still open, then a new alert links to the same work order and no second one is opened', () => {
    temp(200 * S, 99);
    temp(240 * S, 99);
    const alerts = alertsOf(ruleId);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]!.state).toBe('active');
    expect(workOrdersOf(ruleId)).toHaveLength(1);
    expect(alerts[1]!.work_order_id).toBe(alerts[0]!.work_order_id);
  });

  it('when the host restarts while the alert is active, then the state is rebuilt from the database: no second alert or work order, and it still clears', async () => {
    await w.telemetry.close();
    w.source = new FakeSource();
    w.telemetry = t.services.telemetry = startTelemetry(t.host, w.source, { retentionIntervalMs: 0 });
    temp(300 * S, 99);
    temp(400 * S, 99);
    expect(alertsOf(ruleId)).toHaveLength(2);
    expect(workOrdersOf(ruleId)).toHaveLength(1);
    temp(500 * S, 60);
    temp(531 * S, 60);
    expect(alertsOf(ruleId).map((a) => a.state)).toEqual(['cleared', 'cleared']);
  });

  it('when its work order is closed and the condition returns, then a new work order is opened', async () => {
    const woId = alertsOf(ruleId)[0]!.work_order_id!;
    const cancel = await api('POST', `/work-orders/${woId}/transitions`, { to: 'CANCELLED', reason: 'fixed the fan' });
    expect(cancel.status).toBe(200);
    temp(600 * S, 99);
    temp(630 * S, 99);
    const alerts = alertsOf(ruleId);
    expect(alerts).toHaveLength(3);
    expect(workOrdersOf(ruleId)).toHaveLength(2);
    expect(alerts[2]!.work_order_id).not.toBe(woId);
  });

  it('when two raisers race for the same rule and subject (two batches, a restart mid-flush), then the second gets the first one’s alert and no second work order', async () => {
    const { raiseThresholdAlert } = await import('./actions.js');
    const rule = t.host.sqlite.prepare('SELECT * FROM telemetry_rules WHERE id = ?').get(ruleId) as { id: string };
    const row = (await import('../repo.js')).enabledRules(t.host.db).find((r) => r.id === rule.id)!;
    const reading = {
      orgId: w.orgId,
      deviceId: w.sensorId,
      assetId: w.assetId,
      vehicleId: null,
      metric: 'temperature',
      value: 99,
      unit: 'C',
      at: T0 + 700 * S,
    };
    const a = raiseThresholdAlert(t.host, row, { kind: 'asset', id: w.assetId }, reading, 99);
    const b = raiseThresholdAlert(t.host, row, { kind: 'asset', id: w.assetId }, reading, 99);
    expect(b.id).toBe(a.id);
    expect(alertsOf(ruleId)).toHaveLength(3);
    expect(workOrdersOf(ruleId)).toHaveLength(2);
  });

  it('when a rule that raised alerts is deleted, then 409 in_use (disable it instead)', async () => {
    const res = await api('DELETE', `/telemetry/rules/${ruleId}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('in_use');
  });

  it('when an alert is acknowledged, then who and when are kept, and acknowledging twice changes nothing', async () => {
    const [first] = (await api('GET', `/telemetry/alerts?ruleId=${ruleId}&state=active`)).body.items;
    const ack = await api('POST', `/telemetry/alerts/${first.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ acknowledgedBy: w.userId, acknowledgedAt: expect.any(String) });
    const again = await api('POST', `/telemetry/alerts/${first.id}/acknowledge`);
    expect(again.body.version).toBe(ack.body.version);
  });
});

describe('other threshold kinds', () => {
  it('when a value changes faster than the allowed rate per minute, then a rate_of_change rule fires', async () => {
    const rule = await must<{ id: string }>(
      api('POST', '/telemetry/rules', {
        name: 'Pressure jump',
        kind: 'rate_of_change',
        metric: 'pressure',
        assetId: w.assetId,
        threshold: 10,
      }),
    );
    const p = (at: number, v: number) => {
      w.source.metrics(w.sensorId, T0 + 3_600_000 + at, { pressure: v }, 'kPa');
      w.telemetry.flush();
    };
    p(0, 20);
    p(60 * S, 25); // 5/min
    expect(alertsOf(rule.id)).toEqual([]);
    p(90 * S, 35); // 20/min
    expect(alertsOf(rule.id)).toMatchObject([{ state: 'active', trigger_value: 20 }]);
  });

  it('when a value leaves a band, then an outside_band rule fires, and it clears only well inside the band', async () => {
    const rule = await must<{ id: string }>(
      api('POST', '/telemetry/rules', {
        name: 'Level',
        kind: 'outside_band',
        metric: 'level',
        assetId: w.assetId,
        low: 10,
        high: 20,
        hysteresis: 2,
      }),
    );
    const l = (at: number, v: number) => {
      w.source.metrics(w.sensorId, T0 + 7_200_000 + at, { level: v }, 'm');
      w.telemetry.flush();
    };
    l(0, 25);
    l(S, 19);
    expect(alertsOf(rule.id).map((a) => a.state)).toEqual(['active']);
    l(2 * S, 15);
    expect(alertsOf(rule.id).map((a) => a.state)).toEqual(['cleared']);
  });

  it('when a rule is incomplete or names another kind’s fields, then 400', async () => {
    expect((await api('POST', '/telemetry/rules', { name: 'x', kind: 'above', metric: 'temperature' })).body.errors[0].field).toBe(
      'body.threshold',
    );
    expect(
      (await api('POST', '/telemetry/rules', { name: 'y', kind: 'outside_band', metric: 'a', low: 5, high: 1 })).body.errors[0].field,
    ).toBe('body.high');
    expect((await api('POST', '/telemetry/rules', { name: 'z', kind: 'geofence_enter', opensWorkOrder: true })).status).toBe(400);
  });
});

describe('geofences', () => {
  it('when a vehicle enters and leaves a site, then its open work there gets vehicle_arrived / vehicle_left events, and an enter alert lasts while it is inside', async () => {
    const wo = await must<{ id: string }>(
      api('POST', '/work-orders', {
        title: 'Check pump',
        type: 'inspection',
        priority: 'medium',
        locationId: w.locationId,
        teamId: w.teamId,
      }),
    );
    const rule = await must<{ id: string }>(
      api('POST', '/telemetry/rules', {
        name: 'At pump station',
        kind: 'geofence_enter',
        vehicleId: w.vehicleId,
        locationId: w.locationId,
        hysteresis: 50,
      }),
    );
    const at = (s: number, north: number) => {
      // ~111 m per 0.001° of latitude
      w.source.position(w.gpsId, T0 + 10_800_000 + s * S, w.site.lat + north, w.site.lon);
      w.telemetry.flush();
    };
    const timeline = async () =>
      (await api('GET', `/work-orders/${wo.id}/events`)).body.items
        .map((e: { type: string }) => e.type)
        .filter((x: string) => x.startsWith('vehicle_'));
    at(0, 0.02); // 2 km away: only learns where the van is
    expect(await timeline()).toEqual([]);
    at(10, 0.0005); // ~55 m: inside
    expect(await timeline()).toEqual(['vehicle_arrived']);
    expect(alertsOf(rule.id).map((a) => a.state)).toEqual(['active']);
    at(20, 0.0012); // ~133 m: outside the radius but within the hysteresis
    expect(await timeline()).toEqual(['vehicle_arrived']);
    at(30, 0.003); // ~333 m: left
    expect(await timeline()).toEqual(['vehicle_arrived', 'vehicle_left']);
    expect(alertsOf(rule.id).map((a) => a.state)).toEqual(['cleared']);
  });

  it('when distances are computed, then they match known values', () => {
    expect(distanceM({ lat: 51.5, lon: -0.12 }, { lat: 51.501, lon: -0.12 })).toBeCloseTo(111.2, 0);
  });
});
