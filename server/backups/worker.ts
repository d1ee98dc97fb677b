import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { IntegrityResult } from './inspect.js';

/**
 * The heavy parts of a backup run on a worker thread, so the host keeps answering meanwhile:
 * PRAGMA integrity_check is one synchronous SQLite call (≈0.3–0.5 s on the demo depot's 88 MB,
 * proportionally longer on a multi-GB depot), and so is each backup step. The worker is a few lines
 * of plain JavaScript given inline, loading better-sqlite3 by the path this module resolves: the
 * same code then runs from source, from the esbuild bundle and in Electron's utility process,
 * without another bundled entry.
 */
const sqlitePath = createRequire(import.meta.url).resolve('better-sqlite3');

const CODE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const Database = require(w.sqlitePath);
(async () => {
  if (w.job === 'copy') {
    // One read transaction for the whole copy: a fixed WAL snapshot, so the host's commits meanwhile
    // never restart the backup (without it, steady writes restart it forever).
    const source = new Database(w.dbFile, { readonly: true, fileMustExist: true });
    try {
      source.exec('BEGIN');
      source.prepare('SELECT count(*) FROM sqlite_master').get();
      await source.backup(w.dest, { progress: () => 4096 });
      source.exec('COMMIT');
    } finally {
      source.close();
    }
    // A rollback-journal file is self-contained: a read-only USB stick or share can open it.
    const copy = new Database(w.dest, { fileMustExist: true });
    try { copy.pragma('journal_mode = DELETE'); } finally { copy.close(); }
    return { ok: true };
  }
  let db = null;
  try {
    db = new Database(w.dest, { readonly: true, fileMustExist: true });
    const messages = db.prepare('PRAGMA integrity_check(20)').pluck().all().map(String);
    return { ok: true, integrity: { ok: messages.length === 1 && messages[0] === 'ok', messages } };
  } catch (err) {
    return { ok: true, integrity: { ok: false, messages: [err && err.message ? err.message : String(err)] } };
  } finally {
    if (db) db.close();
  }
})().then((r) => parentPort.postMessage(r), (err) => parentPort.postMessage({ ok: false, message: err && err.message ? err.message : String(err) }));
`;

function run<T>(data: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CODE, { eval: true, workerData: { ...data, sqlitePath } });
    let settled = false;
    worker.once('message', (m: { ok: boolean; message?: string } & T) => {
      settled = true;
      if (m.ok) resolve(m);
      else reject(new Error(m.message));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`backup worker stopped (exit code ${code}) before it finished`));
    });
  });
}

/** Copies the live database to `dest` with SQLite's online backup API, off the main thread. */
export async function copyDatabase(dbFile: string, dest: string): Promise<void> {
  await run({ job: 'copy', dbFile, dest });
}

/** PRAGMA integrity_check on a written copy, off the main thread; a file too damaged to open counts as failed. */
export async function checkIntegrity(dest: string): Promise<IntegrityResult> {
  return (await run<{ integrity: IntegrityResult }>({ job: 'check', dest })).integrity;
}
