import { SerialPortMock } from 'serialport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceConfig, DeviceStatus } from '../types.js';
import { DeviceManager } from './device-manager.js';
import { RecordingPort } from './mock-port.js';

function kvDevice(id: string, path: string): DeviceConfig {
  return {
    id,
    orgId: 'org',
    name: id,
    vendorId: null,
    productId: null,
    serialNumber: null,
    path,
    protocol: 'kv',
    serial: { baudRate: 115200, dataBits: 8, stopBits: 1, parity: 'none' },
    modbus: null,
    assetId: null,
    vehicleId: null,
    enabled: true,
    silenceAfterMs: 60_000,
  };
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('backpressure', () => {
  let m: DeviceManager;
  beforeEach(() => RecordingPort.reset());
  afterEach(async () => {
    await m?.close();
    RecordingPort.reset();
  });
  const status = (id: string) => m.statuses().find((s) => s.deviceId === id) as DeviceStatus;

  it('when one device floods, then a quiet device on another port still gets its lines promptly and no flood line is lost', async () => {
    SerialPortMock.binding.createPort('/dev/flood', { maxReadSize: 65_536 });
    SerialPortMock.binding.createPort('/dev/quiet');
    m = new DeviceManager({ portClass: RecordingPort, listIntervalMs: 50, pauseAboveBytes: 256 * 1024 });
    const counts = new Map<string, number>();
    const quietLatency: number[] = [];
    m.onFrame((id, frame, receivedAt) => {
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (id === 'quiet' && frame.kind === 'metrics') quietLatency.push(performance.now() - (frame.metrics[0]?.value ?? 0));
      void receivedAt;
    });
    m.configure([kvDevice('flood', '/dev/flood'), kvDevice('quiet', '/dev/quiet')]);
    await until(() => status('flood').state === 'connected' && status('quiet').state === 'connected', 'both connected');

    const line = 'temperature=21.50C humidity=40.0% pressure=1013.2hPa flow=36.5m3/h\n';
    const block = Buffer.from(line.repeat(Math.floor((1024 * 1024) / line.length)));
    const linesPerBlock = block.length / line.length;
    const blocks = 24; // ~24 MB, ~340,000 lines in one burst
    const flood = RecordingPort.latest('/dev/flood');
    const t0 = performance.now();
    for (let i = 0; i < blocks; i++) flood.receive(block);
    const quiet = RecordingPort.latest('/dev/quiet');
    const ticker = setInterval(() => quiet.receive(`sent=${performance.now()}\n`), 10);
    await until(() => (counts.get('flood') ?? 0) === blocks * linesPerBlock, 'every flood line');
    clearInterval(ticker);
    const seconds = (performance.now() - t0) / 1000;
    const sorted = [...quietLatency].sort((a, b) => a - b);
    const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? NaN;
    console.log(
      `backpressure: flood ${blocks * linesPerBlock} lines (${blocks} MB) decoded in ${seconds.toFixed(2)} s (${Math.round((blocks * linesPerBlock) / seconds)} lines/s), ` +
        `quiet device ${sorted.length} lines meanwhile, latency p50 ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms p95 ${p95.toFixed(1)} ms max ${sorted.at(-1)?.toFixed(1)} ms, ` +
        `longest decoding round ${m.maxSliceMs.toFixed(1)} ms`,
    );
    expect(status('flood').rejected).toEqual({});
    expect(sorted.length).toBeGreaterThan(5);
    expect(p95).toBeLessThan(100);
    // Decoding the burst in one go would block the loop for the whole burst (seconds); a round is
    // bounded by its slice, plus whatever a GC pause adds on a busy machine.
    expect(m.maxSliceMs).toBeLessThan(Math.min(250, (seconds * 1000) / 5));
  });

  it('when a device floods past its cap with pausing off, then the oldest bytes are dropped and counted as overflow, and later lines decode', async () => {
    SerialPortMock.binding.createPort('/dev/flood', { maxReadSize: 65_536 });
    m = new DeviceManager({ portClass: RecordingPort, listIntervalMs: 50, pauseAboveBytes: Infinity, capBytes: 64 * 1024 });
    let frames = 0;
    let last: number | null = null;
    m.onFrame((_id, f) => {
      frames++;
      if (f.kind === 'metrics' && f.metrics[0]?.name === 'last') last = f.metrics[0].value;
    });
    m.configure([kvDevice('flood', '/dev/flood')]);
    await until(() => status('flood').state === 'connected', 'connected');
    const port = RecordingPort.latest('/dev/flood');
    const chunk = Buffer.from('a=1\n'.repeat(4096)); // 16 KiB
    for (let i = 0; i < 64; i++) port.receive(chunk);
    port.receive('last=42\n');
    await until(() => last === 42, 'the line after the flood');
    const s = status('flood');
    expect(s.rejected.overflow).toBeGreaterThan(0);
    expect(s.bytes).toBe(64 * chunk.length + 8);
    expect(frames).toBeLessThan(64 * 4096);
    expect(status('flood').lastRejection?.reason).toBe('overflow');
  });
});
