import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveKpis } from '../kpi/serve.js';
import { buildReport } from './build.js';
import { writeEventsPart } from '../excel/events-part.js';
import type { EventsSheetInput, EventsSheetMessage, KpiWorkerInput, WorkerInput, WorkerMessage } from './protocol.js';

/**
 * The report worker: its own read-only SQLite connection (WAL lets it read a consistent snapshot
 * while the host keeps writing), so a 100k-row export runs on another thread and the host's event
 * loop, API and WebSocket hub never wait for it. Cancelling is `worker.terminate()` by the host.
 * Started with `{ mode: 'kpi' }` it stays up and answers KPI queries instead (server/reports/kpi/pool.ts);
 * with `{ mode: 'events-sheet' }` it writes a workbook's Events sheet for the worker building it.
 */

const started = workerData as WorkerInput | KpiWorkerInput | EventsSheetInput;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  peakHeap = Math.max(peakHeap, v8.getHeapStatistics().used_heap_size);
};

async function run(input: WorkerInput): Promise<void> {
  const started = performance.now();
  const sqlite = new Database(input.dbFile, { readonly: true, fileMustExist: true });
  let lastSent = 0;
  try {
    sqlite.pragma('busy_timeout = 5000');
    // A small page cache, and the KPI statement's materialised facts and sorts in temp files (the OS
    // caches those, outside this process): on the 100k depot, peak RSS growth of a KPI PDF went
    // 158 → 117 MB with no loss of speed.
    sqlite.pragma('cache_size = -4000');
    const result = await buildReport(sqlite, input.dataDir, input.spec, input.tmpFile, (progress, message) => {
      sample();
      const now = performance.now();
      // The host forwards progress to WebSocket clients: a few updates a second are plenty.
      if (now - lastSent >= 200 || progress >= 1) {
        lastSent = now;
        post({ type: 'progress', progress: Math.min(1, Math.max(0, progress)), message });
      }
    });
    sample();
    post({ type: 'done', sizeBytes: result.sizeBytes, ms: Math.round(performance.now() - started), peakRss, peakHeap });
  } finally {
    sqlite.close();
  }
}

async function eventsSheet(input: EventsSheetInput): Promise<void> {
  const sqlite = new Database(input.dbFile, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    const part = await writeEventsPart(sqlite, input.scope, input.zone, input.file);
    parentPort?.postMessage({ type: 'events-done', part } satisfies EventsSheetMessage);
  } finally {
    sqlite.close();
  }
}

if ('mode' in started && started.mode === 'kpi') {
  if (parentPort) serveKpis(started, parentPort);
} else if ('mode' in started) {
  eventsSheet(started).catch((err: unknown) =>
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies EventsSheetMessage),
  );
} else {
  run(started).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
}
