import { createStreamDecoder, type DecoderOptions, type StreamProtocol } from '../protocols/index.js';
import { ModbusBus } from '../protocols/modbus-poller.js';
import type { DeviceConfig, DeviceState, DeviceStatus, Rejection, StreamDecoder, TelemetryFrame, TelemetrySource } from '../types.js';
import { newStatus, resolvePort, sameIdentity } from './identity.js';
import { backoffDelay, toListing, type PortClass, type PortLike, type PortListing } from './port.js';
import { DrainScheduler, PortSession } from './session.js';

/**
 * Serial devices → telemetry frames. Finds each configured device by vendor id + product id +
 * serial number (falling back to its path; pseudo-terminals are never listed, so only by path),
 * opens it, decodes it, and keeps it open: `SerialPort.list()` every 2 s notices plugs and unplugs,
 * a close/end/open error counts as an unplug, and reopening backs off from 250 ms to 10 s with
 * jitter. A watchdog marks a device 'silent' when no frame came for its `silenceAfterMs`.
 * Modbus devices sharing a port share one bus poller (one request at a time on the wire).
 */

export interface DeviceManagerOptions {
  /** `SerialPort` in production, a `SerialPortMock` subclass in tests. */
  portClass: PortClass;
  now?: () => number;
  random?: () => number;
  listIntervalMs?: number;
  watchdogIntervalMs?: number;
  /** Counters change on every frame; statuses with changes go out at most this often. */
  statusIntervalMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  pauseAboveBytes?: number;
  capBytes?: number;
  budgetBytes?: number;
  sliceMs?: number;
  decoder?: DecoderOptions;
  /** Where a throwing listener is reported (the serial side carries on). */
  onListenerError?: (err: unknown) => void;
}

interface Runtime {
  config: DeviceConfig;
  status: DeviceStatus;
  decoder: StreamDecoder | null;
  link: Link | null;
  attempt: number;
  retry: ReturnType<typeof setTimeout> | null;
  everConnected: boolean;
  quietSince: number;
  dirty: boolean;
}

interface Link {
  path: string;
  port: PortLike;
  session: PortSession | null;
  bus: ModbusBus | null;
  devices: Set<Runtime>;
  open: boolean;
  dropped: boolean;
  viaIdentity: boolean;
}

const MISSING = /ENOENT|no such file|not exist|cannot find|File not found/i;
/** Polling settings for a Modbus device configured without any (the data side validates real ones). */
const NO_MODBUS = { unitId: 1, pollIntervalMs: 1000, timeoutMs: 500, registers: [] };

export class DeviceManager implements TelemetrySource {
  private readonly rt = new Map<string, Runtime>();
  private readonly links = new Map<string, Link>();
  private readonly frameListeners = new Set<(deviceId: string, frame: TelemetryFrame, receivedAt: number) => void>();
  private readonly statusListeners = new Set<(status: DeviceStatus) => void>();
  private readonly scheduler: DrainScheduler;
  private readonly now: () => number;
  private ports: PortListing[] = [];
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private closed = false;
  private listing: Promise<void> | null = null;
  private listed = false;

  constructor(private readonly opts: DeviceManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.scheduler = new DrainScheduler(opts.budgetBytes, opts.sliceMs);
    // Listing runs udevadm on Linux: only worth it while some enabled device is found by identity.
    this.timers.push(
      setInterval(() => {
        if (this.needsListing()) void this.refreshList();
      }, opts.listIntervalMs ?? 2_000),
    );
    this.timers.push(setInterval(() => this.watchdog(), opts.watchdogIntervalMs ?? 250));
    this.timers.push(setInterval(() => this.flushStatuses(), opts.statusIntervalMs ?? 1_000));
    for (const t of this.timers) t.unref?.();
  }

  /** The longest decoding round so far (ms): what one device's flood could cost the others. */
  get maxSliceMs(): number {
    return this.scheduler.maxSliceMs;
  }

