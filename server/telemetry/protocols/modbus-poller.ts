import type { Metric, ModbusSettings, Rejection, TelemetryFrame } from '../types.js';
import { sample } from './lines.js';
import {
  buildReadRequest,
  decodeRegister,
  interFrameDelayMs,
  parseReadResponse,
  planReads,
  responseLengthSoFar,
  type ReadPlan,
  type ReadRequest,
} from './modbus.js';

/**
 * Polls the Modbus RTU devices sharing one bus (one serial port): one request at a time, each
 * request sent only after the bus has been silent for the inter-frame delay (3.5 characters; 1.75 ms
 * above 19200 baud), the response assembled from chunks until its expected length, a timeout per
 * request. A device's poll reads its whole register map and emits one metrics frame.
 */

export interface ModbusBusOptions {
  baudRate: number;
  write(bytes: Buffer): void;
  onFrame(deviceId: string, frame: TelemetryFrame): void;
  onRejection(deviceId: string, rejection: Rejection): void;
  /** Monotonic ms (performance.now) for bus timing. */
  monotonic?: () => number;
  /** Wall clock for frame timestamps. */
  now?: () => number;
}

interface BusDevice {
  id: string;
  settings: ModbusSettings;
  plans: ReadPlan[];
  nextPollAt: number;
}

interface Pending {
  device: BusDevice;
  req: ReadRequest;
  plan: ReadPlan;
  chunks: Buffer[];
  length: number;
  timer: ReturnType<typeof setTimeout>;
}

export class ModbusBus {
  private readonly devices = new Map<string, BusDevice>();
  private readonly gapMs: number;
  private readonly charMs: number;
  private readonly mono: () => number;
  private readonly now: () => number;
  private pending: Pending | null = null;
  /** The rest of the current poll: plans still to read and metrics so far. */
  private cycle: { device: BusDevice; plans: ReadPlan[]; metrics: Metric[]; startedAt: number } | null = null;
  private lastActivity = -Infinity;
  private wake: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  /** For tests and the console: every request sent, with its monotonic time. */
  readonly stats = { requests: 0, responses: 0, timeouts: 0, strayBytes: 0 };

  constructor(private readonly opts: ModbusBusOptions) {
    this.gapMs = interFrameDelayMs(opts.baudRate);
    this.charMs = (11 * 1000) / opts.baudRate;
    this.mono = opts.monotonic ?? (() => performance.now());
    this.now = opts.now ?? Date.now;
  }

  /** The device whose answer is awaited (bytes on the wire now belong to it). */
  get activeDeviceId(): string | null {
    return this.pending?.device.id ?? this.cycle?.device.id ?? null;
  }

  get interFrameDelayMs(): number {
    return this.gapMs;
  }

  setDevice(id: string, settings: ModbusSettings): void {
    const existing = this.devices.get(id);
    this.devices.set(id, { id, settings, plans: planReads(settings.registers), nextPollAt: existing?.nextPollAt ?? this.mono() });
    this.schedule();
  }

  removeDevice(id: string): void {
    this.devices.delete(id);
    if (this.cycle?.device.id === id) this.cycle = null;
  }

  get size(): number {
    return this.devices.size;
  }

  start(): void {
    this.running = true;
    this.lastActivity = this.mono();
    this.schedule();
  }

  /** Stops polling; a request in flight is abandoned (not counted as a timeout). */
  stop(): void {
    this.running = false;
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
    this.cycle = null;
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
  }

  /** Bytes read from the port. */
  onData(chunk: Buffer): void {
    this.lastActivity = this.mono();
    const p = this.pending;
    if (!p) {
      // A late answer after a timeout, or noise: nobody asked for it.
      this.stats.strayBytes += chunk.length;
      return;
    }
    p.chunks.push(chunk);
    p.length += chunk.length;
    const all = p.chunks.length === 1 ? (p.chunks[0] as Buffer) : Buffer.concat(p.chunks);
    p.chunks = [all];
    const expected = responseLengthSoFar(p.req, all);
    if (expected === null || all.length < expected) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.stats.responses++;
    if (all.length > expected) this.stats.strayBytes += all.length - expected;
    const res = parseReadResponse(p.req, all.subarray(0, expected));
    if (res.ok) {
      for (const { register, offset } of p.plan.items) {
        const raw = decodeRegister(res.registers, offset, register.type, register.wordOrder ?? 'big');
        const value = raw * register.scale + register.offset;
        if (Number.isFinite(value)) this.cycle?.metrics.push({ name: register.name, value, unit: register.unit });
        else this.opts.onRejection(p.device.id, { reason: 'malformed', detail: `${register.name}: not a finite number`, bytes: 0 });
      }
    } else {
      this.opts.onRejection(p.device.id, {
        reason: res.reason,
        detail: `${res.detail}: ${sample(all.toString('hex'))}`,
        bytes: all.length,
      });
    }
    this.next();
  }

  private onTimeout(p: Pending): void {
    if (this.pending !== p) return;
    this.pending = null;
    this.stats.timeouts++;
    const got = p.length;
    this.opts.onRejection(p.device.id, {
      reason: 'timeout',
      detail: `no complete answer from unit ${p.req.unitId} within ${p.device.settings.timeoutMs} ms (${got} bytes)`,
      bytes: got,
    });
    this.next();
  }

  /** Sends the next request of the current poll, or finishes it and schedules the next poll. */
  private next(): void {
    if (!this.running || this.pending) return;
    const c = this.cycle;
    if (c && c.plans.length === 0) {
      if (c.metrics.length > 0) this.opts.onFrame(c.device.id, { kind: 'metrics', at: this.now(), metrics: c.metrics });
      this.cycle = null;
    }
    this.schedule();
  }

  private schedule(): void {
    if (!this.running || this.pending || this.wake) return;
    const t = this.mono();
    let due = this.cycle ? t : Infinity;
    if (!this.cycle) for (const d of this.devices.values()) due = Math.min(due, d.nextPollAt);
    if (due === Infinity) return;
    // Never talk into a frame still on the wire: wait for the bus to be silent long enough.
    const at = Math.max(due, this.lastActivity + this.gapMs);
    this.wake = setTimeout(
      () => {
        this.wake = null;
        this.send();
      },
      Math.max(0, Math.ceil(at - t)),
    );
  }

  private send(): void {
    if (!this.running || this.pending) return;
    const t = this.mono();
    if (t - this.lastActivity < this.gapMs) return this.schedule();
    if (!this.cycle) {
      let pick: BusDevice | null = null;
      for (const d of this.devices.values()) if (d.nextPollAt <= t && (!pick || d.nextPollAt < pick.nextPollAt)) pick = d;
      if (!pick) return this.schedule();
      // Fixed-rate polling that skips missed slots instead of bursting to catch up.
      pick.nextPollAt = Math.max(pick.nextPollAt + pick.settings.pollIntervalMs, t);
      this.cycle = { device: pick, plans: [...pick.plans], metrics: [], startedAt: t };
    }
    const plan = this.cycle.plans.shift();
    if (!plan) return this.next();
    const device = this.cycle.device;
    const req: ReadRequest = { unitId: device.settings.unitId, ...plan.request };
    const bytes = buildReadRequest(req);
    const timer = setTimeout(() => this.onTimeout(pending), device.settings.timeoutMs);
    const pending: Pending = { device, req, plan, chunks: [], length: 0, timer };
    this.pending = pending;
    this.stats.requests++;
    // The request occupies the wire for its own length in characters.
    this.lastActivity = t + bytes.length * this.charMs;
    this.opts.write(bytes);
  }
}
