import { and, eq, isNull, sql } from 'drizzle-orm';
import { slaPolicies } from '../../db/schema/index.js';
import { perConnection } from '../../db/per-connection.js';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../core/context.js';
import { ConflictError } from '../errors.js';
import { addBusinessTime } from '../sla/calendar.js';
import { ALWAYS_OPEN, CalendarSchema, type Calendar } from '../sla/contract.js';
import { computeDueTimes, extendForHold, type DueTimes } from '../sla/engine.js';
import type { WorkOrderRow } from './dto.js';

/** How a work order's SLA is looked up and its due instants moved; reads only, called inside mutations. */

type Policy = typeof slaPolicies.$inferSelect;

export type SlaFields = Pick<WorkOrderRow, 'slaPolicyId' | 'responseDueAt' | 'responseAtRiskAt' | 'resolutionDueAt' | 'resolutionAtRiskAt'>;

const NO_SLA: SlaFields = {
  slaPolicyId: null,
  responseDueAt: null,
  responseAtRiskAt: null,
  resolutionDueAt: null,
  resolutionAtRiskAt: null,
};

// Every new work order looks its policy up (the demo seed makes 100,000).
const policyQuery = perConnection((db: Db) =>
  db
    .select()
    .from(slaPolicies)
    // A deleted policy no longer applies to new work (work that already names it keeps its due times).
    .where(
      and(
        eq(slaPolicies.orgId, sql.placeholder('orgId')),
        eq(slaPolicies.type, sql.placeholder('type')),
        eq(slaPolicies.priority, sql.placeholder('priority')),
        isNull(slaPolicies.deletedAt),
      ),
    )
    .prepare(),
);

export function policyFor(ctx: Ctx, type: WorkOrderRow['type'], priority: WorkOrderRow['priority']): Policy | undefined {
  return policyQuery(ctx.host.db).get({ orgId: ctx.orgId, type, priority });
}

interface StoredCalendar {
  name: string;
  timeZone: string;
  workingHours: string;
  holidays: string;
}

const CALENDAR_SQL =
  'SELECT name, time_zone AS timeZone, working_hours AS workingHours, holidays FROM sla_calendars WHERE id = ? AND org_id = ?';
const POLICY_CALENDAR_SQL = `SELECT c.name, c.time_zone AS timeZone, c.working_hours AS workingHours, c.holidays
  FROM sla_policies p JOIN sla_calendars c ON c.id = p.calendar_id AND c.org_id = p.org_id WHERE p.id = ? AND p.org_id = ?`;

/**
 * Calendars already validated, by their stored text. The row is read on every use (an edit applies
 * at once), but parsing and checking it (zod over every holiday) ran on every status change out of
 * a hold: ~9 % of the host's CPU under the transition load. The same text always gives the same
 * frozen object, so compileCalendar's identity cache hits too.
 */
const validated = new Map<string, Calendar>();
const MAX_VALIDATED = 256;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function calendarFromRow(row: StoredCalendar | undefined): Calendar {
  if (!row) return ALWAYS_OPEN;
  const key = `${row.timeZone}\u0000${row.workingHours}\u0000${row.holidays}`;
  const known = validated.get(key);
  if (known) return known;
  // Stored JSON is validated before use (STYLE 8): a broken calendar must not yield silent due times.
  let parsed: ReturnType<typeof CalendarSchema.safeParse> | null = null;
  let problem = 'its stored JSON does not parse';
  try {
    parsed = CalendarSchema.safeParse({
      timeZone: row.timeZone,
      workingHours: JSON.parse(row.workingHours),
      holidays: JSON.parse(row.holidays),
    });
    if (!parsed.success) problem = parsed.error.issues[0]?.message ?? 'unknown problem';
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    throw new ConflictError(
      'invalid_sla_calendar',
      `The SLA calendar "${row.name}" is not valid (${problem}); fix it before creating work under its policy.`,
    );
  }
  if (validated.size >= MAX_VALIDATED) validated.clear();
  const calendar = deepFreeze(parsed.data);
  validated.set(key, calendar);
  return calendar;
}

/** The policy's business calendar; a policy without one counts every hour (ALWAYS_OPEN). */
export function calendarOf(ctx: Ctx, calendarId: string | null): Calendar {
  if (!calendarId) return ALWAYS_OPEN;
  return calendarFromRow(ctx.host.sqlite.prepare(CALENDAR_SQL).get(calendarId, ctx.orgId) as StoredCalendar | undefined);
}

function policyCalendar(ctx: Ctx, policyId: string | null): Calendar {
  if (!policyId) return ALWAYS_OPEN;
  return calendarFromRow(ctx.host.sqlite.prepare(POLICY_CALENDAR_SQL).get(policyId, ctx.orgId) as StoredCalendar | undefined);
}

/**
 * Due instants for (type, priority) counted from `startMs` (the creation time). `pausedMs` is
 * business time already spent on hold, which pushes the resolution instants out again.
 */
export function slaFor(ctx: Ctx, type: WorkOrderRow['type'], priority: WorkOrderRow['priority'], startMs: number, pausedMs = 0): SlaFields {
  const policy = policyFor(ctx, type, priority);
  if (!policy) return NO_SLA;
  return slaFromPolicy(policy, calendarOf(ctx, policy.calendarId), startMs, pausedMs);
}

/**
 * slaFor once the policy and its calendar are known: the sync apply looks them up once per page
 * rather than once per work order (server/sync/derived.ts), and must compute exactly what this does.
 */
export function slaFromPolicy(policy: Policy | undefined, cal: Calendar, startMs: number, pausedMs = 0): SlaFields {
  if (!policy) return NO_SLA;
  const due: DueTimes = computeDueTimes(
    cal,
    { responseMinutes: policy.responseMinutes, resolutionMinutes: policy.resolutionMinutes },
    startMs,
  );
  if (pausedMs > 0) {
    due.resolutionDueAt = addBusinessTime(cal, due.resolutionDueAt, pausedMs);
    due.resolutionAtRiskAt = addBusinessTime(cal, due.resolutionAtRiskAt, pausedMs);
  }
  return { slaPolicyId: policy.id, ...due };
}

/** Resolution instants after a hold ends at `nowMs`, and the business time the clock was stopped. */
export function afterHold(
  ctx: Ctx,
  wo: Pick<WorkOrderRow, 'onHoldSince' | 'resolutionDueAt' | 'resolutionAtRiskAt' | 'slaPolicyId'>,
  nowMs: number,
) {
  const heldAt = wo.onHoldSince ?? nowMs;
  if (wo.resolutionDueAt === null || wo.resolutionAtRiskAt === null) {
    return { resolutionDueAt: wo.resolutionDueAt, resolutionAtRiskAt: wo.resolutionAtRiskAt, pausedBusinessMs: 0 };
  }
  return extendForHold(policyCalendar(ctx, wo.slaPolicyId), {
    heldAtMs: heldAt,
    resumedAtMs: Math.max(nowMs, heldAt),
    resolutionDueAt: wo.resolutionDueAt,
    resolutionAtRiskAt: wo.resolutionAtRiskAt,
  });
}
