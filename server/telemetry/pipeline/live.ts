import type { Host } from '../../core/context.js';
import type { TelemetryLiveMessage, VehiclePositionMessage } from '../contract.js';
import type { Binding, PositionFrame } from './store.js';
import type { TelemetryFrame } from '../types.js';

type MetricsFrame = Extract<TelemetryFrame, { kind: 'metrics' }>;

interface Slot<T> {
  pending: T | null;
  lastSentAt: number;
  timer: NodeJS.Timeout | null;
  /** Sends `pending`: made once per slot, not once per frame. */
  emit: (() => void) | null;
}

/** The newest value of each metric since the last message; times stay numbers until one is sent. */
interface PendingMetrics {
  binding: Binding;
  values: Map<string, { value: number; unit: string | null; at: number }>;
}

/**
 * Live values over /ws, at most one message per device and kind every `intervalMs`.
 *
 * Leading edge + trailing edge: a quiet device's frame goes out at once (the common case — one
 * reading a second — pays no added delay), and a chatty device's values are merged and sent when
 * its interval is up, so a 1 kHz sensor costs clients 4 messages a second, not 1000. Values are
 * published when the frame is accepted, before the batch that stores them commits: a live view
 * shows what the device says now; history queries may lag it by one flush interval. Merging a
 * frame allocates nothing (values are overwritten in place); the message is built when sent.
 */
export class LivePublisher {
  private readonly metrics = new Map<string, Slot<PendingMetrics>>();
  private readonly positions = new Map<string, Slot<{ binding: Binding; frame: PositionFrame }>>();
  published = 0;

  constructor(
    private readonly host: Host,
    private readonly intervalMs: number,
  ) {}

  pushMetrics(binding: Binding, frame: MetricsFrame): void {
    const slot = slotOf(this.metrics, binding.deviceId);
    let p = slot.pending;
    if (!p) p = slot.pending = { binding, values: new Map() };
    p.binding = binding;
    for (const m of frame.metrics) {
      const v = p.values.get(m.name);
      if (v) {
        v.value = m.value;
        v.unit = m.unit;
        v.at = frame.at;
      } else p.values.set(m.name, { value: m.value, unit: m.unit, at: frame.at });
    }
    slot.emit ??= () => {
      const q = slot.pending!;
      const metrics: TelemetryLiveMessage['metrics'] = {};
      for (const [name, v] of q.values) metrics[name] = { value: v.value, unit: v.unit, at: new Date(v.at).toISOString() };
      const data: TelemetryLiveMessage = {
        deviceId: q.binding.deviceId,
        assetId: q.binding.assetId,
        vehicleId: q.binding.vehicleId,
        metrics,
      };
      this.send('telemetry', q.binding.orgId, data);
    };
    this.schedule(slot);
  }

  pushPosition(binding: Binding, frame: PositionFrame): void {
    const slot = slotOf(this.positions, binding.deviceId);
    slot.pending = { binding, frame };
    slot.emit ??= () => {
      const { binding: b, frame: f } = slot.pending!;
      const data: VehiclePositionMessage = {
        deviceId: b.deviceId,
        vehicleId: b.vehicleId,
        at: new Date(f.at).toISOString(),
        lat: f.lat,
        lon: f.lon,
        speedKmh: f.speedKmh,
        headingDeg: f.headingDeg,
        fixQuality: f.fixQuality,
      };
      this.send('vehicle_position', b.orgId, data);
    };
    this.schedule(slot);
  }

  close(): void {
    for (const map of [this.metrics, this.positions] as Map<string, Slot<unknown>>[]) {
      for (const slot of map.values()) if (slot.timer) clearTimeout(slot.timer);
      map.clear();
    }
  }

  private schedule<T>(slot: Slot<T>): void {
    if (slot.timer) return;
    const fire = () => {
      slot.timer = null;
      if (!slot.pending) return;
      slot.lastSentAt = performance.now();
      slot.emit?.();
      slot.pending = null;
    };
    const wait = slot.lastSentAt + this.intervalMs - performance.now();
    if (wait <= 0) fire();
    else {
      slot.timer = setTimeout(fire, wait);
      slot.timer.unref();
    }
  }

  private send(type: string, orgId: string, data: object): void {
    this.published += 1;
    // The hub forwards every bus message to the org's clients. No tables changed as far as cached
    // queries are concerned (history is fetched on demand), hence the empty lists.
    this.host.bus.publish({ type, orgId, data: { tables: [], changes: [], ...data }, at: new Date(this.host.clock.now()).toISOString() });
  }
}

function slotOf<T>(map: Map<string, Slot<T>>, key: string): Slot<T> {
  let slot = map.get(key);
  if (!slot) {
    slot = { pending: null, lastSentAt: -Infinity, timer: null, emit: null };
    map.set(key, slot);
  }
  return slot;
}
