import client from 'prom-client';
import type { Host } from '../../core/context.js';

/**
 * The pipeline's counters on /metrics, registered on the host's own registry the first time a
 * pipeline starts there (so this feature needs no edit to the shared metrics module). Frames shed
 * under overload are counted here as well as per device in the API: nothing is dropped silently.
 */
export interface TelemetryMetrics {
  /** Rows stored, by table. */
  rows: client.Counter<'table'>;
  /** Frames not stored, by why: invalid (failed the frame check), dropped (queue overflow or a failed batch), unknown_device. */
  refused: client.Counter<'reason'>;
  batches: client.Counter;
  batchSeconds: client.Histogram;
}

const byRegistry = new WeakMap<client.Registry, TelemetryMetrics>();

export function telemetryMetrics(host: Host, gauges: { queued: () => number; held: () => number }): TelemetryMetrics {
  const registers = [host.metrics.registry];
  let m = byRegistry.get(host.metrics.registry);
  if (!m) {
    m = {
      rows: new client.Counter({
        name: 'depotdesk_telemetry_rows_total',
        help: 'Telemetry rows stored, by table',
        labelNames: ['table'] as const,
        registers,
      }),
      refused: new client.Counter({
        name: 'depotdesk_telemetry_frames_refused_total',
        help: 'Telemetry frames not stored: invalid, dropped (a device queue overflowed or a batch failed to write) or from an unknown device',
        labelNames: ['reason'] as const,
        registers,
      }),
      batches: new client.Counter({ name: 'depotdesk_telemetry_batches_total', help: 'Telemetry batches written', registers }),
      batchSeconds: new client.Histogram({
        name: 'depotdesk_telemetry_batch_seconds',
        help: 'Time one telemetry batch held the event loop (inserts, roll-ups, change log)',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
        registers,
      }),
    };
    // Gauges read the newest pipeline's state when scraped (a restored host starts a new pipeline).
    new client.Gauge({
      name: 'depotdesk_telemetry_queued_rows',
      help: 'Telemetry rows waiting to be written',
      registers,
      collect() {
        this.set(current.get(host.metrics.registry)?.queued() ?? 0);
      },
    });
    new client.Gauge({
      name: 'depotdesk_telemetry_devices_held',
      help: 'Devices whose port reading is held back because their queue is full (backpressure)',
      registers,
      collect() {
        this.set(current.get(host.metrics.registry)?.held() ?? 0);
      },
    });
    byRegistry.set(host.metrics.registry, m);
  }
  current.set(host.metrics.registry, gauges);
  return m;
}

const current = new WeakMap<client.Registry, { queued: () => number; held: () => number }>();
