import client from 'prom-client';

/** One registry per host (not prom-client's global) so several hosts in one test process stay apart. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'depotdesk_' });
  const httpDuration = new client.Histogram({
    name: 'depotdesk_http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const httpErrors = new client.Counter({
    name: 'depotdesk_http_errors_total',
    help: 'HTTP responses with status >= 400, by route and error code',
    labelNames: ['method', 'route', 'status', 'code'] as const,
    registers: [registry],
  });
  const openSockets = new client.Gauge({
    name: 'depotdesk_websocket_open',
    help: 'Open WebSocket connections',
    registers: [registry],
  });
  const busyRetries = new client.Counter({
    name: 'depotdesk_sqlite_busy_retries_total',
    help: 'Write transactions retried because SQLite was busy (another process held the lock)',
    registers: [registry],
  });
  const mutations = new client.Counter({
    name: 'depotdesk_mutations_total',
    help: 'Committed write transactions by action',
    labelNames: ['action'] as const,
    registers: [registry],
  });
  const hlcRefused = new client.Counter({
    name: 'depotdesk_hlc_refused_total',
    help: 'Remote clock stamps refused because they were further ahead of this depot than the drift bound',
    registers: [registry],
  });
  return { registry, httpDuration, httpErrors, openSockets, busyRetries, mutations, hlcRefused };
}

export type HostMetrics = ReturnType<typeof createMetrics>;
