import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { jobs, type JobState } from '../../db/schema/index.js';
import type { Ctx, Host } from '../core/context.js';
import { iso } from '../http/contract-common.js';
import { NotFoundError } from '../errors.js';
import type { JobDto } from './contract.js';

export type JobRow = typeof jobs.$inferSelect;

export function toJobDto(r: JobRow): JobDto {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.maxAttempts,
    runAt: iso(r.runAt),
    lastError: r.lastError,
    payload: r.payload,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** The org's jobs, newest first, optionally in one state. */
export function listJobs(ctx: Ctx, q: { state?: JobState | undefined; limit: number; cursor?: string | undefined }) {
  const where: SQL[] = [eq(jobs.orgId, ctx.orgId)];
  if (q.state) where.push(eq(jobs.state, q.state));
  if (q.cursor) where.push(lt(jobs.id, q.cursor));
  const rows = ctx.host.db
    .select()
    .from(jobs)
    .where(and(...where))
    .orderBy(desc(jobs.id))
    .limit(q.limit + 1)
    .all();
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  return { items: items.map(toJobDto), nextCursor: more ? items.at(-1)!.id : null };
}

/** One job of the org; another org's id is "not found" (DESIGN invariant 2). */
export function getJob(ctx: Ctx, id: string): JobRow {
  const row = ctx.host.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.id, id), eq(jobs.orgId, ctx.orgId)))
    .get();
  if (!row) throw new NotFoundError('job', id);
  return row;
}

/**
 * Jobs of `kind` that may be claimed now, oldest due first: queued or failed ones whose time has come,
 * and running ones whose lease passed (their host died mid-run). Across orgs: the runner serves the host.
 */
export function dueJobs(host: Host, kind: string, now: number, limit: number): Pick<JobRow, 'id' | 'orgId'>[] {
  return host.sqlite
    .prepare(
      `SELECT id, org_id AS orgId FROM jobs
       WHERE kind = ? AND ((state IN ('queued', 'failed') AND run_at <= ?) OR (state = 'running' AND lease_until <= ?))
       ORDER BY run_at, id LIMIT ?`,
    )
    .all(kind, now, now, limit) as Pick<JobRow, 'id' | 'orgId'>[];
}

/** For /metrics: dead jobs by kind. */
export function deadByKind(host: Host): Map<string, number> {
  const rows = host.sqlite.prepare("SELECT kind, count(*) AS n FROM jobs WHERE state = 'dead' GROUP BY kind").all() as {
    kind: string;
    n: number;
  }[];
  return new Map(rows.map((d) => [d.kind, d.n]));
}

/** For /metrics: the due time of the oldest job that is due and waiting (not running). */
export function oldestDueAt(host: Host, now: number): number | null {
  return host.sqlite.prepare("SELECT min(run_at) FROM jobs WHERE state IN ('queued', 'failed') AND run_at <= ?").pluck().get(now) as
    number | null;
}
