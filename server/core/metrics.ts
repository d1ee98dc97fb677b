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
  const walSync = new client.Histogram({
    name: 'depotdesk_wal_sync_seconds',
    help: 'fdatasync of the WAL that makes a batch of commits durable (runs off the event loop)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [registry],
  });
  const checkpoints = new client.Histogram({
    name: 'depotdesk_wal_checkpoint_seconds',
    help: 'WAL checkpoints run by the checkpoint thread, by mode (PASSIVE, or RESTART for an oversized WAL)',
    labelNames: ['mode'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const walFrames = new client.Gauge({
    name: 'depotdesk_wal_frames',
    help: 'Frames in the WAL at the last checkpoint, and how many of them were not yet copied into the database',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  const syncBytes = new client.Counter({
    name: 'depotdesk_sync_bytes_total',
    help: "Body bytes exchanged with the organization's hub: up as sent (compressed); down as read (after fetch undid gzip; a dictionary-compressed page as it came)",
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  const syncDriftChecks = new client.Counter({
    name: 'depotdesk_sync_drift_checks_total',
    help: "Drift checks that compared this depot's rows with the hub's",
    registers: [registry],
  });
  const syncDriftMismatches = new client.Counter({
    name: 'depotdesk_sync_drift_mismatches_total',
    help: "Tables whose rows differed from the hub's at a drift check",
    labelNames: ['table'] as const,
    registers: [registry],
  });
  const syncDriftFetched = new client.Counter({
    name: 'depotdesk_sync_drift_fetched_rows_total',
    help: 'Rows a drift check found missing here and fetched from the hub',
    registers: [registry],
  });
  const syncDriftRepaired = new client.Counter({
    name: 'depotdesk_sync_drift_repaired_rows_total',
    help: "Rows a drift check found with fields that differed from the hub's, and re-fetched",
    registers: [registry],
  });
  const syncDriftOnlyHere = new client.Gauge({
    name: 'depotdesk_sync_drift_only_here_rows',
    help: 'Rows this depot has that the hub does not, at the last drift check (shown to admins, never deleted)',
    registers: [registry],
  });
  return {
    registry,
    syncDriftChecks,
    syncDriftMismatches,
    syncDriftFetched,
    syncDriftRepaired,
    syncDriftOnlyHere,
    httpDuration,
    httpErrors,
    openSockets,
    busyRetries,
    mutations,
    hlcRefused,
    walSync,
    checkpoints,
    walFrames,
    syncBytes,
  };
}

export type HostMetrics = ReturnType<typeof createMetrics>;
