import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, json } from './columns.js';
import { organizations } from './org.js';

/**
 * A job's life: `queued` (due at run_at) → `running` (claimed, leased until lease_until) → `done`;
 * a failed attempt goes to `failed` (due again at run_at, after a backoff) or, out of attempts, to
 * `dead` (kept with its last error until an admin re-drives it).
 */
export const JOB_STATES = ['queued', 'running', 'failed', 'done', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

/**
 * Durable background work of this host (issue 18 item 2): a transactional outbox. A row is written in
 * the same transaction as the change that causes it (Writer.enqueue), so the work exists exactly when
 * the change does; the runner (server/jobs/runner.ts) claims, runs, retries and dead-letters it.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    kind: text('kind').notNull(),
    /** Idempotency key within the kind (an event, run or period id): enqueuing it again is a no-op. */
    key: text('key').notNull(),
    payload: json('payload').notNull(),
    state: text('state', { enum: JOB_STATES }).notNull(),
    /** Attempts started (a claim counts one, so a crash mid-run uses up an attempt too). */
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    /** When a queued or failed job is due (epoch ms). */
    runAt: integer('run_at').notNull(),
    /** A running job whose lease has passed was lost (host killed): it is claimed again. */
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    uniqueIndex('jobs_kind_key_uq').on(t.kind, t.key),
    index('jobs_due_idx').on(t.state, t.runAt),
    index('jobs_org_state_idx').on(t.orgId, t.state, t.id),
  ],
);

/**
 * Effects a job has applied, one row per effect key, written in the effect's own transaction: a job
 * run again after a crash finds its key here and skips what it already did.
 */
export const jobEffects = sqliteTable('job_effects', {
  key: text('key').primaryKey(),
  orgId: orgId().references(() => organizations.id),
  jobId: text('job_id').notNull(),
  at: integer('at').notNull(),
});