  onFrame(listener: (deviceId: string, frame: TelemetryFrame, receivedAt: number) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  statuses(): DeviceStatus[] {
    return [...this.rt.values()].map((r) => ({ ...r.status, rejected: { ...r.status.rejected } }));
  }

  hold(deviceId: string, held: boolean): void {
    // Modbus devices are polled at their own pace: nothing to hold back.
    this.rt.get(deviceId)?.link?.session?.hold(held);
  }

  async listPorts(): Promise<PortListing[]> {
    await this.refreshList();
    return this.ports.map((p) => ({ ...p }));
  }

  configure(devices: DeviceConfig[]): void {
    if (this.closed) return;
    const wanted = new Map(devices.map((d) => [d.id, d]));
    for (const [id, r] of this.rt) {
      const next = wanted.get(id);
      if (!next || JSON.stringify(next) !== JSON.stringify(r.config)) {
        this.detach(r);
        this.rt.delete(id);
      }
    }
    for (const config of devices) {
      if (this.rt.has(config.id)) continue;
      const r: Runtime = {
        config,
        status: newStatus(config.id),
        decoder: null,
        link: null,
        attempt: 0,
        retry: null,
        everConnected: false,
        quietSince: this.now(),
        dirty: false,
      };
      this.rt.set(config.id, r);
      if (!config.enabled) this.setState(r, 'disabled', null);
      else this.emitStatus(r);
      // Until the first port list is in, a fallback path might be another device's: wait for it.
      if (this.listed) this.tryOpen(r);
    }
    void this.refreshList();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const r of this.rt.values()) this.detach(r);
    this.rt.clear();
    await this.listing?.catch(() => undefined);
  }

  private needsListing(): boolean {
    for (const r of this.rt.values()) if (r.config.enabled && (r.config.vendorId || r.config.serialNumber)) return true;
    return false;
  }

  /** Re-reads the port list: unplugged identity devices are dropped, newly visible ones opened. */
  refreshList(): Promise<void> {
    if (this.listing) return this.listing;
    this.listing = (async () => {
      try {
        this.ports = (await this.opts.portClass.list()).map(toListing);
      } catch {
        // Keep the previous list (the next poll tries again), but do not hold path-only devices back.
        if (this.listed) return;
      } finally {
        this.listed = true;
        this.listing = null;
      }
      if (this.closed) return;
      for (const link of [...this.links.values()]) {
        if (!link.viaIdentity || link.dropped) continue;
        const listed = this.ports.find((p) => p.path === link.path);
        const stillThere = listed && [...link.devices].every((r) => sameIdentity(listed, r.config));
        if (!stillThere) this.dropLink(link, 'unplugged (no longer listed)');
      }
      for (const r of this.rt.values()) {
        if (!r.config.enabled || r.link) continue;
        const viaIdentity = this.resolve(r)?.viaIdentity ?? false;
        // A device that reappears is opened now, not when its backoff timer fires.
        if (r.retry && viaIdentity) {
          clearTimeout(r.retry);
          r.retry = null;
        }
        this.tryOpen(r);
      }
    })();
    return this.listing;
  }

  private resolve(r: Runtime): { path: string; viaIdentity: boolean } | null {
    return resolvePort(r.config, this.ports);
  }

