// SLA due times and states for work orders.
//
// The "at risk" instants are computed once (when the SLA starts, and again when a hold ends) and
// stored next to the due instants, instead of being derived when read. That way "at risk" and
// "breached" list filters are plain indexed SQL comparisons against now (the same rules as
// slaState below) rather than calendar maths for every row.
import { addBusinessTime, businessTimeBetween, compileCalendar, type CalendarLike } from './calendar.js';

export const AT_RISK_FRACTION = 0.75;

export const SLA_STATES = ['ok', 'at_risk', 'breached', 'met'] as const;
export type SlaState = (typeof SLA_STATES)[number];

// Mirrors the work-order lifecycle in DESIGN.md; kept here so this module stays dependency-free.
export type WorkOrderStatus =
  'NEW' | 'SCHEDULED' | 'DISPATCHED' | 'EN_ROUTE' | 'ON_SITE' | 'ON_HOLD' | 'COMPLETED' | 'CLOSED' | 'CANCELLED';

export type SlaTargets = { responseMinutes: number; resolutionMinutes: number };

export type DueTimes = {
  responseDueAt: number;
  responseAtRiskAt: number;
  resolutionDueAt: number;
  resolutionAtRiskAt: number;
};

const MINUTE_MS = 60_000;

function targetMs(name: string, minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`${name} must be a finite, non-negative number of minutes`);
  }
  return Math.round(minutes * MINUTE_MS);
}

/** Due and at-risk instants for targets counted in business time from `startMs`. */
export function computeDueTimes(cal: CalendarLike, targets: SlaTargets, startMs: number): DueTimes {
  const compiled = compileCalendar(cal);
  const response = targetMs('responseMinutes', targets.responseMinutes);
  const resolution = targetMs('resolutionMinutes', targets.resolutionMinutes);
  return {
    responseDueAt: addBusinessTime(compiled, startMs, response),
    responseAtRiskAt: addBusinessTime(compiled, startMs, Math.round(response * AT_RISK_FRACTION)),
    resolutionDueAt: addBusinessTime(compiled, startMs, resolution),
    resolutionAtRiskAt: addBusinessTime(compiled, startMs, Math.round(resolution * AT_RISK_FRACTION)),
  };
}

export type HoldPeriod = {
  heldAtMs: number;
  resumedAtMs: number;
  resolutionDueAt: number;
  resolutionAtRiskAt: number;
};

export type HoldExtension = {
  resolutionDueAt: number;
  resolutionAtRiskAt: number;
  /** Business time inside [heldAtMs, resumedAtMs): how long the resolution clock was stopped. */
  pausedBusinessMs: number;
};

/**
 * Moves the resolution instants after an ON_HOLD period: the business time that was still left
 * at `heldAtMs` is counted again from `resumedAtMs`. Only the resolution clock pauses; the
 * response clock keeps running (DESIGN.md, "Work order lifecycle").
 *
 * - At-risk already reached when held: the order resumes at risk (new at-risk = `resumedAtMs`).
 * - Due already passed when held: both instants stay as they were, since a hold cannot undo a
 *   breach.
 */
export function extendForHold(cal: CalendarLike, hold: HoldPeriod): HoldExtension {
  const { heldAtMs, resumedAtMs, resolutionDueAt, resolutionAtRiskAt } = hold;
  if (!(resumedAtMs >= heldAtMs)) throw new RangeError('resumedAtMs must not be before heldAtMs');
  const compiled = compileCalendar(cal);
  const pausedBusinessMs = Math.round(businessTimeBetween(compiled, heldAtMs, resumedAtMs));
  if (heldAtMs >= resolutionDueAt) {
    return { resolutionDueAt, resolutionAtRiskAt, pausedBusinessMs };
  }
  const remainingDue = businessTimeBetween(compiled, heldAtMs, resolutionDueAt);
  const newDue = addBusinessTime(compiled, resumedAtMs, remainingDue);
  const newAtRisk =
    heldAtMs >= resolutionAtRiskAt
      ? resumedAtMs
      : addBusinessTime(compiled, resumedAtMs, businessTimeBetween(compiled, heldAtMs, resolutionAtRiskAt));
  return { resolutionDueAt: newDue, resolutionAtRiskAt: newAtRisk, pausedBusinessMs };
}

export type SlaWorkOrder = {
  status: WorkOrderStatus;
  responseDueAt: number | null;
  responseAtRiskAt: number | null;
  resolutionDueAt: number | null;
  resolutionAtRiskAt: number | null;
  respondedAt: number | null;
  completedAt: number | null;
  onHoldSince: number | null;
};

// null never satisfies a comparison, so a missing instant simply never triggers its rule.
const after = (t: number, limit: number | null): boolean => limit !== null && t > limit;
const reached = (t: number, limit: number | null): boolean => limit !== null && t >= limit;

/**
 * The SLA state of a work order at `nowMs`; null when cancelled or without due times.
 * A held order is judged at `onHoldSince`, so its state is frozen for the duration of the hold.
 * SQL filters for list views must follow the same rules.
 */
export function slaState(wo: SlaWorkOrder, nowMs: number): SlaState | null {
  if (wo.status === 'CANCELLED') return null;
  if (wo.responseDueAt === null && wo.resolutionDueAt === null) return null;
  const responseLate = wo.respondedAt !== null && after(wo.respondedAt, wo.responseDueAt);

  if (wo.status === 'COMPLETED' || wo.status === 'CLOSED') {
    // A completed order without completedAt is inconsistent data; judge it as of now.
    const completedAt = wo.completedAt ?? nowMs;
    return after(completedAt, wo.resolutionDueAt) || responseLate ? 'breached' : 'met';
  }

  const t = wo.onHoldSince ?? nowMs;
  const awaitingResponse = wo.respondedAt === null;
  if (after(t, wo.resolutionDueAt) || (awaitingResponse && after(t, wo.responseDueAt)) || responseLate) {
    return 'breached';
  }
  if (reached(t, wo.resolutionAtRiskAt) || (awaitingResponse && reached(t, wo.responseAtRiskAt))) {
    return 'at_risk';
  }
  return 'ok';
}
