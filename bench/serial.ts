import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { createStreamDecoder, type StreamProtocol } from '../server/telemetry/protocols/index.js';
import { buildReadRequest, parseReadResponse } from '../server/telemetry/protocols/modbus.js';
import { createGpsProfile } from '../server/telemetry/simulator/gps.js';
import { createModbusSlave } from '../server/telemetry/simulator/modbus-slave.js';
import { createTemperatureProfile } from '../server/telemetry/simulator/temperature.js';
import type { DeviceConfig } from '../server/telemetry/types.js';
import { DeviceManager } from '../server/telemetry/io/device-manager.js';
import { socatAvailable, startPtyPair, type PtyPair } from '../server/telemetry/io/socat.js';

/**
 * Serial-side figures for `npm run bench`: decoder throughput per protocol (in memory), and a run
 * over N socat pseudo-terminal pairs with a writer process per run pushing GPS sentences, once as
 * fast as the ports take them (sustained frames/s) and once at a realistic paced rate (CPU per
 * port, receive → frame delay).
 */

export interface Row {
  metric: string;
  value: string;
  target: string;
  pass: boolean | null;
}

export interface BenchSerialOptions {
  ports?: number;
  /** Seconds per pseudo-terminal run. */
  durationS?: number;
  /** Lines per second per port in the paced run. */
  pacedRate?: number;
  log?: (line: string) => void;
}

const START = Date.UTC(2026, 0, 1);

function sampleText(protocol: StreamProtocol | 'gps', lines: number): Buffer {
  const out: string[] = [];
  if (protocol === 'nmea' || protocol === 'gps') {
    const gps = createGpsProfile({ seed: 5 });
    for (let i = 0; out.length < lines; i++) out.push(...gps.next(START + i * 1000));
  } else if (protocol === 'csv') {
    out.push('time,temperature[°C],humidity[%],flow[m3/h]');
    for (let i = 0; i < lines; i++)
      out.push(`${START + i},${(20 + (i % 50) / 10).toFixed(2)},${40 + (i % 7)},${(36.5 + (i % 13) / 10).toFixed(1)}`);
  } else {
    const t = createTemperatureProfile({ seed: 9, format: protocol === 'json' ? 'json' : 'kv' });
    for (let i = 0; i < lines; i++) out.push(t.next(START + i * 1000, i));
  }
  return Buffer.from(`${out.join('\r\n')}\r\n`);
}

function decodeThroughput(): Row[] {
  const rows: Row[] = [];
  for (const protocol of ['nmea', 'json', 'kv', 'csv'] as const) {
    const text = sampleText(protocol, 20_000);
    createStreamDecoder(protocol).push(text, START); // warm-up: measure optimised code
    let frames = 0;
    let bytes = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      const d = createStreamDecoder(protocol);
      for (let i = 0; i < text.length; i += 4096) frames += d.push(text.subarray(i, i + 4096), START).frames.length;
      bytes += text.length;
    }
    const s = (performance.now() - t0) / 1000;
    rows.push({
      metric: `decode ${protocol} (in memory, 4 KiB chunks)`,
      value: `${Math.round(frames / s).toLocaleString('en')} frames/s (${(bytes / s / 1e6).toFixed(1)} MB/s)`,
      target: '',
      pass: null,
    });
  }
  const req = { unitId: 1, fn: 3 as const, address: 0, count: 5 };
  const slave = createModbusSlave({ unitId: 1 });
  const response = slave.onData(buildReadRequest(req))[0] as Buffer;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500) for (let i = 0; i < 1000; i++, n++) parseReadResponse(req, response);
  rows.push({
    metric: 'decode Modbus read response (5 registers)',
    value: `${Math.round(n / ((performance.now() - t0) / 1000)).toLocaleString('en')} responses/s`,
    target: '',
    pass: null,
  });
  return rows;
}

/** A child process writing `block` repeatedly into every path: as fast as possible, or `rate` lines/s. */
const WRITER = `
import fs from 'node:fs';
import { SerialPort } from 'serialport';
const [paths, blockFile, rate, lineLen] = [process.argv[1].split(','), process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const block = fs.readFileSync(blockFile);
for (const p of paths) {
  const port = new SerialPort({ path: p, baudRate: 115200 });
  port.on('error', () => {});
  let offset = 0;
  const pump = () => {
    while (port.write(block)) {}
    port.once('drain', pump);
  };
  port.on('open', () => {
    if (rate <= 0) return pump();
    // Paced: every 100 ms, rate/10 lines' worth of bytes.
    const perTick = Math.max(1, Math.round(rate / 10)) * lineLen;
    setInterval(() => {
      const end = offset + perTick;
      port.write(block.subarray(offset, Math.min(end, block.length)));
      offset = end >= block.length ? 0 : end;
    }, 100);
  });
}
`;

function device(i: number, p: string): DeviceConfig {
  return {
    id: `bench-${i}`,
    orgId: 'bench',
    name: `bench ${i}`,
    vendorId: null,
    productId: null,
    serialNumber: null,
    path: p,
    protocol: 'nmea',
    serial: { baudRate: 115200, dataBits: 8, stopBits: 1, parity: 'none' },
    modbus: null,
    assetId: null,
    vehicleId: null,
    enabled: true,
    silenceAfterMs: 10_000,
  };
}

