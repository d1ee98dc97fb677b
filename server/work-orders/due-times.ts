import { and, eq, isNull } from 'drizzle-orm';
import { slaCalendars, slaPolicies } from '../../db/schema/index.js';
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

export function policyFor(ctx: Ctx, type: WorkOrderRow['type'], priority: WorkOrderRow['priority']): Policy | undefined {
  return (
    ctx.host.db
      .select()
      .from(slaPolicies)
      // A deleted policy no longer applies to new work (work that already names it keeps its due times).
      .where(
        and(
          eq(slaPolicies.orgId, ctx.orgId),
          eq(slaPolicies.type, type),
          eq(slaPolicies.priority, priority),
          isNull(slaPolicies.deletedAt),
        ),
      )
      .get()
  );
}

/** The policy's business calendar; a policy without one counts every hour (ALWAYS_OPEN). */
export function calendarOf(ctx: Ctx, calendarId: string | null): Calendar {
  if (!calendarId) return ALWAYS_OPEN;
  const row = ctx.host.db
    .select()
    .from(slaCalendars)
    .where(and(eq(slaCalendars.id, calendarId), eq(slaCalendars.orgId, ctx.orgId)))
    .get();
  if (!row) return ALWAYS_OPEN;
  // Stored JSON is validated before use (STYLE 8): a broken calendar must not yield silent due times.
  const parsed = CalendarSchema.safeParse({ timeZone: row.timeZone, workingHours: row.workingHours, holidays: row.holidays });
  if (!parsed.success) {
    throw new ConflictError(
      'invalid_sla_calendar',
      `The SLA calendar "${row.name}" is not valid (${parsed.error.issues[0]?.message ?? 'unknown problem'}); fix it before creating work under its policy.`,
    );
  }
  return parsed.data;
}

function policyCalendar(ctx: Ctx, policyId: string | null): Calendar {
  if (!policyId) return ALWAYS_OPEN;
  const policy = ctx.host.db
    .select({ calendarId: slaPolicies.calendarId })
    .from(slaPolicies)
    .where(and(eq(slaPolicies.id, policyId), eq(slaPolicies.orgId, ctx.orgId)))
    .get();
  return calendarOf(ctx, policy?.calendarId ?? null);
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
