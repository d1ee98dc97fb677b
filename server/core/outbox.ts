import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../../db/client.js';
import { newId } from './ids.js';

/** What a service asks for when its write causes background work (see Writer.enqueue). */
export interface JobRequest {
  kind: string;
  /** Within the kind, names the cause (an event, run or period id): the same key twice is one job. */
  key: string;
  /** Stored as JSON; the job kind's schema checks it again when the job runs. */
  payload: unknown;
  maxAttempts: number;
  /** Due time (epoch ms); now when absent. */
  runAt?: number;
}

const statements = new WeakMap<Sqlite, Statement<unknown[]>>();

/**
 * Inserts a job row inside the caller's transaction (the transactional outbox): it commits or rolls
 * back with the write that caused it. Returns the new job's id, or null when a job of this kind and
 * key already exists (a retried request, a replayed event): the work is already on its way.
 */
export function insertJob(sqlite: Sqlite, orgId: string, now: number, job: JobRequest): string | null {
  let insert = statements.get(sqlite);
  if (!insert) {
    insert = sqlite.prepare(
      `INSERT INTO jobs (id, org_id, kind, key, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?) ON CONFLICT (kind, key) DO NOTHING`,
    );
    statements.set(sqlite, insert);
  }
  const id = newId();
  const info = insert.run(id, orgId, job.kind, job.key, JSON.stringify(job.payload ?? null), job.maxAttempts, job.runAt ?? now, now, now);
  return info.changes === 1 ? id : null;
}
