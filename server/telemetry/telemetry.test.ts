import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { expectRoleMatrix, roleTokens, secondOrg } from '../people/fixtures.js';
import type { Role } from '../../db/schema/index.js';
import { must, telemetryWorld, type World } from './fixtures.js';
import type { TelemetryFrame } from './types.js';

let t: TestHost;
let w: World;
let tokens: Record<Role, string>;
const T0 = Date.parse('2026-11-16T08:00:00Z');

beforeAll(async () => {
  t = await startTestHost();
  w = await telemetryWorld(t);
  tokens = await roleTokens(t, w.token, 'tel');
});
afterAll(async () => {
  await w.telemetry.close();
  await t.close();
});

const api = (method: string, url: string, body?: unknown, token = w.token) => t.api(method, `/api/v1${url}`, { token, body });

describe('telemetry devices', () => {
  it('when a device is created, then the serial side is reconfigured with it, and it is listed with its live state and counters', async () => {
    const configured = w.source.configured.map((d) => d.id);
    expect(configured).toEqual(expect.arrayContaining([w.sensorId, w.gpsId]));
    const sensor = w.source.configured.find((d) => d.id === w.sensorId)!;
    expect(sensor).toMatchObject({
      orgId: w.orgId,
      protocol: 'kv',
      assetId: w.assetId,
      enabled: true,
      serial: { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' },
    });

    w.source.metrics(w.sensorId, T0, { temperature: 40 }, 'C');
    w.telemetry.flush();
    const list = await api('GET', '/telemetry/devices');
    expect(list.status).toBe(200);
    const item = list.body.items.find((d: { id: string }) => d.id === w.sensorId);
    expect(item.status).toMatchObject({ state: 'connected', frames: 1, lastFrameAt: new Date(T0).toISOString() });
    expect(item.pipeline).toEqual({ stored: 1, invalid: 0, dropped: 0 });
    const audit = t.host.sqlite
      .prepare("SELECT count(*) AS n FROM audit_log WHERE entity = 'telemetry_devices' AND entity_id = ?")
      .get(w.sensorId) as { n: number };
    expect(audit.n).toBe(1);
  });

  it('when a device is disabled, then the serial side is told (and shows it disabled)', async () => {
    const extra = await must<{ id: string; version: number }>(
      api('POST', '/telemetry/devices', { name: 'Spare', path: '/tmp/ttyB', protocol: 'json' }),
    );
    const res = await t.api('PATCH', `/api/v1/telemetry/devices/${extra.id}`, {
      token: w.token,
      body: { enabled: false },
      headers: { 'if-match': '"1"' },
    });
    expect(res.status).toBe(200);
    expect(w.source.configured.find((d) => d.id === extra.id)?.enabled).toBe(false);
    expect((await api('GET', `/telemetry/devices/${extra.id}`)).body.status.state).toBe('disabled');
  });

  it("when a device is bound to another org's asset, then 422, and another org's device is a 404", async () => {
    const other = await secondOrg(t);
    const theirAsset = await must<{ id: string }>(
      t.api('POST', '/api/v1/assets', { token: other.token, body: { tag: 'X-1', name: 'Theirs', category: 'pump' } }),
    );
    const res = await api('POST', '/telemetry/devices', { name: 'Sneaky', path: '/dev/ttyS9', protocol: 'kv', assetId: theirAsset.id });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: 'body.assetId', message: 'no such asset in this organization' }]);
    expect((await api('GET', `/telemetry/devices/${w.sensorId}`, undefined, other.token)).status).toBe(404);
    expect((await t.api('PATCH', `/api/v1/telemetry/devices/${w.sensorId}`, { token: other.token, body: { enabled: false } })).status).toBe(
      404,
    );
    expect((await api('GET', `/assets/${w.assetId}/telemetry/latest`, undefined, other.token)).status).toBe(404);
  });

  it('when device settings contradict each other, then 400 with the fields named', async () => {
    const gpsOnAsset = await api('POST', '/telemetry/devices', { name: 'Odd', path: '/dev/x', protocol: 'nmea', assetId: w.assetId });
    expect(gpsOnAsset.status).toBe(400);
    expect(gpsOnAsset.body.errors[0].field).toBe('body.assetId');
    const modbus = await api('POST', '/telemetry/devices', { name: 'Bus', path: '/dev/y', protocol: 'modbus' });
    expect(modbus.body.errors[0].field).toBe('body.modbus');
    const nowhere = await api('POST', '/telemetry/devices', { name: 'Nowhere', protocol: 'kv' });
    expect(nowhere.body.errors[0].field).toBe('body.path');
    const unknownKey = await api('POST', '/telemetry/devices', { name: 'K', path: '/dev/z', protocol: 'kv', baud: 9600 });
    expect(unknownKey.status).toBe(400);
  });

  it('when the ports are listed, then each shows which configured device owns it', async () => {
    w.source.ports = [
      { path: '/dev/ttyACM0', vendorId: '1546', productId: '01a7', serialNumber: 'G1', manufacturer: 'u-blox' },
      { path: '/dev/ttyUSB7', vendorId: '0403', productId: '6001', serialNumber: 'FT1', manufacturer: 'FTDI' },
    ];
    const res = await api('GET', '/telemetry/ports');
    expect(res.body).toEqual({
      serial: true,
      items: [
        expect.objectContaining({ path: '/dev/ttyACM0', deviceId: w.gpsId }),
        expect.objectContaining({ path: '/dev/ttyUSB7', deviceId: null }),
      ],
    });
  });
});

