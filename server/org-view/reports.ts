import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Host } from '../core/context.js';
import { AppError } from '../errors.js';
import { DB_FILE } from '../host.js';
import type { BuildSpec } from '../reports/jobs/build.js';
import type { WorkerMessage } from '../reports/jobs/protocol.js';
import { spawnReportWorker } from '../reports/jobs/spawn.js';

/**
 * The organization's KPI PDF and workbook: the depot's report builders, run by the depot's report
 * worker on the org replica (its own read-only connection, off the hub's event loop). The file is
 * built into the replica's folder, handed to the caller to stream, and removed after.
 */

/** One build per org at a time is plenty for a few managers; more queue here rather than pile up threads. */
const queues = new Map<string, { tail: Promise<unknown>; waiting: number }>();

/**
 * Builds an org holds in line at most (the one running included). A year's workbook takes seconds
 * of a worker thread; a script or a held-down refresh asking for hundreds would otherwise keep the
 * hub's CPU busy for minutes and its disk full of parts, so the rest are refused, to ask again.
 */
export const MAX_QUEUED_BUILDS = 4;

export function buildOrgReport(host: Host, spec: BuildSpec): Promise<{ file: string; sizeBytes: number }> {
  const key = host.dataDir;
  const queue = queues.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
  if (queue.waiting >= MAX_QUEUED_BUILDS) {
    return Promise.reject(
      new AppError(429, 'reports_busy', `${queue.waiting} reports of this organization are being built; try again in a minute.`, [], {
        retryAfterSeconds: 60,
      }),
    );
  }
  queue.waiting++;
  const run = queue.tail.catch(() => undefined).then(() => build(host, spec));
  queue.tail = run;
  queues.set(key, queue);
  void run
    .finally(() => {
      queue.waiting--;
      if (queue.waiting === 0 && queues.get(key) === queue) queues.delete(key);
    })
    .catch(() => undefined);
  return run;
}

function build(host: Host, spec: BuildSpec): Promise<{ file: string; sizeBytes: number }> {
  const dir = path.join(host.dataDir, 'org-reports');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${randomUUID()}.part`);
  const worker = spawnReportWorker({ dbFile: path.join(host.dataDir, DB_FILE), dataDir: host.dataDir, spec, tmpFile: file });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      fs.rmSync(file, { force: true });
      reject(err);
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') {
        settled = true;
        resolve({ file, sizeBytes: m.sizeBytes });
      } else if (m.type === 'error') fail(new Error(m.message));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the report worker stopped (exit code ${code})`)));
  });
}
