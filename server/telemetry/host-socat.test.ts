import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadConfig } from '../config.js';
import { startHost, type RunningHost } from '../start.js';
import type { AlertDto, DeviceDto } from './contract.js';
import { socatAvailable, startPtyPair, type PtyPair } from './io/socat.js';
import { runSimulator, type SimulatorHandle } from './simulator/runner.js';

/**
 * The issue's end-to-end evidence, on a real host with its real serial side (the default
 * DeviceManager over `serialport`) and real pseudo-terminal pairs from socat: the simulator writes
 * GPS and temperature lines, the host stores them, a rule opens exactly one work order, and an
 * "unplug" (socat killed) and "replug" (socat restarted on the same link paths) recover on their own.
 */

const HAVE_SOCAT = socatAvailable();
if (!HAVE_SOCAT) console.warn('socat is not installed: skipping the host-level pseudo-terminal test (apt-get install socat)');

interface Point {
  at: string;
  value: number;
}

let running: RunningHost;
let dir: string;
let token: string;
const cleanups: Array<() => Promise<unknown> | void> = [];

async function call<T = unknown>(method: string, url: string, body?: unknown, expected = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await fetch(`${running.url}/api/v1${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${method} ${url}: expected ${expected}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Polls `probe` until it returns a value (not undefined/false) or the deadline passes. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!HAVE_SOCAT) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-host-socat-'));
  const config = loadConfig(['--data-dir', path.join(dir, 'data'), '--port', '0', '--no-lan', '--log-level', 'silent'], {});
  expect(config.serial).toBe(true);
  running = await startHost(config, { quiet: true });
  const setup = await call<{ token: string }>('POST', '/setup', {
    setupCode: running.setupCode,
    organization: { name: 'Bristol Water Depot', timeZone: 'Europe/London' },
    admin: { name: 'Ada Admin', email: 'admin@example.test', password: 'correct horse battery' },
  });
  token = setup.token;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await running?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_SOCAT)('a depot host reading sensors and GPS over real pseudo-terminals (socat)', () => {
  it(
    'when the simulator streams GPS and a drifting temperature, then readings and positions are stored, the rule opens exactly one work order, and reading resumes after an unplug and replug',
    { timeout: 180_000 },
    async () => {
      const link = {
        gpsA: path.join(dir, 'gpsA'),
        gpsB: path.join(dir, 'gpsB'),
        tempA: path.join(dir, 'tempA'),
        tempB: path.join(dir, 'tempB'),
      };
      let gpsPair: PtyPair = await startPtyPair(link.gpsA, link.gpsB);
      let tempPair: PtyPair = await startPtyPair(link.tempA, link.tempB);
      cleanups.push(
        () => gpsPair.kill(),
        () => tempPair.kill(),
      );

      const location = await call<{ id: string }>('POST', '/locations', {
        code: 'PS1',
        name: 'Pump station 1',
        lat: 51.45,
        lon: -2.59,
        geofenceRadiusM: 100,
      });
      const asset = await call<{ id: string }>('POST', '/assets', {
        tag: 'P-1',
        name: 'Pump 1',
        category: 'pump',
        locationId: location.id,
      });
      const team = await call<{ id: string }>('POST', '/teams', { name: 'Crew A' });
      const vehicle = await call<{ id: string }>('POST', '/vehicles', { callSign: 'V1', kind: 'van', teamId: team.id });
      const template = await call<{ id: string }>('POST', '/task-templates', {
        name: 'Pump overheating',
        type: 'corrective',
        priority: 'high',
        durationMin: 90,
      });
      const sensor = await call<DeviceDto>('POST', '/telemetry/devices', {
        name: 'Pump sensor',
        path: link.tempB,
        protocol: 'kv',
        assetId: asset.id,
      });
      const gps = await call<DeviceDto>('POST', '/telemetry/devices', {
        name: 'Van GPS',
        path: link.gpsB,
        protocol: 'nmea',
        vehicleId: vehicle.id,
      });
      const rule = await call<{ id: string }>('POST', '/telemetry/rules', {
        name: 'Pump too hot',
        kind: 'above',
        metric: 'temperature',
        assetId: asset.id,
        threshold: 80,
        hysteresis: 2,
        minDurationMs: 10_000,
        opensWorkOrder: true,
        templateId: template.id,
      });

      // A console's view of the stream: the live messages on /ws.
      const live: Array<{ type: string; data: { assetId?: string; vehicleId?: string; metrics?: Record<string, { value: number }> } }> = [];
      const ws = new WebSocket(`${running.url.replace('http', 'ws')}/ws`, [`depotdesk.bearer.${token}`]);
      ws.on('message', (raw) => live.push(JSON.parse(String(raw)) as (typeof live)[number]));
      cleanups.push(() => ws.close());
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

      // 78 °C, climbing 0.25 °C/s from the start: past 80 after ~8 s, then held there up to 95.
      const startedAt = Date.now();
      const sims: SimulatorHandle[] = [
        runSimulator({ path: link.gpsA, profile: 'gps', rate: 5, seed: 11 }),
        runSimulator({ path: link.tempA, profile: 'temperature', rate: 5, driftAfterS: 0, baseC: 78, seed: 12 }),
      ];
      cleanups.push(() => Promise.all(sims.map((s) => s.stop())));

      const temps = (from: number, to = Date.now() + 60_000) =>
        call<{ points: Point[]; unit: string | null; resolution: string }>(
          'GET',
          `/telemetry/readings?assetId=${asset.id}&metric=temperature&resolution=raw&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`,
        );
      const devices = async () => (await call<{ items: DeviceDto[] }>('GET', '/telemetry/devices')).items;
      const deviceById = async (id: string) => (await devices()).find((d) => d.id === id)!;

      // Readings stored through the real serial side and the pipeline.
      const first = await until('10 stored temperature readings', async () => {
        const r = await temps(startedAt - 60_000);
        return r.points.length >= 10 && r;
      });
      expect(first.unit).toBe('C');
      expect(first.points[0]!.value).toBeGreaterThan(70);
      const positions = await until('a stored position of the van', async () => {
        const latest = await call<{ items: Array<{ vehicleId: string; deviceId: string; lat: number; lon: number }> }>(
          'GET',
          '/vehicles/positions/latest',
        );
        return latest.items.find((p) => p.vehicleId === vehicle.id);
      });
      expect(positions).toMatchObject({ deviceId: gps.id, lat: expect.closeTo(51.45, 1), lon: expect.closeTo(-2.6, 1) });
      expect(await deviceById(sensor.id)).toMatchObject({ status: { state: 'connected', path: link.tempB } });
      await until(
        'live telemetry and vehicle_position messages',
        async () =>
          live.some((m) => m.type === 'telemetry' && m.data.assetId === asset.id && m.data.metrics?.temperature) &&
          live.some((m) => m.type === 'vehicle_position' && m.data.vehicleId === vehicle.id),
      );

      // The rule holds 10 s above 80, then fires once, with a corrective work order from the template.
      const alert = await until(
        'the rule to fire',
        async () => (await call<{ items: AlertDto[] }>('GET', `/telemetry/alerts?ruleId=${rule.id}`)).items.find((a) => a.workOrderId),
        60_000,
      );
      expect(alert).toMatchObject({ state: 'active', assetId: asset.id, metric: 'temperature' });
      expect(alert.triggerValue).toBeGreaterThan(80);
      const raisedAt = Date.parse(alert.raisedAt);
      // Every reading in the 10 s before it fired was above the limit: the minimum duration held.
      const window = await temps(raisedAt - 10_000, raisedAt + 1);
      expect(window.points.length).toBeGreaterThanOrEqual(30);
      expect(window.points.every((p) => p.value > 80)).toBe(true);

      const wo = await call<{ id: string; type: string; templateId: string; assetId: string; locationId: string; description: string }>(
        'GET',
        `/work-orders/${alert.workOrderId}`,
      );
      expect(wo).toMatchObject({ type: 'corrective', templateId: template.id, assetId: asset.id, locationId: location.id });
      expect(wo.description).toContain(`temperature = ${alert.triggerValue} C`);
      const events = await call<{ items: Array<{ type: string; data: { reading?: { value: number; deviceId: string } } }> }>(
        'GET',
        `/work-orders/${wo.id}/events`,
      );
      expect(events.items.find((e) => e.type === 'telemetry_alert')?.data.reading).toMatchObject({
        value: alert.triggerValue,
        deviceId: sensor.id,
      });

      // Still hot for a good while longer: no second alert, no second work order.
      const hotReadings = await until('25 more readings above the limit', async () => {
        const r = await temps(raisedAt + 1);
        return r.points.length >= 25 && r;
      });
      expect(hotReadings.points.every((p) => p.value > 80)).toBe(true);
      const workOrdersOfAsset = async () =>
        (await call<{ items: Array<{ id: string }> }>('GET', `/work-orders?assetId=${asset.id}&limit=50`)).items.map((w) => w.id);
      expect(await workOrdersOfAsset()).toEqual([wo.id]);
      expect((await call<{ items: AlertDto[] }>('GET', `/telemetry/alerts?ruleId=${rule.id}`)).items).toHaveLength(1);

      // Unplug: socat killed, both ports vanish.
      await Promise.all([gpsPair.kill(), tempPair.kill()]);
      const unplugged = await until('both devices disconnected', async () => {
        const list = await devices();
        const both = list.filter((d) => d.id === sensor.id || d.id === gps.id);
        return both.every((d) => d.status?.state === 'disconnected') && both;
      });
      expect(unplugged.map((d) => d.status?.lastError)).not.toContain(null);
      const framesBefore = (await deviceById(sensor.id)).status!.frames;

      // Replug on the same link paths: the host reopens by itself, the simulators resume writing.
      const replugAt = Date.now();
      gpsPair = await startPtyPair(link.gpsA, link.gpsB);
      tempPair = await startPtyPair(link.tempA, link.tempB);
      await until(
        'both devices connected again',
        async () => {
          const list = await devices();
          return [sensor.id, gps.id].every((id) => list.find((d) => d.id === id)?.status?.state === 'connected');
        },
        30_000,
      );
      const resumed = await until('new readings after the replug', async () => {
        const r = await temps(replugAt);
        return r.points.length >= 5 && r;
      });
      expect(resumed.points.every((p) => Date.parse(p.at) >= replugAt)).toBe(true);
      await until('a new position after the replug', async () => {
        const latest = await call<{ items: Array<{ vehicleId: string; at: string }> }>('GET', '/vehicles/positions/latest');
        const p = latest.items.find((x) => x.vehicleId === vehicle.id);
        return p && Date.parse(p.at) >= replugAt;
      });
      const after = await deviceById(sensor.id);
      expect(after.status!.reconnects).toBeGreaterThanOrEqual(1);
      expect(after.status!.frames).toBeGreaterThan(framesBefore);
      expect((await deviceById(gps.id)).status!.rejected.checksum ?? 0).toBe(0);
      // Still hot after the replug, and still the one work order.
      expect(await workOrdersOfAsset()).toEqual([wo.id]);
      expect(sims.every((s) => s.stats.opens >= 2)).toBe(true);
    },
  );
});
