import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../host.js';
import type { BuildSpec } from './jobs/build.js';
import type { WorkerMessage } from './jobs/protocol.js';
import { spawnReportWorker } from './jobs/spawn.js';

/**
 * Times the KPI PDF and the workbook over a depot's data dir, each built by the real report worker
 * (its own thread and read-only connection), as `npm run bench` would report it. Peak RSS is the
 * process's (host thread + worker) as sampled inside the worker; peak heap is the worker's own.
 */

export interface ReportBenchRow {
  report: 'kpi-pdf' | 'workbook';
  workOrders: number;
  ms: number;
  sizeBytes: number;
  peakRssMb: number;
  peakHeapMb: number;
}

function runOnce(dataDir: string, spec: BuildSpec, outDir: string): Promise<WorkerMessage & { type: 'done' }> {
  return new Promise((resolve, reject) => {
    const worker = spawnReportWorker({ dbFile: path.join(dataDir, DB_FILE), dataDir, spec, tmpFile: path.join(outDir, `${spec.kind}.${spec.kind === 'workbook' ? 'xlsx' : 'pdf'}`) });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') resolve(m);
      else if (m.type === 'error') reject(new Error(m.message));
    });
    worker.on('error', reject);
  });
}

export async function benchReports(dataDir: string): Promise<ReportBenchRow[]> {
  const sqlite = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  let orgId: string;
  let range: { from: number; to: number; n: number };
  try {
    // The demo depot has one organization; the largest one is the one worth timing.
    orgId = sqlite.prepare('SELECT org_id FROM work_orders GROUP BY org_id ORDER BY count(*) DESC LIMIT 1').pluck().get() as string;
    range = sqlite.prepare('SELECT min(created_at) AS "from", max(created_at) + 1 AS "to", count(*) AS n FROM work_orders WHERE org_id = ?').get(orgId) as typeof range;
  } finally {
    sqlite.close();
  }
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-bench-reports-'));
  const rows: ReportBenchRow[] = [];
  try {
    for (const kind of ['kpi-pdf', 'workbook'] as const) {
      const started = performance.now();
      const done = await runOnce(dataDir, { kind, orgId, from: range.from, to: range.to, filters: {}, now: range.to }, outDir);
      rows.push({
        report: kind, workOrders: range.n, ms: Math.round(performance.now() - started), sizeBytes: done.sizeBytes,
        peakRssMb: Math.round(done.peakRss / 1_048_576), peakHeapMb: Math.round(done.peakHeap / 1_048_576),
      });
    }
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
  return rows;
}