describe('readings and positions', () => {
  it('when frames arrive, then raw readings, minute and hour roll-ups and the latest values can be read back', async () => {
    const base = T0 + 3_600_000; // 09:00
    // 3 minutes, 4 readings a minute: 10, 20, 30, 40 (+ minute × 100)
    for (let m = 0; m < 3; m++)
      for (let i = 0; i < 4; i++) w.source.metrics(w.sensorId, base + m * 60_000 + i * 15_000, { pressure: m * 100 + (i + 1) * 10 }, 'kPa');
    w.telemetry.flush();
    const q = (extra: string) =>
      api('GET', `/telemetry/readings?assetId=${w.assetId}&metric=pressure&from=${new Date(base).toISOString()}&${extra}`);
    const raw = await q(`to=${new Date(base + 180_000).toISOString()}`);
    expect(raw.status).toBe(200);
    expect(raw.body.resolution).toBe('raw');
    expect(raw.body.unit).toBe('kPa');
    expect(raw.body.points.map((p: { value: number }) => p.value)).toEqual([10, 20, 30, 40, 110, 120, 130, 140, 210, 220, 230, 240]);

    const minute = await q(`to=${new Date(base + 180_000).toISOString()}&resolution=minute`);
    expect(minute.body.points).toEqual([
      { at: new Date(base).toISOString(), value: 25, min: 10, max: 40, count: 4, last: 40 },
      { at: new Date(base + 60_000).toISOString(), value: 125, min: 110, max: 140, count: 4, last: 140 },
      { at: new Date(base + 120_000).toISOString(), value: 225, min: 210, max: 240, count: 4, last: 240 },
    ]);
    // A day's range picks minute roll-ups; a month's picks hours.
    const day = await q(`to=${new Date(base + 86_400_000).toISOString()}`);
    expect(day.body.resolution).toBe('minute');
    const month = await q(`to=${new Date(base + 30 * 86_400_000).toISOString()}`);
    expect(month.body).toMatchObject({
      resolution: 'hour',
      points: [{ at: new Date(base).toISOString(), count: 12, min: 10, max: 240, last: 240, value: 125 }],
    });

    const latest = await api('GET', `/assets/${w.assetId}/telemetry/latest`);
    expect(latest.body.items).toEqual(
      expect.arrayContaining([
        { metric: 'pressure', value: 240, unit: 'kPa', at: new Date(base + 2 * 60_000 + 45_000).toISOString(), deviceId: w.sensorId },
      ]),
    );
  });

  it('when a readings query is malformed, then 400 naming the problem', async () => {
    const res = await api('GET', `/telemetry/readings?metric=pressure&from=2026-11-16T09:00:00Z&to=2026-11-16T08:00:00Z`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toMatch(/exactly one of assetId/);
  });

  it('when GPS fixes arrive, then the latest position and the track are served', async () => {
    const base = T0 + 2 * 3_600_000;
    for (let i = 0; i < 5; i++) w.source.position(w.gpsId, base + i * 1000, 51.6 + i * 0.001, -0.2);
    w.telemetry.flush();
    const latest = await api('GET', '/vehicles/positions/latest');
    expect(latest.body.items).toEqual([
      expect.objectContaining({
        vehicleId: w.vehicleId,
        deviceId: w.gpsId,
        lat: 51.604,
        lon: -0.2,
        at: new Date(base + 4000).toISOString(),
        fixQuality: 1,
      }),
    ]);
    const track = await api(
      'GET',
      `/vehicles/${w.vehicleId}/track?from=${new Date(base).toISOString()}&to=${new Date(base + 3000).toISOString()}`,
    );
    expect(track.body.items.map((p: { lat: number }) => p.lat.toFixed(3))).toEqual(['51.600', '51.601', '51.602']);
    expect(track.body.truncated).toBe(false);
  });

  it('when frames are invalid or name an unknown device, then they are counted, not stored', async () => {
    const stats = () => w.telemetry.pipeline.stats;
    const before = { ...stats() };
    const bad: unknown[] = [
      { kind: 'metrics', at: T0, metrics: [{ name: 'temperature', value: Number.NaN, unit: 'C' }] },
      { kind: 'metrics', at: T0, metrics: [{ name: 'Bad Name!', value: 1, unit: null }] },
      { kind: 'metrics', at: T0, metrics: [] },
      {
        kind: 'position',
        at: T0,
        lat: 123,
        lon: 0,
        speedKmh: null,
        headingDeg: null,
        fixQuality: 1,
        satellites: null,
        hdop: null,
        altitudeM: null,
      },
      { kind: 'weather', at: T0 },
      { kind: 'metrics', at: T0 + 2 * 86_400_000, metrics: [{ name: 'temperature', value: 20, unit: 'C' }] }, // receiver clock 2 days ahead
    ];
    for (const f of bad) w.source.emit(w.sensorId, f as TelemetryFrame, T0);
    w.source.metrics('0190a0a0-0000-7000-8000-000000000000', T0, { temperature: 1 });
    w.telemetry.flush();
    expect(stats().invalid - before.invalid).toBe(6);
    expect(stats().unknownDevice - before.unknownDevice).toBe(1);
    expect(stats().stored).toBe(before.stored);
    const status = await api('GET', '/telemetry/status');
    expect(status.body.pipeline.invalid).toBe(stats().invalid);
    expect(status.body.devices.map((d: { deviceId: string }) => d.deviceId)).toContain(w.sensorId);
  });
});

describe('settings and permissions', () => {
  it('when the API is described, then every telemetry endpoint is in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    for (const p of [
      '/telemetry/devices',
      '/telemetry/devices/{id}',
      '/telemetry/ports',
      '/telemetry/status',
      '/telemetry/readings',
      '/assets/{id}/telemetry/latest',
      '/vehicles/positions/latest',
      '/vehicles/{id}/track',
      '/telemetry/rules',
      '/telemetry/rules/{id}',
      '/telemetry/alerts',
      '/telemetry/alerts/{id}/acknowledge',
      '/telemetry/settings',
    ]) {
      expect(Object.keys(doc.paths)).toContain(`/api/v1${p}`);
    }
  });

  it('when retention is changed, then it is versioned and keeps raw ≤ minute ≤ hour', async () => {
    const first = await api('GET', '/telemetry/settings');
    expect(first.body).toMatchObject({ rawRetentionDays: 30, minuteRetentionDays: 90, hourRetentionDays: 730, version: 0 });
    const put = await t.api('PUT', '/api/v1/telemetry/settings', {
      token: w.token,
      body: { rawRetentionDays: 7 },
      headers: { 'if-match': '"0"' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ rawRetentionDays: 7, version: 1 });
    const stale = await t.api('PUT', '/api/v1/telemetry/settings', {
      token: w.token,
      body: { rawRetentionDays: 8 },
      headers: { 'if-match': '"0"' },
    });
    expect(stale.status).toBe(409);
    const wrongOrder = await api('PUT', '/telemetry/settings', { rawRetentionDays: 100 });
    expect(wrongOrder.status).toBe(400);
  });

  it('when each role reads telemetry, manages devices or edits rules, then only the intended roles may', async () => {
    await expectRoleMatrix(tokens, ['admin', 'dispatcher', 'supervisor', 'viewer'], (token) =>
      api('GET', `/assets/${w.assetId}/telemetry/latest`, undefined, token),
    );
    await expectRoleMatrix(tokens, ['admin'], (token, role) =>
      api('POST', '/telemetry/devices', { name: `Dev ${role}`, path: `/dev/${role}`, protocol: 'kv' }, token),
    );
    await expectRoleMatrix(tokens, ['admin', 'supervisor'], (token, role) =>
      api(
        'POST',
        '/telemetry/rules',
        { name: `Hot ${role}`, kind: 'above', metric: 'temperature', assetId: w.assetId, threshold: 80 },
        token,
      ),
    );
  });
});
