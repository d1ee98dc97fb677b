import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the write path. Left to SQLite, the commit that pushes the WAL past 1,000
 * pages runs the checkpoint itself, inside COMMIT on the event loop (copying the pages into the
 * database and fsyncing it). The host turns that off (`wal_autocheckpoint = 0`) and this worker
 * thread, on its own connection, checkpoints instead. PASSIVE never waits for the writer or readers;
 * once a checkpoint has caught up, the next write restarts the WAL from its beginning. Only a WAL
 * grown past `restartBytes` (a long burst that never let a checkpoint catch up) gets a RESTART, which
 * holds new writes back briefly (they retry, counted as busy retries) so the file stops growing.
 *
 * The worker is inline JavaScript loading better-sqlite3 by a resolved path (like server/backups/
 * worker.ts), so it runs the same from source, from the bundle and in Electron.
 */
const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');

const CODE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(w.sqlitePath);
const db = new Database(w.dbFile, { fileMustExist: true });
db.pragma('busy_timeout = ' + w.busyMs);
const walFile = w.dbFile + '-wal';
function walBytes() { try { return fs.statSync(walFile).size; } catch { return 0; } }
function tick() {
  const t0 = performance.now();
  let mode = 'PASSIVE';
  try {
    if (walBytes() > w.restartBytes) mode = 'RESTART';
    const r = db.pragma('wal_checkpoint(' + mode + ')')[0];
    if (r.log > 0 || mode !== 'PASSIVE') parentPort.postMessage({ type: 'checkpoint', mode, busy: r.busy, log: r.log, checkpointed: r.checkpointed, ms: performance.now() - t0 });
  } catch (err) {
    parentPort.postMessage({ type: 'error', mode, message: err && err.message ? err.message : String(err) });
  }
}
const timer = setInterval(tick, w.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'now') tick();
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    Atomics.store(w.stopped, 0, 1);
    Atomics.notify(w.stopped, 0);
    parentPort.close();
  }
});
`;

export interface CheckpointResult {
  mode: 'PASSIVE' | 'RESTART';
  /** 1 when a RESTART could not finish (readers or a writer held it off). */
  busy: number;
  /** WAL frames, and frames now copied into the database. */
  log: number;
  checkpointed: number;
  ms: number;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  restartBytes?: number;
  onCheckpoint?: (r: CheckpointResult) => void;
  onError?: (message: string) => void;
}

export interface Checkpointer {
  /** Asks for a checkpoint now (tests; after a bulk load). */
  now(): void;
  /** Stops the worker and closes its connection, waiting (briefly) so the host's close is the last. */
  stop(): void;
}

export function startCheckpointer(dbFile: string, opts: CheckpointerOptions = {}): Checkpointer {
  const stopped = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(CODE, {
    eval: true,
    workerData: {
      sqlitePath,
      dbFile,
      intervalMs: opts.intervalMs ?? 500,
      restartBytes: opts.restartBytes ?? 256 * 1024 * 1024,
      busyMs: 100,
      stopped,
    },
  });
  // The host's event loop must not stay alive for a housekeeping thread.
  worker.unref();
  worker.on('message', (m: ({ type: 'checkpoint' } & CheckpointResult) | { type: 'error'; message: string }) => {
    if (m.type === 'checkpoint') opts.onCheckpoint?.(m);
    else opts.onError?.(m.message);
  });
  worker.on('error', (err) => opts.onError?.(err.message));
  let running = true;
  return {
    now() {
      if (running) worker.postMessage('now');
    },
    stop() {
      if (!running) return;
      running = false;
      worker.postMessage('stop');
      // Synchronous on purpose: the host's close() is synchronous, and its connection should be the
      // last to close so SQLite checkpoints and removes the WAL. A checkpoint in progress finishes first.
      Atomics.wait(stopped, 0, 0, 5_000);
    },
  };
}
