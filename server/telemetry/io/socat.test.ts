import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, describe, expect, it } from 'vitest';
import { pumpModbusSettings } from '../simulator/modbus-slave.js';
import { runSimulator, type SimulatorHandle } from '../simulator/runner.js';
import type { DeviceConfig, DeviceStatus, TelemetryFrame } from '../types.js';
import { DeviceManager } from './device-manager.js';
import { socatAvailable, startPtyPair, type PtyPair } from './socat.js';

const HAVE_SOCAT = socatAvailable();
if (!HAVE_SOCAT) console.warn('socat is not installed: skipping the pseudo-terminal integration test (apt-get install socat)');

function device(id: string, devicePath: string, protocol: DeviceConfig['protocol']): DeviceConfig {
  return {
    id,
    orgId: 'org',
    name: id,
    vendorId: null,
    productId: null,
    serialNumber: null,
    path: devicePath,
    protocol,
    serial: { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' },
    modbus: null,
    assetId: null,
    vehicleId: null,
    enabled: true,
    silenceAfterMs: 5000,
  };
}

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!HAVE_SOCAT)('serial over a real pseudo-terminal pair (socat)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-pty-'));
  const gpsA = path.join(dir, 'gpsA');
  const gpsB = path.join(dir, 'gpsB');
  const tA = path.join(dir, 'tempA');
  const tB = path.join(dir, 'tempB');
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the simulator writes GPS and temperature lines, then frames arrive; socat killed → disconnected; restarted → reading resumes on its own', async () => {
    let gpsPair: PtyPair = await startPtyPair(gpsA, gpsB);
    const tempPair = await startPtyPair(tA, tB);
    cleanups.push(
      () => gpsPair.kill(),
      () => tempPair.kill(),
    );
    const m = new DeviceManager({ portClass: SerialPort, backoffMinMs: 50, backoffMaxMs: 400, watchdogIntervalMs: 50 });
    cleanups.push(() => m.close());
    const frames: Array<{ id: string; frame: TelemetryFrame }> = [];
    m.onFrame((id, frame) => frames.push({ id, frame }));
    m.configure([device('gps', gpsB, 'nmea'), device('temp', tB, 'kv')]);
    const status = (id: string) => m.statuses().find((s) => s.deviceId === id) as DeviceStatus;

    const sims: SimulatorHandle[] = [
      runSimulator({ path: gpsA, profile: 'gps', rate: 20 }),
      runSimulator({ path: tA, profile: 'temperature', rate: 20, driftAfterS: 0 }),
    ];
    cleanups.push(() => Promise.all(sims.map((s) => s.stop())).then(() => undefined));
    const count = (id: string) => frames.filter((f) => f.id === id).length;
    await until(() => count('gps') >= 10 && count('temp') >= 10, 'frames from both simulators');
    expect(status('gps')).toMatchObject({ state: 'connected', path: gpsB });
    expect(frames.find((f) => f.id === 'gps')?.frame).toMatchObject({
      kind: 'position',
      lat: expect.closeTo(51.45, 1),
      lon: expect.closeTo(-2.6, 1),
    });
    expect(frames.find((f) => f.id === 'temp')?.frame).toMatchObject({
      kind: 'metrics',
      metrics: [
        { name: 'temperature', unit: 'C' },
        { name: 'humidity', unit: '%' },
      ],
    });

    await gpsPair.kill(); // the "unplug"
    await until(() => status('gps').state === 'disconnected', 'gps disconnected');
    expect(status('temp').state).toBe('connected');
    const before = count('gps');

    gpsPair = await startPtyPair(gpsA, gpsB); // the "replug", same link paths
    await until(() => count('gps') >= before + 10, 'gps frames after the replug');
    expect(status('gps')).toMatchObject({ state: 'connected', reconnects: 1 });
    expect(status('gps').rejected.checksum ?? 0).toBe(0);
  });

  it('when the simulator is a Modbus slave on the other end, then the pump registers are polled into metrics', async () => {
    const a = path.join(dir, 'mbA');
    const b = path.join(dir, 'mbB');
    const pair = await startPtyPair(a, b);
    cleanups.push(() => pair.kill());
    const sim = runSimulator({ path: a, profile: 'modbus', baudRate: 19200 });
    cleanups.push(() => sim.stop());
    const m = new DeviceManager({ portClass: SerialPort });
    cleanups.push(() => m.close());
    const frames: TelemetryFrame[] = [];
    m.onFrame((_id, f) => frames.push(f));
    m.configure([
      {
        ...device('pump', b, 'modbus'),
        serial: { baudRate: 19200, dataBits: 8, stopBits: 1, parity: 'none' },
        modbus: pumpModbusSettings(1, 50),
      },
    ]);
    await until(() => frames.length >= 3, 'three polls');
    const f = frames[0];
    expect(f?.kind === 'metrics' && Object.fromEntries(f.metrics.map((x) => [x.name, x.unit]))).toEqual({
      'pump.pressure': 'bar',
      'pump.flow': 'm3/h',
      'motor.current': 'A',
      'motor.temperature': '°C',
      'pump.run_hours': 'h',
    });
    expect(m.statuses()[0]).toMatchObject({ state: 'connected', errors: 0 });
    expect(sim.stats.requests).toBeGreaterThanOrEqual(6);
  });
});