  private tryOpen(r: Runtime): void {
    if (this.closed || !r.config.enabled || r.link || r.retry) return;
    const where = this.resolve(r);
    if (!where) {
      // Waiting for the device to be listed: the 2 s list poll retries.
      this.setState(r, 'disconnected', r.status.lastError ?? 'not plugged in');
      return;
    }
    const existing = this.links.get(where.path);
    if (existing) {
      if (r.config.protocol === 'modbus' && [...existing.devices].every((d) => d.config.protocol === 'modbus')) {
        this.attach(r, existing);
        if (existing.open) {
          existing.bus?.setDevice(r.config.id, r.config.modbus ?? NO_MODBUS);
          this.connected(r);
        }
        return;
      }
      this.setState(r, 'error', `${where.path} is in use by another device`);
      this.scheduleRetry(r);
      return;
    }
    const s = r.config.serial;
    const port = new this.opts.portClass({
      path: where.path,
      baudRate: s.baudRate,
      dataBits: s.dataBits,
      stopBits: s.stopBits,
      parity: s.parity,
      autoOpen: false,
    });
    const link: Link = {
      path: where.path,
      port,
      session: null,
      bus: null,
      devices: new Set(),
      open: false,
      dropped: false,
      viaIdentity: where.viaIdentity,
    };
    this.links.set(where.path, link);
    this.attach(r, link);
    port.on('data', (chunk) => this.onData(link, chunk));
    port.on('error', (err) => this.onPortError(link, err));
    port.on('close', (err) => this.dropLink(link, err?.message ?? 'port closed'));
    // A pseudo-terminal whose other end went away reads end-of-file rather than an error.
    port.on('end', () => this.dropLink(link, 'end of stream'));
    port.open((err) => {
      if (link.dropped) {
        if (!err) port.close(() => undefined);
        return;
      }
      if (err) return this.dropLink(link, err.message, MISSING.test(err.message) ? 'disconnected' : 'error');
      this.opened(link);
    });
  }

  private attach(r: Runtime, link: Link): void {
    r.link = link;
    link.devices.add(r);
    r.status.path = link.path;
    if (r.config.protocol !== 'modbus') r.decoder = createStreamDecoder(r.config.protocol as StreamProtocol, this.opts.decoder);
  }

  private opened(link: Link): void {
    link.open = true;
    const first = [...link.devices][0];
    if (!first) return;
    if (first.config.protocol === 'modbus') {
      link.bus = new ModbusBus({
        baudRate: first.config.serial.baudRate,
        write: (bytes) => void link.port.write(bytes),
        onFrame: (id, frame) => this.onFrameFor(this.rt.get(id), frame, this.now()),
        onRejection: (id, rej) => this.onRejectionFor(this.rt.get(id), rej),
        now: this.now,
      });
      for (const r of link.devices) link.bus.setDevice(r.config.id, r.config.modbus ?? NO_MODBUS);
      link.bus.start();
    } else {
      link.session = new PortSession(
        link.port,
        { pauseAboveBytes: this.opts.pauseAboveBytes ?? 256 * 1024, capBytes: this.opts.capBytes ?? 4 * 1024 * 1024 },
        { chunk: (chunk, at) => this.decode(first, chunk, at), overflow: (n) => this.overflow(first, n) },
        this.scheduler,
        this.now,
      );
    }
    for (const r of link.devices) this.connected(r);
  }

  private connected(r: Runtime): void {
    if (r.everConnected) r.status.reconnects++;
    r.everConnected = true;
    r.attempt = 0;
    r.quietSince = this.now();
    this.setState(r, 'connected', null);
  }

  private onData(link: Link, chunk: Buffer): void {
    if (link.dropped) return;
    const owner = link.bus ? link.bus.activeDeviceId : [...link.devices][0]?.config.id;
    const r = owner === null || owner === undefined ? [...link.devices][0] : this.rt.get(owner);
    if (r) {
      r.status.bytes += chunk.length;
      r.dirty = true;
    }
    if (link.bus) link.bus.onData(chunk);
    else link.session?.push(chunk);
  }

  private decode(r: Runtime, chunk: Buffer, receivedAt: number): void {
    if (!r.decoder) return;
    const out = r.decoder.push(chunk, receivedAt);
    for (const rej of out.rejected) this.onRejectionFor(r, rej);
    for (const frame of out.frames) this.onFrameFor(r, frame, receivedAt);
  }

  private overflow(r: Runtime, dropped: number): void {
    // The queued bytes after the gap do not continue the partial line: drop that too.
    const partial = r.decoder?.reset() ?? 0;
    this.onRejectionFor(r, { reason: 'overflow', detail: `device flooding: dropped ${dropped + partial} bytes`, bytes: dropped + partial });
  }

