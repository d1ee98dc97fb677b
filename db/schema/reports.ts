import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json, deletable, live } from './columns.js';
import { organizations, users } from './org.js';
import { workOrders } from './work-orders.js';

/** What the report worker can build. */
export const REPORT_KINDS = ['kpi-pdf', 'workbook', 'jobcard'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

export const REPORT_RUN_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type ReportRunState = (typeof REPORT_RUN_STATES)[number];

/** A report written to `<dataDir>/reports/` every day, week or month for the period just ended. */
export const reportSchedules = sqliteTable(
  'report_schedules',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    /** Part of the file name, so two schedules of the same kind never overwrite each other. */
    slug: text('slug').notNull(),
    kind: text('kind', { enum: REPORT_KINDS }).notNull(),
    cadence: text('cadence', { enum: REPORT_CADENCES }).notNull(),
    /** KpiFilters (validated by the reports contract before it is stored). */
    filters: json('filters').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** End (exclusive, epoch ms) of the last period a run was made for; null before the first run. */
    lastPeriodEnd: integer('last_period_end'),
    createdBy: text('created_by').references(() => users.id),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('report_schedules_org_slug_uq').on(t.orgId, t.slug).where(live)],
);

/** One report build: on demand (POST /reports/jobs) or by a schedule. Progress lives in memory; the outcome here. */
export const reportRuns = sqliteTable(
  'report_runs',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    scheduleId: text('schedule_id').references(() => reportSchedules.id),
    kind: text('kind', { enum: REPORT_KINDS }).notNull(),
    state: text('state', { enum: REPORT_RUN_STATES }).notNull(),
    /** The request: period, filters, work order; what the worker was given. */
    params: json('params').notNull(),
    message: text('message'),
    /** File name inside `<dataDir>/reports/` once done. */
    fileName: text('file_name'),
    sizeBytes: integer('size_bytes'),
    requestedBy: text('requested_by').references(() => users.id),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    ...tracked(),
  },
  (t) => [
    index('report_runs_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('report_runs_schedule_idx').on(t.scheduleId, t.createdAt),
  ],
);

/**
 * A customer-facing read-only link to one work order. Only the SHA-256 of the code is kept (the
 * write path redacts `codeHash` and `passwordHash` from audit and change log): a copied database
 * opens no status page; the sharer copies the link when it is made.
 */
export const shareLinks = sqliteTable(
  'share_links',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    workOrderId: text('work_order_id')
      .notNull()
      .references(() => workOrders.id),
    codeHash: text('code_hash').notNull(),
    /** First characters of the code, so a list can tell links apart without holding the secret. */
    codeHint: text('code_hint').notNull(),
    passwordHash: text('password_hash'),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    opens: integer('opens').notNull().default(0),
    lastOpenedAt: integer('last_opened_at'),
    createdBy: text('created_by').references(() => users.id),
    ...tracked(),
  },
  (t) => [uniqueIndex('share_links_code_uq').on(t.codeHash), index('share_links_wo_idx').on(t.workOrderId, t.createdAt)],
);
