import { SerialPort } from 'serialport';
import type { PortClass, PortLike } from '../io/port.js';
import { createGpsProfile } from './gps.js';
import { createModbusSlave } from './modbus-slave.js';
import { seeded } from './random.js';
import { createTemperatureProfile } from './temperature.js';

/**
 * Writes a simulated sensor stream into a serial port (one end of a socat pair in demos and tests).
 * If the port goes away (socat killed) it keeps trying to reopen every 500 ms, like a device that
 * is replugged. Faults: `garbage` interleaves binary noise, `badchecksum` corrupts one line in five,
 * `flood` writes as fast as the port accepts.
 */

export const PROFILES = ['gps', 'temperature', 'modbus'] as const;
export type Profile = (typeof PROFILES)[number];
export const FAULTS = ['garbage', 'flood', 'badchecksum'] as const;
export type Fault = (typeof FAULTS)[number];

export interface SimulatorOptions {
  path: string;
  profile: Profile;
  /** Lines (or fixes) per second; ignored by modbus, which answers requests. */
  rate?: number;
  baudRate?: number;
  durationS?: number;
  fault?: Fault | null;
  format?: 'kv' | 'json';
  driftAfterS?: number;
  /** Temperature profile: where the reading sits before it drifts (default 62 °C). */
  baseC?: number;
  unitId?: number;
  seed?: number;
  portClass?: PortClass;
  log?: (line: string) => void;
}

export interface SimulatorHandle {
  stop(): Promise<void>;
  /** Resolves when the duration is over or stop() was called. */
  readonly done: Promise<void>;
  readonly stats: { lines: number; bytes: number; opens: number; requests: number };
}

function corrupt(line: string, rand: () => number): string {
  const star = line.lastIndexOf('*');
  if (star !== -1)
    return `${line.slice(0, star + 1)}${((Number.parseInt(line.slice(star + 1), 16) + 1) & 0xff).toString(16).toUpperCase().padStart(2, '0')}`;
  const i = Math.floor(rand() * line.length);
  return `${line.slice(0, i)}#${line.slice(i + 1)}`;
}

export function runSimulator(opts: SimulatorOptions): SimulatorHandle {
  const Port: PortClass = opts.portClass ?? SerialPort;
  const log = opts.log ?? (() => undefined);
  const rand = seeded((opts.seed ?? 7) + 1000);
  const rate = opts.rate ?? (opts.profile === 'gps' ? 1 : 2);
  const stats = { lines: 0, bytes: 0, opens: 0, requests: 0 };
  const started = Date.now();
  const gps = createGpsProfile({ seed: opts.seed ?? 1 });
  const temp = createTemperatureProfile({
    seed: opts.seed ?? 2,
    format: opts.format ?? 'kv',
    driftAfterS: opts.driftAfterS ?? 120,
    ...(opts.baseC !== undefined ? { baseC: opts.baseC } : {}),
  });
  const slave = createModbusSlave({ unitId: opts.unitId ?? 1, seed: opts.seed ?? 3, corruptEvery: opts.fault === 'badchecksum' ? 5 : 0 });
  let port: PortLike | null = null;
  let stopped = false;
  let tick: ReturnType<typeof setTimeout> | null = null;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  function lines(t: number): string[] {
    const elapsedS = (t - started) / 1000;
    const out = opts.profile === 'gps' ? gps.next(t, opts.fault === 'flood' ? 1 : 1 / rate) : [temp.next(t, elapsedS)];
    return out.map((l) => (opts.fault === 'badchecksum' && rand() < 0.2 ? corrupt(l, rand) : l));
  }

  function write(p: PortLike, text: string | Buffer): boolean {
    const buf = typeof text === 'string' ? Buffer.from(text) : text;
    stats.bytes += buf.length;
    return p.write(buf);
  }

  function emit(p: PortLike): boolean {
    const t = Date.now();
    let ok = true;
    for (const l of lines(t)) {
      stats.lines++;
      ok = write(p, `${l}\r\n`) && ok;
    }
    if (opts.fault === 'garbage' && rand() < 0.3) {
      const junk = Buffer.alloc(4 + Math.floor(rand() * 40));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
      ok = write(p, junk) && ok;
      ok = write(p, '\r\n') && ok;
    }
    return ok;
  }

  function schedule(p: PortLike): void {
    if (stopped || port !== p) return;
    if (opts.fault === 'flood') {
      // As fast as the port drains: a batch, then wait for 'drain' when the buffer is full.
      let ok = true;
      for (let i = 0; i < 64 && ok; i++) ok = emit(p);
      if (ok) tick = setTimeout(() => schedule(p), 0);
      else (p as unknown as NodeJS.EventEmitter).once('drain', () => schedule(p));
      return;
    }
    emit(p);
    tick = setTimeout(() => schedule(p), 1000 / rate);
  }

  function open(): void {
    if (stopped) return;
    const p = new Port({ path: opts.path, baudRate: opts.baudRate ?? 9600, autoOpen: false });
    p.on('error', () => undefined);
    p.open((err) => {
      if (stopped) {
        if (!err) p.close();
        return;
      }
      if (err) {
        tick = setTimeout(open, 500);
        return;
      }
      stats.opens++;
      port = p;
      log(`simulator: writing ${opts.profile} to ${opts.path}`);
      const gone = () => {
        if (port !== p) return;
        port = null;
        p.removeAllListeners();
        p.on('error', () => undefined);
        if (p.isOpen) p.close();
        if (tick) clearTimeout(tick);
        log(`simulator: ${opts.path} went away; retrying`);
        tick = setTimeout(open, 500);
      };
      p.on('close', gone);
      p.on('end', gone);
      if (opts.profile === 'modbus') {
        p.on('data', (chunk) => {
          for (const res of slave.onData(chunk)) write(p, res);
          stats.requests = slave.requests;
        });
      } else {
        schedule(p);
      }
    });
  }

  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    if (tick) clearTimeout(tick);
    const p = port;
    port = null;
    if (p?.isOpen) {
      p.removeAllListeners();
      p.on('error', () => undefined);
      await new Promise<void>((resolve) => p.close(() => resolve()));
    }
    finish();
  }

  open();
  if (opts.durationS !== undefined) setTimeout(() => void stop(), opts.durationS * 1000).unref?.();
  return { stop, done, stats };
}
