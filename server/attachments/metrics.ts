import client from 'prom-client';
import type { Host } from '../core/context.js';

/**
 * Uploads by kind and outcome on /metrics. Registered on the host's own registry the first time
 * it is needed, so this feature needs no edit to the shared metrics module.
 */
const counters = new WeakMap<client.Registry, client.Counter<'kind' | 'outcome'>>();

export type UploadOutcome = 'stored' | 'replayed' | 'too_large' | 'unsupported_type' | 'refused' | 'failed';

export function countUpload(host: Host, kind: string, outcome: UploadOutcome): void {
  const registry = host.metrics.registry;
  let counter = counters.get(registry);
  if (!counter) {
    counter = new client.Counter({
      name: 'depotdesk_uploads_total',
      help: 'Attachment uploads by kind (photo, document, signature) and outcome',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    });
    counters.set(registry, counter);
  }
  counter.inc({ kind, outcome });
}

export function outcomeOf(status: number): UploadOutcome {
  if (status === 413) return 'too_large';
  if (status === 415) return 'unsupported_type';
  return status < 500 ? 'refused' : 'failed';
}
