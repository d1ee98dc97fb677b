import type { MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { KpiRequest, KpiResponse, KpiWorkerInput } from '../jobs/protocol.js';
import { computeKpis } from './index.js';

/**
 * The KPI side of the report worker: a read-only connection of its own (WAL: it reads the last
 * committed snapshot while the host writes) that answers KPI queries one after another. The
 * messages queue on the port, so a burst of requests is a queue, not a pile of parallel scans.
 */
export function serveKpis(input: KpiWorkerInput, port: MessagePort): void {
  const sqlite = new Database(input.dbFile, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  // Small: this thread lives as long as KPIs are asked for (server/reports/jobs/worker.ts on temp files).
  sqlite.pragma('cache_size = -4000');
  port.on('message', (m: KpiRequest) => {
    const started = performance.now();
    let reply: KpiResponse;
    try {
      const report = computeKpis(sqlite, m.query);
      reply = { id: m.id, ok: true, report, ms: Math.round(performance.now() - started) };
    } catch (err) {
      reply = {
        id: m.id,
        ok: false,
        name: err instanceof Error ? err.name : 'Error',
        message: err instanceof Error ? err.message : String(err),
      };
    }
    port.postMessage(reply);
  });
  port.on('close', () => sqlite.close());
}
