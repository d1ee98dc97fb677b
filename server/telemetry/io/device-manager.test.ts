import { SerialPortMock } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nmeaSentence } from '../protocols/nmea.js';
import { createModbusSlave, pumpModbusSettings } from '../simulator/modbus-slave.js';
import type { DeviceConfig, DeviceStatus, TelemetryFrame } from '../types.js';
import { DeviceManager, type DeviceManagerOptions } from './device-manager.js';
import { RecordingPort, unplug } from './mock-port.js';

const RMC = `${nmeaSentence('GNRMC,120000.00,A,5127.0000,N,00235.0000,W,10.0,90.0,010126,,,A')}\r\n`;

function device(over: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    id: 'dev-1',
    orgId: 'org',
    name: 'GPS',
    vendorId: null,
    productId: null,
    serialNumber: null,
    path: null,
    protocol: 'nmea',
    serial: { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' },
    modbus: null,
    assetId: null,
    vehicleId: null,
    enabled: true,
    silenceAfterMs: 60_000,
    ...over,
  };
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('device manager (SerialPortMock)', () => {
  let m: DeviceManager;
  let frames: Array<{ id: string; frame: TelemetryFrame }>;
  let statuses: DeviceStatus[];
  const status = (id = 'dev-1') => m.statuses().find((s) => s.deviceId === id) as DeviceStatus;

  function start(over: Partial<DeviceManagerOptions> = {}) {
    m = new DeviceManager({
      portClass: RecordingPort,
      listIntervalMs: 20,
      watchdogIntervalMs: 10,
      statusIntervalMs: 10,
      backoffMinMs: 5,
      backoffMaxMs: 40,
      ...over,
    });
    m.onFrame((id, frame) => frames.push({ id, frame }));
    m.onStatus((s) => statuses.push(s));
  }

  beforeEach(() => {
    RecordingPort.reset();
    frames = [];
    statuses = [];
  });
  afterEach(async () => {
    await m?.close();
    RecordingPort.reset();
  });

  it('when a device is configured by vendor, product and serial number, then it is found in the port list, opened and decoded', async () => {
    SerialPortMock.binding.createPort('/dev/ttyUSB0', { vendorId: '1546', productId: '01A7' }); // serial number "1"
    start();
    m.configure([device({ vendorId: '1546', productId: '01a7', serialNumber: '1' })]);
    await until(() => status().state === 'connected', 'connected');
    expect(status().path).toBe('/dev/ttyUSB0');
    RecordingPort.latest('/dev/ttyUSB0').receive(RMC.slice(0, 20));
    RecordingPort.latest('/dev/ttyUSB0').receive(RMC.slice(20) + RMC);
    await until(() => frames.length === 2, 'two frames');
    expect(frames[0]).toMatchObject({ id: 'dev-1', frame: { kind: 'position', speedKmh: 18.52 } });
    expect(status()).toMatchObject({ frames: 2, bytes: RMC.length * 2, errors: 0 });
    expect(await m.listPorts()).toEqual([
      expect.objectContaining({ path: '/dev/ttyUSB0', vendorId: '1546', productId: '01a7', serialNumber: '1' }),
    ]);
  });

  it('when the device is unplugged mid-line and replugged on another path, then the partial is counted and reading resumes there', async () => {
    SerialPortMock.binding.createPort('/dev/ttyUSB0', { vendorId: '1546', productId: '01a7' });
    start();
    m.configure([device({ vendorId: '1546', productId: '01a7', serialNumber: '1', path: '/dev/ttyUSB0' })]);
    await until(() => status().state === 'connected', 'connected');
    RecordingPort.latest('/dev/ttyUSB0').receive(RMC + RMC.slice(0, 30));
    await until(() => frames.length === 1, 'first frame');
    unplug('/dev/ttyUSB0');
    await until(() => status().state === 'disconnected', 'disconnected');
    expect(status().rejected.malformed).toBe(1);
    expect(status().lastError).toMatch(/unplugged/);
    SerialPortMock.binding.createPort('/dev/ttyUSB3', { vendorId: '1546', productId: '01a7' }); // same serial "1"
    await until(() => status().state === 'connected', 'reconnected');
    expect(status()).toMatchObject({ path: '/dev/ttyUSB3', reconnects: 1 });
    RecordingPort.latest('/dev/ttyUSB3').receive(RMC);
    await until(() => frames.length === 2, 'frame after replug');
    expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['connected', 'disconnected']));
  });

  it('when a path-only device is missing, then opening is retried with backoff until it appears', async () => {
    start();
    m.configure([device({ path: '/tmp/ttyV0' })]);
    await until(() => status().lastError !== null, 'first failure');
    expect(status().state).toBe('disconnected');
    SerialPortMock.binding.createPort('/tmp/ttyV0');
    await until(() => status().state === 'connected', 'connected after retries');
    expect(status().reconnects).toBe(0);
  });

  it('when another device sits on the fallback path, then it is not opened as ours', async () => {
    SerialPortMock.binding.createPort('/dev/ttyUSB0', { vendorId: '0403', productId: '6001' });
    start();
    m.configure([device({ vendorId: '1546', productId: '01a7', serialNumber: 'X9', path: '/dev/ttyUSB0' })]);
    await m.listPorts();
    await until(() => status().lastError !== null, 'a reason');
    expect(status()).toMatchObject({ state: 'disconnected', path: null });
    expect(RecordingPort.instances).toEqual([]);
  });

  it('when no frame comes for silenceAfterMs, then the device is silent, and the next frame makes it connected again', async () => {
    SerialPortMock.binding.createPort('/dev/ttyS1');
    start();
    m.configure([device({ path: '/dev/ttyS1', silenceAfterMs: 40 })]);
    await until(() => status().state === 'connected', 'connected');
    await until(() => status().state === 'silent', 'silent');
    RecordingPort.latest('/dev/ttyS1').receive(RMC);
    await until(() => status().state === 'connected', 'connected again');
    expect(statuses.map((s) => s.state).filter((s, i, a) => s !== a[i - 1])).toEqual(['disconnected', 'connected', 'silent', 'connected']);
  });

  it('when the baud rate is wrong (garbage) and checksums are bad, then everything is counted and the device stays connected', async () => {
    SerialPortMock.binding.createPort('/dev/ttyS1');
    start();
    m.configure([device({ path: '/dev/ttyS1' })]);
    await until(() => status().state === 'connected', 'connected');
    const garbage = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 131 + 7) % 256));
    const port = RecordingPort.latest('/dev/ttyS1');
    port.receive(garbage);
    port.receive(`\n${RMC.replace(/\*..\r/, '*00\r')}${RMC}`);
    await until(() => frames.length === 1, 'the good sentence');
    const s = status();
    expect(s.state).toBe('connected');
    expect((s.rejected.binary ?? 0) + (s.rejected.overlong ?? 0)).toBeGreaterThan(0);
    expect(s.rejected.checksum).toBe(1);
    expect(s.lastRejection?.reason).toBe('checksum');
  });

  it('when a device is disabled or removed, then its port is closed and it reads nothing more', async () => {
    SerialPortMock.binding.createPort('/dev/ttyS1');
    start();
    m.configure([device({ path: '/dev/ttyS1' })]);
    await until(() => status().state === 'connected', 'connected');
    const port = RecordingPort.latest('/dev/ttyS1');
    m.configure([device({ path: '/dev/ttyS1', enabled: false })]);
    expect(status().state).toBe('disabled');
    await until(() => !port.isOpen, 'port closed');
    m.configure([]);
    expect(m.statuses()).toEqual([]);
  });

  it('when two Modbus devices share one port, then one bus polls both and each gets its metrics', async () => {
    SerialPortMock.binding.createPort('/dev/ttyRS485');
    const slaves = new Map([1, 2].map((u) => [u, createModbusSlave({ unitId: u, seed: u })]));
    RecordingPort.responder = (_path, data) => [...slaves.values()].flatMap((s) => s.onData(data));
    start();
    const modbus = (id: string, unitId: number): DeviceConfig =>
      device({ id, protocol: 'modbus', path: '/dev/ttyRS485', modbus: pumpModbusSettings(unitId, 30) });
    m.configure([modbus('pump-1', 1), modbus('pump-2', 2)]);
    await until(() => new Set(frames.map((f) => f.id)).size === 2 && frames.length >= 4, 'frames from both pumps');
    expect(RecordingPort.instances).toHaveLength(1);
    expect(status('pump-1')).toMatchObject({ state: 'connected', errors: 0 });
    expect(status('pump-2')).toMatchObject({ state: 'connected', errors: 0 });
    const f = frames.find((x) => x.id === 'pump-2')?.frame;
    expect(f?.kind === 'metrics' && f.metrics.find((x) => x.name === 'pump.run_hours')?.value).toBe(12_345);
  });
});
