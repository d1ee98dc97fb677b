import type { Statement } from 'better-sqlite3';
import { jobs, type JobState } from '../../db/schema/index.js';
import { systemCtx, type Ctx, type Host } from '../core/context.js';
import { mutate, type Writer } from '../core/mutate.js';
import { ConflictError } from '../errors.js';
import { getJob, toJobDto, type JobRow } from './repo.js';
import type { JobDto } from './contract.js';

/**
 * A job's state changes. Each is one short mutation (no await inside) in the job's org; they are the
 * runner's bookkeeping of a local table, so they go through setLocal (no audit entry, no change row)
 * except the admin's re-drive, which is audited. `attempts` doubles as the claim's token: a runner
 * whose lease was taken over (it stalled, another claim ran the job) finds it changed and writes nothing.
 */

const runnerCtx = (host: Host, orgId: string) => systemCtx(host, orgId, 'job runner');

function due(row: JobRow, now: number): boolean {
  if (row.state === 'queued' || row.state === 'failed') return row.runAt <= now;
  return row.state === 'running' && row.leaseUntil !== null && row.leaseUntil <= now;
}

/** Claims a due job for one attempt; null when it is no longer due (claimed, finished or re-timed meanwhile). */
export function claimJob(host: Host, ref: { id: string; orgId: string }, leaseMs: number): JobRow | null {
  return mutate(runnerCtx(host, ref.orgId), 'job.claimed', (w) => {
    const row = w.find(jobs, ref.id);
    if (!row || !due(row, w.now)) return null;
    return w.setLocal(jobs, ref.id, { state: 'running', attempts: row.attempts + 1, leaseUntil: w.now + leaseMs, updatedAt: w.now });
  });
}

/** Runs `fn` only while `claimed` is still this runner's claim; false when the claim was lost. */
function whileClaimed(host: Host, claimed: JobRow, action: string, fn: (w: Writer) => void): boolean {
  return mutate(runnerCtx(host, claimed.orgId), action, (w) => {
    const row = w.find(jobs, claimed.id);
    if (!row || row.state !== 'running' || row.attempts !== claimed.attempts) return false;
    fn(w);
    return true;
  });
}

export function renewLease(host: Host, claimed: JobRow, leaseUntil: number): boolean {
  return whileClaimed(host, claimed, 'job.renewed', (w) => void w.setLocal(jobs, claimed.id, { leaseUntil }));
}

export function completeJob(host: Host, claimed: JobRow): boolean {
  return whileClaimed(host, claimed, 'job.done', (w) => {
    w.setLocal(jobs, claimed.id, { state: 'done', leaseUntil: null, lastError: null, updatedAt: w.now, finishedAt: w.now });
  });
}

/** An attempt the host's stop cut short: queued again, the attempt not counted. */
export function releaseJob(host: Host, claimed: JobRow): boolean {
  return whileClaimed(host, claimed, 'job.released', (w) => {
    w.setLocal(jobs, claimed.id, { state: 'queued', attempts: claimed.attempts - 1, leaseUntil: null, updatedAt: w.now });
  });
}

/** A failed attempt: due again at `retryAt`, or dead (kept with its error) when `retryAt` is null. */
export function failJob(host: Host, claimed: JobRow, error: string, retryAt: number | null): boolean {
  const state: JobState = retryAt === null ? 'dead' : 'failed';
  return whileClaimed(host, claimed, `job.${state}`, (w) => {
    w.setLocal(jobs, claimed.id, {
      state,
      leaseUntil: null,
      lastError: error.slice(0, 4000),
      runAt: retryAt ?? claimed.runAt,
      updatedAt: w.now,
      finishedAt: retryAt === null ? w.now : null,
    });
  });
}

/**
 * An admin sends a dead job round again: queued now with its attempts reset. Audited (who re-drove
 * what, and the error it had), since it repeats an effect on purpose.
 */
export function redriveJob(ctx: Ctx, id: string): JobDto {
  const row = getJob(ctx, id);
  if (row.state !== 'dead') {
    throw new ConflictError('job_not_dead', `Only a dead job can be re-driven; this one is ${row.state}.`, { state: row.state });
  }
  const after = mutate(ctx, 'job.redriven', (w) => {
    const current = w.get(jobs, id, 'job');
    if (current.state !== 'dead')
      throw new ConflictError('job_not_dead', `Only a dead job can be re-driven; this one is ${current.state}.`);
    const next = w.setLocal(jobs, id, { state: 'queued', attempts: 0, runAt: w.now, lastError: null, finishedAt: null, updatedAt: w.now });
    w.audit(
      'jobs.redrive',
      'jobs',
      id,
      { state: current.state, attempts: current.attempts, lastError: current.lastError },
      { state: next.state, attempts: next.attempts },
    );
    return next;
  });
  return toJobDto(after);
}

const effectStatements = new WeakMap<Host['sqlite'], Statement<unknown[]>>();

/**
 * Records effect `key` of job `jobId` inside `w`'s mutation; false when it was recorded before (the
 * effect was applied by an earlier run that crashed before it could finish the job).
 */
export function markEffect(w: Writer, jobId: string, key: string): boolean {
  const sqlite = w.ctx.host.sqlite;
  let insert = effectStatements.get(sqlite);
  if (!insert) {
    insert = sqlite.prepare('INSERT INTO job_effects (key, org_id, job_id, at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING');
    effectStatements.set(sqlite, insert);
  }
  return insert.run(key, w.ctx.orgId, jobId, w.now).changes === 1;
}

/** Done jobs are kept this long for the admin's list, then pruned with their effect keys. */
export const DONE_JOBS_KEPT_MS = 30 * 86_400_000;

/**
 * Housekeeping (hourly, server/start.ts): removes done jobs finished before the retention and their
 * effect keys. A done job never runs again, so its keys guard nothing any more. Dead jobs stay until
 * an admin re-drives them. Local rows with no history to keep, so deleted directly, like stored
 * idempotent answers (server/http/idempotency.ts).
 */
export function pruneFinishedJobs(host: Host): number {
  const before = host.clock.now() - DONE_JOBS_KEPT_MS;
  // In the group commit's batch, as every write of the host's connection is.
  return host.commits.run(() => {
    host.sqlite
      .prepare("DELETE FROM job_effects WHERE job_id IN (SELECT id FROM jobs WHERE state = 'done' AND finished_at < ?)")
      .run(before);
    return host.sqlite.prepare("DELETE FROM jobs WHERE state = 'done' AND finished_at < ?").run(before).changes;
  });
}
