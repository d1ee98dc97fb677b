import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { reportRuns, reportSchedules } from '../../../db/schema/index.js';
import { restore, tombstone } from '../../core/tombstone.js';
import type { Ctx } from '../../core/context.js';
import { mutateEntity } from '../../http/crud.js';
import { NotFoundError } from '../../errors.js';
import { iso } from '../../http/contract-common.js';
import type { z } from 'zod';
import type { CreateScheduleRequest, ReportScheduleDto, UpdateScheduleRequest } from '../contract-exports.js';
import type { KpiFilters } from '../kpi-types.js';
import { zoneFor } from '../zone.js';
import { nextPeriodEnd } from './periods.js';

export type ScheduleRow = typeof reportSchedules.$inferSelect;

export function toScheduleDto(ctx: Ctx, r: ScheduleRow): ReportScheduleDto {
  const zone = zoneFor(ctx.host.sqlite, r.orgId, (r.filters as KpiFilters).depotId);
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    kind: r.kind,
    cadence: r.cadence,
    filters: r.filters as ReportScheduleDto['filters'],
    enabled: r.enabled,
    lastPeriodEnd: iso(r.lastPeriodEnd),
    nextRunAt: r.enabled ? iso(nextPeriodEnd(r.cadence, ctx.host.clock.now(), zone)) : null,
    version: r.version,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'report'
  );
}

/**
 * The slug ends the schedule's file names, and all orgs of a host share one reports folder, so it
 * is made unique across the host (a second "Weekly KPIs" becomes "weekly-kpis-2"). Deleted schedules
 * count too: their files stay, and a restored schedule must get its own slug back without a clash.
 */
function uniqueSlug(ctx: Ctx, name: string): string {
  const base = slugify(name);
  const taken = new Set(
    ctx.host.sqlite.prepare('SELECT slug FROM report_schedules WHERE slug = ? OR slug LIKE ?').pluck().all(base, `${base}-%`) as string[],
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

export function listSchedules(ctx: Ctx): ReportScheduleDto[] {
  return ctx.host.db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.orgId, ctx.orgId), isNull(reportSchedules.deletedAt)))
    .orderBy(asc(reportSchedules.name), asc(reportSchedules.id))
    .all()
    .map((r) => toScheduleDto(ctx, r));
}

export function getSchedule(ctx: Ctx, id: string): ScheduleRow {
  const row = ctx.host.db
    .select()
    .from(reportSchedules)
    .where(and(eq(reportSchedules.id, id), eq(reportSchedules.orgId, ctx.orgId), isNull(reportSchedules.deletedAt)))
    .get();
  if (!row) throw new NotFoundError('report schedule', id);
  return row;
}

export function createSchedule(ctx: Ctx, input: z.output<typeof CreateScheduleRequest>): ReportScheduleDto {
  const row = mutateEntity(ctx, 'report schedule', 'report_schedule.created', (w) =>
    w.insert(reportSchedules, {
      name: input.name,
      slug: uniqueSlug(ctx, input.name),
      kind: input.kind,
      cadence: input.cadence,
      filters: input.filters,
      enabled: input.enabled,
      lastPeriodEnd: null,
      createdBy: ctx.actor.userId,
    }),
  );
  return toScheduleDto(ctx, row);
}

export function updateSchedule(
  ctx: Ctx,
  id: string,
  input: z.output<typeof UpdateScheduleRequest>,
  expectedVersion?: number,
): ReportScheduleDto {
  getSchedule(ctx, id);
  const { after } = mutateEntity(ctx, 'report schedule', 'report_schedule.updated', (w) =>
    w.update(reportSchedules, id, input, { expectedVersion }),
  );
  return toScheduleDto(ctx, after);
}

/**
 * Deletes a schedule (a tombstone): the scheduler stops running it; its past runs and files stay and
 * keep naming it, so they never block the delete and come back with a restore.
 */
export function deleteSchedule(ctx: Ctx, id: string): void {
  getSchedule(ctx, id);
  mutateEntity(ctx, 'report schedule', 'report_schedule.deleted', (w) => {
    tombstone(w, reportSchedules, id, { entity: 'report schedule', checkInUse: false });
  });
}

/** Undoes a delete; the slug was never given to another schedule (uniqueSlug counts deleted ones). */
export function restoreSchedule(ctx: Ctx, id: string): ReportScheduleDto {
  const row = mutateEntity(ctx, 'report schedule', 'report_schedule.restored', (w) =>
    restore(w, reportSchedules, id, { entity: 'report schedule' }),
  );
  return toScheduleDto(ctx, row);
}

export function listRuns(ctx: Ctx, scheduleId: string, limit = 50) {
  getSchedule(ctx, scheduleId);
  return ctx.host.db
    .select()
    .from(reportRuns)
    .where(and(eq(reportRuns.scheduleId, scheduleId), eq(reportRuns.orgId, ctx.orgId)))
    .orderBy(desc(reportRuns.createdAt), desc(reportRuns.id))
    .limit(limit)
    .all();
}