  private onFrameFor(r: Runtime | undefined, frame: TelemetryFrame, receivedAt: number): void {
    if (!r) return;
    r.status.frames++;
    r.status.lastFrameAt = this.now();
    r.quietSince = r.status.lastFrameAt;
    r.dirty = true;
    if (r.status.state === 'silent') this.setState(r, 'connected', null);
    for (const l of this.frameListeners) {
      try {
        l(r.config.id, frame, receivedAt);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }

  private onRejectionFor(r: Runtime | undefined, rej: Rejection): void {
    if (!r) return;
    r.status.rejected[rej.reason] = (r.status.rejected[rej.reason] ?? 0) + 1;
    if (rej.reason !== 'nofix') r.status.errors++;
    r.status.lastRejection = { reason: rej.reason, detail: rej.detail, at: this.now() };
    r.dirty = true;
  }

  private onPortError(link: Link, err: Error): void {
    for (const r of link.devices) {
      r.status.errors++;
      r.status.lastError = err.message;
      r.dirty = true;
    }
    // An error on a port that is not open (or no longer readable) is an unplug.
    if (!link.port.isOpen) this.dropLink(link, err.message);
  }

  /** The port went away (or never opened): finish its bytes, count partial frames, retry later. */
  private dropLink(link: Link, reason: string, state: DeviceState = 'disconnected', retry = true): void {
    if (link.dropped) return;
    link.dropped = true;
    if (this.links.get(link.path) === link) this.links.delete(link.path);
    link.session?.drainAll();
    link.bus?.stop();
    link.port.removeAllListeners();
    link.port.on('error', () => undefined); // a late error from a dying port must not be unhandled
    if (link.port.isOpen) link.port.close(() => undefined);
    for (const r of link.devices) {
      r.link = null;
      const partial = r.decoder?.reset() ?? 0;
      if (partial > 0)
        this.onRejectionFor(r, { reason: 'malformed', detail: `partial frame of ${partial} bytes cut off by ${reason}`, bytes: partial });
      r.decoder = null;
      if (retry) {
        this.setState(r, state, reason);
        this.scheduleRetry(r);
      }
    }
    link.devices.clear();
  }

  private detach(r: Runtime): void {
    if (r.retry) clearTimeout(r.retry);
    r.retry = null;
    const link = r.link;
    if (!link) return;
    if (link.devices.size > 1) {
      link.devices.delete(r);
      link.bus?.removeDevice(r.config.id);
      r.link = null;
      return;
    }
    this.dropLink(link, 'device reconfigured', 'disconnected', false);
  }

  private scheduleRetry(r: Runtime): void {
    if (this.closed || r.retry || !r.config.enabled) return;
    const delay = backoffDelay(r.attempt++, this.opts.random, this.opts.backoffMinMs, this.opts.backoffMaxMs);
    r.retry = setTimeout(() => {
      r.retry = null;
      this.tryOpen(r);
    }, delay);
  }

  private watchdog(): void {
    const t = this.now();
    for (const r of this.rt.values()) {
      if (r.status.state === 'connected' && t - r.quietSince > r.config.silenceAfterMs) this.setState(r, 'silent', null);
    }
  }

  private flushStatuses(): void {
    for (const r of this.rt.values()) if (r.dirty) this.emitStatus(r);
  }

  private setState(r: Runtime, state: DeviceState, error: string | null): void {
    const changed = r.status.state !== state || r.status.lastError !== error;
    r.status.state = state;
    if (state !== 'silent') r.status.lastError = error;
    if (changed) this.emitStatus(r);
  }

  private emitStatus(r: Runtime): void {
    r.dirty = false;
    const snapshot = { ...r.status, rejected: { ...r.status.rejected } };
    for (const l of this.statusListeners) {
      try {
        l(snapshot);
      } catch (err) {
        this.opts.onListenerError?.(err);
      }
    }
  }
}
