import type { Host } from '../../core/context.js';
import type { TelemetryFrame, TelemetrySource } from '../types.js';
import { parseFrame } from './frames.js';
import { LivePublisher } from './live.js';
import { telemetryMetrics, type TelemetryMetrics } from './metrics.js';
import { rowsOf, writeBatch, type Binding, type QueuedFrame, type StoredPosition, type StoredReading } from './store.js';

export interface IngestOptions {
  /** A batch is written at most this long after its first frame arrived. */
  flushIntervalMs: number;
  /** ...or as soon as this many rows are waiting. Also the most rows one transaction writes. */
  flushRows: number;
  /**
   * How long one batch may hold the event loop (ms): batches shrink below flushRows (not below
   * MIN_BATCH_ROWS) when rows cost more, e.g. on a machine busy with other work, so HTTP and the
   * other ports are still served between batches.
   */
  batchBudgetMs: number;
  /**
   * Frames held per device. Past half of it the device's port is held back (backpressure: the
   * serial side stops decoding it, its bytes wait in the OS and the sender slows down) until a
   * quarter is left; only a source that cannot be held fills it, and beyond it the device's oldest
   * waiting frame is dropped (and counted, on the device and on /metrics).
   */
  queueLimitPerDevice: number;
  /** Live /ws messages per device at most this often. */
  publishIntervalMs: number;
}

const MAX_CLOCK_AHEAD_MS = 86_400_000;

// Up to 2,000 rows a batch: a COMMIT and a change-log header per 2,000 rows rather than per 500 took
// the bench's flood from 59 to ~90 % of raw better-sqlite3 (bench/telemetry.ts prints both), but on
// the loaded bench machine 2,000 rows held the loop ~50 ms and GET /telemetry/status reached a p95
// of 300-600 ms; the 25 ms budget bounds that whatever the machine's load.
export const DEFAULT_INGEST: IngestOptions = {
  flushIntervalMs: 250,
  flushRows: 2000,
  batchBudgetMs: 25,
  queueLimitPerDevice: 5000,
  publishIntervalMs: 250,
};

/** The smallest batch the time budget may ask for: below it COMMIT and header would dominate. */
const MIN_BATCH_ROWS = 250;

export interface DeviceCounters {
  stored: number;
  invalid: number;
  dropped: number;
}

/** Fixed-capacity FIFO: memory per device is bounded whatever the device sends. */
class Ring {
  private readonly items: (QueuedFrame | undefined)[];
  private head = 0;
  size = 0;
  rows = 0;
  constructor(readonly capacity: number) {
    this.items = new Array<QueuedFrame | undefined>(capacity);
  }
  /** Adds at the tail; when full, evicts and returns the oldest frame. */
  push(item: QueuedFrame): QueuedFrame | undefined {
    let evicted: QueuedFrame | undefined;
    if (this.size === this.capacity) evicted = this.shift();
    this.items[(this.head + this.size) % this.capacity] = item;
    this.size += 1;
    this.rows += rowsOf(item.frame);
    return evicted;
  }
  shift(): QueuedFrame | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size -= 1;
    if (item) this.rows -= rowsOf(item.frame);
    return item;
  }
}

/**
 * From frames to stored readings: validate, map the device to its asset or vehicle, queue per
 * device, write in batches, hand stored readings to the rules, publish live values.
 *
 * Backpressure: each device has its own bounded queue and a batch takes frames round-robin across
 * devices, so a device flooding the host fills (and overflows) only its own queue; every other
 * device's frames still go into the very next batch. Batches yield to the event loop between
 * them (setImmediate), so HTTP and other ports keep being served while a backlog drains.
 */
export class IngestPipeline {
  private readonly queues = new Map<string, Ring>();
  private readonly counters = new Map<string, DeviceCounters>();
  private bindings = new Map<string, Binding>();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private queuedRows = 0;
  /** Recent cost of a stored row (ms, moving average over batches; 0 until measured). */
  private rowMs = 0;
  private rr: string[] = [];
  private unsubscribe: (() => void) | null = null;
  private source: TelemetrySource | null = null;
  /** Devices whose port the source was asked to hold back. */
  private readonly held = new Set<string>();
  private closed = false;
  private readonly metrics: TelemetryMetrics;
  readonly live: LivePublisher;
  readonly stats = {
    stored: 0,
    positions: 0,
    invalid: 0,
    dropped: 0,
    unknownDevice: 0,
    batches: 0,
    lastFlushMs: 0,
    failedBatches: 0,
    /** Times a device's port was held back because its queue was half full. */
    holds: 0,
  };

