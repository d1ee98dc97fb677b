import { SerialPortMock } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { must } from '../fixtures.js';
import { DeviceManager } from '../io/device-manager.js';
import { RecordingPort } from '../io/mock-port.js';
import { startTelemetry, type TelemetryService } from '../runtime.js';

// The serial side and the data side together on a mock port: a device sending far more than its
// queue holds is held back (its bytes wait) instead of having frames dropped.

let t: TestHost;
let telemetry: TelemetryService;
let deviceId: string;
const QUEUE = 200;

beforeAll(async () => {
  RecordingPort.reset();
  SerialPortMock.binding.createPort('/dev/hold0');
  t = await startTestHost();
  const { token } = await t.setupOrg();
  const source = new DeviceManager({ portClass: RecordingPort, listIntervalMs: 50 });
  telemetry = t.services.telemetry = startTelemetry(t.host, source, { retentionIntervalMs: 0, queueLimitPerDevice: QUEUE, flushRows: 100 });
  ({ id: deviceId } = await must<{ id: string }>(
    t.api('POST', '/api/v1/telemetry/devices', { token, body: { name: 'Flooding sensor', path: '/dev/hold0', protocol: 'kv' } }),
  ));
  await until(() => source.statuses().some((s) => s.deviceId === deviceId && s.state === 'connected'), 'the device connected');
});
afterAll(async () => {
  await telemetry.close();
  await t.close();
  RecordingPort.reset();
});

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stored = () =>
  t.host.sqlite.prepare("SELECT count(*) FROM telemetry_readings WHERE device_id = ? AND metric = 'n'").pluck().get(deviceId) as number;

describe('backpressure from the data side to the port', () => {
  it('when a device sends 100 times its queue in one burst, then its port is held back, every line is stored in order, and nothing is dropped', async () => {
    const lines = QUEUE * 100;
    const port = RecordingPort.latest('/dev/hold0');
    let text = '';
    for (let i = 1; i <= lines; i++) text += `n=${i}\n`;
    // One burst, far faster than the store writes: without the hold the queue would overflow.
    for (let at = 0; at < text.length; at += 64 * 1024) port.receive(text.slice(at, at + 64 * 1024));
    const t0 = performance.now();
    await until(() => stored() === lines, `all ${lines} lines stored`);
    console.log(
      `hold: ${lines} lines in ${(performance.now() - t0).toFixed(0)} ms, ${telemetry.pipeline.stats.batches} batches, ${telemetry.pipeline.stats.holds} holds`,
    );

    const counters = telemetry.pipeline.countersOf(deviceId);
    expect(counters).toEqual({ stored: lines, invalid: 0, dropped: 0 });
    expect(telemetry.pipeline.stats.holds).toBeGreaterThan(0);
    expect(telemetry.pipeline.heldDevices).toBe(0);
    const status = telemetry.source.statuses().find((s) => s.deviceId === deviceId);
    expect(status?.rejected).toEqual({});
    // In order: ids follow the device's own sequence.
    const values = t.host.sqlite
      .prepare("SELECT value FROM telemetry_readings WHERE device_id = ? AND metric = 'n' ORDER BY id")
      .pluck()
      .all(deviceId);
    expect(values).toEqual(Array.from({ length: lines }, (_, i) => i + 1));
  });

  it('when /metrics is read, then stored rows, batches and refused frames are there', async () => {
    const res = await fetch(`${t.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/depotdesk_telemetry_rows_total\{table="telemetry_readings"\} [1-9]\d*/);
    expect(text).toMatch(/depotdesk_telemetry_batches_total [1-9]\d*/);
    expect(text).toMatch(/depotdesk_telemetry_queued_rows 0/);
    expect(text).toContain('depotdesk_telemetry_frames_refused_total');
  });
});