async function ptyRun(
  pairs: PtyPair[],
  blockFile: string,
  lineLen: number,
  rate: number,
  durationS: number,
): Promise<{ frames: number[]; cpuMs: number; seconds: number; delays: number[]; rejected: number; noFix: number }> {
  const m = new DeviceManager({ portClass: SerialPort });
  const frames = pairs.map(() => 0);
  const delays: number[] = [];
  let measuring = false;
  m.onFrame((id, _f, receivedAt) => {
    if (!measuring) return;
    frames[Number(id.slice(6))]!++;
    if (delays.length < 200_000) delays.push(Date.now() - receivedAt);
  });
  m.configure(pairs.map((p, i) => device(i, p.b)));
  const writer = spawn(
    process.execPath,
    ['--input-type=module', '-e', WRITER, pairs.map((p) => p.a).join(','), blockFile, String(rate), String(lineLen)],
    { stdio: 'ignore', cwd: process.cwd() },
  );
  try {
    // Warm up for a second, then measure.
    await new Promise((r) => setTimeout(r, 1000));
    measuring = true;
    const errors0 = m.statuses().reduce((n, s) => n + s.errors, 0);
    const noFix0 = m.statuses().reduce((n, s) => n + (s.rejected.nofix ?? 0), 0);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, durationS * 1000));
    const cpu = process.cpuUsage(cpu0);
    measuring = false;
    const statuses = m.statuses();
    const rejected = statuses.reduce((n, s) => n + s.errors, 0) - errors0;
    const noFix = statuses.reduce((n, s) => n + (s.rejected.nofix ?? 0), 0) - noFix0;
    return { frames, cpuMs: (cpu.user + cpu.system) / 1000, seconds: (performance.now() - t0) / 1000, delays, rejected, noFix };
  } finally {
    writer.kill('SIGKILL');
    await m.close();
  }
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export async function benchSerial(opts: BenchSerialOptions = {}): Promise<Row[]> {
  const log = opts.log ?? (() => undefined);
  const nPorts = opts.ports ?? 16;
  const durationS = opts.durationS ?? 5;
  const pacedRate = opts.pacedRate ?? 50;
  log('serial: decoder throughput');
  const rows = decodeThroughput();
  if (!socatAvailable()) {
    rows.push({ metric: `${nPorts} pseudo-terminal ports`, value: 'skipped: socat is not installed', target: '', pass: null });
    return rows;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-serial-bench-'));
  const pairs: PtyPair[] = [];
  try {
    for (let i = 0; i < nPorts; i++) pairs.push(await startPtyPair(path.join(dir, `a${i}`), path.join(dir, `b${i}`)));
    const block = sampleText('gps', 2000);
    const lineLen = Math.round(block.length / 2000);
    const blockFile = path.join(dir, 'gps.nmea');
    fs.writeFileSync(blockFile, block);

    log(`serial: ${nPorts} ports flooded for ${durationS} s`);
    const flood = await ptyRun(pairs, blockFile, lineLen, 0, durationS);
    const total = flood.frames.reduce((a, b) => a + b, 0);
    const perPort = flood.frames.map((f) => f / flood.seconds);
    rows.push({
      metric: `${nPorts} pty ports at max rate: sustained frames/s (all ports)`,
      value: Math.round(total / flood.seconds).toLocaleString('en'),
      target: '',
      pass: null,
    });
    rows.push({
      metric: `${nPorts} pty ports at max rate: frames/s per port min / max`,
      value: `${Math.round(Math.min(...perPort)).toLocaleString('en')} / ${Math.round(Math.max(...perPort)).toLocaleString('en')}`,
      target: 'every port served',
      pass: Math.min(...perPort) > 0,
    });
    rows.push({
      metric: `${nPorts} pty ports at max rate: host CPU (one core = 100 %)`,
      value: `${((flood.cpuMs / (flood.seconds * 1000)) * 100).toFixed(0)} % total, ${((flood.cpuMs / (flood.seconds * 1000) / nPorts) * 100).toFixed(1)} % per port`,
      target: '',
      pass: null,
    });
    rows.push({
      metric: `${nPorts} pty ports at max rate: rejected lines (besides no-fix)`,
      value: String(flood.rejected),
      target: '0',
      pass: flood.rejected === 0,
    });

    log(`serial: ${nPorts} ports at ${pacedRate} lines/s for ${durationS} s`);
    const paced = await ptyRun(pairs, blockFile, lineLen, pacedRate, durationS);
    // Lines, not frames: the van's GPS loses its fix now and then, and those sentences are no frame.
    const pacedTotal = paced.frames.reduce((a, b) => a + b, 0) + paced.noFix;
    const sorted = [...paced.delays].sort((a, b) => a - b);
    rows.push({
      metric: `${nPorts} pty ports at ${pacedRate} lines/s each: lines decoded/s`,
      value: Math.round(pacedTotal / paced.seconds).toLocaleString('en'),
      target: `≈ ${nPorts * pacedRate}`,
      pass: pacedTotal / paced.seconds > nPorts * pacedRate * 0.9,
    });
    rows.push({
      metric: `${nPorts} pty ports at ${pacedRate} lines/s each: CPU per port`,
      value: `${((paced.cpuMs / (paced.seconds * 1000) / nPorts) * 100).toFixed(2)} % of a core`,
      target: '< 1 %',
      pass: paced.cpuMs / (paced.seconds * 1000) / nPorts < 0.01,
    });
    rows.push({
      metric: `${nPorts} pty ports paced: bytes received → frame decoded p50 / p95`,
      value: `${pct(sorted, 50)} ms / ${pct(sorted, 95)} ms`,
      target: '< 10 ms p95',
      pass: pct(sorted, 95) < 10,
    });
  } finally {
    await Promise.all(pairs.map((p) => p.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