  constructor(
    private readonly host: Host,
    private readonly onStored: (readings: StoredReading[], positions: StoredPosition[]) => void,
    readonly opts: IngestOptions = DEFAULT_INGEST,
    /** False while nothing would look at the stored readings (no threshold rule): none are built. */
    private readonly wantsReadings: () => boolean = () => true,
  ) {
    this.live = new LivePublisher(host, opts.publishIntervalMs);
    this.metrics = telemetryMetrics(host, { queued: () => this.queuedRows, held: () => this.held.size });
  }

  attach(source: TelemetrySource): void {
    this.source = source;
    this.unsubscribe = source.onFrame((deviceId, frame, receivedAt) => this.accept(deviceId, frame, receivedAt));
  }

  /** Devices held back right now (tests, status). */
  get heldDevices(): number {
    return this.held.size;
  }

  setBindings(bindings: Binding[]): void {
    this.bindings = new Map(bindings.map((b) => [b.deviceId, b]));
  }

  countersOf(deviceId: string): DeviceCounters {
    return this.counters.get(deviceId) ?? { stored: 0, invalid: 0, dropped: 0 };
  }

  get queued(): number {
    return this.queuedRows;
  }

  /** The onFrame listener: must never throw back into the serial side. */
  accept(deviceId: string, raw: TelemetryFrame, receivedAt: number): void {
    if (this.closed) return;
    const binding = this.bindings.get(deviceId);
    if (!binding) {
      this.stats.unknownDevice += 1;
      this.metrics.refused.inc({ reason: 'unknown_device' });
      return;
    }
    const c = this.counter(deviceId);
    const frame = parseFrame(raw);
    // A receiver with a wrong clock far in the future would write rows that retention keeps for
    // years and that sort after every real reading; they are refused like any malformed frame.
    if (!frame || !Number.isFinite(receivedAt) || frame.at > receivedAt + MAX_CLOCK_AHEAD_MS) {
      c.invalid += 1;
      this.stats.invalid += 1;
      this.metrics.refused.inc({ reason: 'invalid' });
      return;
    }
    let q = this.queues.get(deviceId);
    if (!q) {
      q = new Ring(this.opts.queueLimitPerDevice);
      this.queues.set(deviceId, q);
      this.rr.push(deviceId);
    }
    const evicted = q.push({ binding, frame, receivedAt: Math.round(receivedAt) });
    this.queuedRows += rowsOf(frame);
    if (evicted) {
      this.queuedRows -= rowsOf(evicted.frame);
      c.dropped += 1;
      this.stats.dropped += 1;
      this.metrics.refused.inc({ reason: 'dropped' });
    }
    if (q.size >= this.opts.queueLimitPerDevice / 2 && this.source?.hold && !this.held.has(deviceId)) {
      this.held.add(deviceId);
      this.stats.holds += 1;
      this.source.hold(deviceId, true);
    }
    if (frame.kind === 'position') this.live.pushPosition(binding, frame);
    else this.live.pushMetrics(binding, frame);
    this.scheduleFlush();
  }

  /** Writes everything waiting now (tests, shutdown). */
  flushAll(): void {
    while (this.queuedRows > 0) if (!this.flushBatch()) break;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.flushAll();
    this.live.close();
  }

  private counter(deviceId: string): DeviceCounters {
    let c = this.counters.get(deviceId);
    if (!c) {
      c = { stored: 0, invalid: 0, dropped: 0 };
      this.counters.set(deviceId, c);
    }
    return c;
  }

  /** Rows the next batch takes: flushRows, or fewer when that would hold the loop past the budget. */
  private get batchRows(): number {
    if (this.rowMs === 0) return this.opts.flushRows;
    const fit = Math.floor(this.opts.batchBudgetMs / this.rowMs);
    return Math.max(Math.min(MIN_BATCH_ROWS, this.opts.flushRows), Math.min(this.opts.flushRows, fit));
  }

