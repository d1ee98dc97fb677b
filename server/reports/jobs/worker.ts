import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { buildReport } from './build.js';
import type { WorkerInput, WorkerMessage } from './protocol.js';

/**
 * The report worker: its own read-only SQLite connection (WAL lets it read a consistent snapshot
 * while the host keeps writing), so a 100k-row export runs on another thread and the host's event
 * loop, API and WebSocket hub never wait for it. Cancelling is `worker.terminate()` by the host.
 */

const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  peakHeap = Math.max(peakHeap, v8.getHeapStatistics().used_heap_size);
};

async function run(): Promise<void> {
  const started = performance.now();
  const sqlite = new Database(input.dbFile, { readonly: true, fileMustExist: true });
  let lastSent = 0;
  try {
    sqlite.pragma('busy_timeout = 5000');
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

run().catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
