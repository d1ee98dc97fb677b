import client from 'prom-client';
import type { Host } from '../core/context.js';
import { deadByKind, oldestDueAt } from './repo.js';

export interface JobMetrics {
  processed: client.Counter<'kind'>;
  failed: client.Counter<'kind'>;
  retried: client.Counter<'kind'>;
}

/** Per registry: a restore builds new services on the same registry, and a metric may be registered once. */
const byRegistry = new WeakMap<client.Registry, { metrics: JobMetrics; host: Host }>();

/**
 * The job runner's figures in /metrics: attempts that succeeded, failed and were scheduled again (by
 * kind), and, read from the table when scraped, dead jobs by kind and how long the oldest due job has
 * waited past its time (a stalled or saturated runner shows as a growing lag).
 */
export function jobMetrics(host: Host): JobMetrics {
  const registry = host.metrics.registry;
  const known = byRegistry.get(registry);
  if (known) {
    known.host = host;
    return known.metrics;
  }
  const registers = [registry];
  const metrics: JobMetrics = {
    processed: new client.Counter({
      name: 'depotdesk_jobs_processed_total',
      help: 'Background job attempts that succeeded, by kind',
      labelNames: ['kind'],
      registers,
    }),
    failed: new client.Counter({
      name: 'depotdesk_jobs_failed_total',
      help: 'Background job attempts that failed (retried or dead-lettered), by kind',
      labelNames: ['kind'],
      registers,
    }),
    retried: new client.Counter({
      name: 'depotdesk_jobs_retried_total',
      help: 'Failed background job attempts scheduled to run again after a backoff, by kind',
      labelNames: ['kind'],
      registers,
    }),
  };
  const entry = { metrics, host };
  byRegistry.set(registry, entry);
  new client.Gauge({
    name: 'depotdesk_jobs_dead',
    help: 'Dead-lettered background jobs (out of attempts, waiting for an admin to re-drive them), by kind',
    labelNames: ['kind'],
    registers,
    collect() {
      // Kinds with no dead job drop out instead of staying at their last count.
      this.reset();
      for (const [kind, n] of deadByKind(entry.host)) this.set({ kind }, n);
    },
  });
  new client.Gauge({
    name: 'depotdesk_jobs_queue_lag_seconds',
    help: 'How long the oldest due background job has waited past its due time (0 when none is waiting)',
    registers,
    collect() {
      const now = entry.host.clock.now();
      const oldestDue = oldestDueAt(entry.host, now);
      this.set(oldestDue === null ? 0 : Math.max(0, (now - oldestDue) / 1000));
    },
  });
  return metrics;
}