  /** Enough waiting to write now: a full batch, or a device held back (it waits on us, not on a timer). */
  private get behind(): boolean {
    return this.queuedRows >= this.batchRows || (this.held.size > 0 && this.queuedRows > 0);
  }

  private scheduleFlush(): void {
    if (this.behind) {
      if (!this.immediate) this.immediate = setImmediate(() => this.tick());
    } else if (!this.timer && !this.immediate) {
      this.timer = setTimeout(() => this.tick(), this.opts.flushIntervalMs);
      this.timer.unref();
    }
  }

  private tick(): void {
    this.immediate = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.closed) return;
    this.flushBatch();
    if (this.behind) this.immediate = setImmediate(() => this.tick());
    else if (this.queuedRows > 0) this.scheduleFlush();
  }

  /** Takes up to flushRows rows round-robin across devices and writes them; false if the write failed. */
  flushBatch(): boolean {
    const batch: QueuedFrame[] = [];
    const limit = this.batchRows;
    let rows = 0;
    while (rows < limit && this.queuedRows - rows > 0) {
      let took = false;
      for (const deviceId of this.rr) {
        const item = this.queues.get(deviceId)?.shift();
        if (!item) continue;
        batch.push(item);
        rows += rowsOf(item.frame);
        took = true;
        if (rows >= limit) break;
      }
      if (!took) break;
    }
    // Start the next batch with a different device so none is always last.
    if (this.rr.length > 1) this.rr.push(this.rr.shift()!);
    this.queuedRows -= rows;
    this.releaseHeld();
    this.pruneIdleQueues();
    if (batch.length === 0) return true;
    const started = performance.now();
    let stored: ReturnType<typeof writeBatch>;
    try {
      stored = writeBatch(this.host, batch, { readings: this.wantsReadings() });
    } catch (err) {
      // A failed batch (disk full, I/O error) is counted as dropped, never retried forever.
      this.stats.failedBatches += 1;
      this.stats.dropped += batch.length;
      this.metrics.refused.inc({ reason: 'dropped' }, batch.length);
      for (const f of batch) this.counter(f.binding.deviceId).dropped += 1;
      this.host.log.error({ err, frames: batch.length }, 'telemetry batch could not be written');
      return false;
    }
    this.stats.lastFlushMs = performance.now() - started;
    // Small batches are mostly fixed cost (header, roll-ups, COMMIT): they would overstate a row's.
    if (rows >= MIN_BATCH_ROWS / 2) {
      const perRow = this.stats.lastFlushMs / rows;
      this.rowMs = this.rowMs === 0 ? perRow : this.rowMs * 0.8 + perRow * 0.2;
    }
    this.stats.batches += 1;
    this.stats.stored += rows - stored.positions.length;
    this.stats.positions += stored.positions.length;
    this.metrics.batches.inc();
    this.metrics.batchSeconds.observe(this.stats.lastFlushMs / 1000);
    if (rows > stored.positions.length) this.metrics.rows.inc({ table: 'telemetry_readings' }, rows - stored.positions.length);
    if (stored.positions.length > 0) this.metrics.rows.inc({ table: 'vehicle_positions' }, stored.positions.length);
    for (const f of batch) this.counter(f.binding.deviceId).stored += rowsOf(f.frame);
    try {
      this.onStored(stored.readings, stored.positions);
    } catch (err) {
      this.host.log.error({ err }, 'telemetry rules failed on a batch');
    }
    return true;
  }

  /** Lets held devices' ports be read again once their queue is down to a quarter. */
  private releaseHeld(): void {
    if (this.held.size === 0) return;
    for (const deviceId of this.held) {
      const q = this.queues.get(deviceId);
      if (q && q.size > this.opts.queueLimitPerDevice / 4) continue;
      this.held.delete(deviceId);
      this.source?.hold?.(deviceId, false);
    }
  }

  private pruneIdleQueues(): void {
    // Queues of devices that went quiet are dropped so a long-running host does not keep a ring per
    // device ever seen; they are recreated on the next frame.
    if (this.rr.length < 64) return;
    this.rr = this.rr.filter((id) => {
      const q = this.queues.get(id);
      if (q && q.size === 0) {
        this.queues.delete(id);
        return false;
      }
      return true;
    });
  }
}
