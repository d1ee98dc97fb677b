import { DateTime } from 'luxon';
import type { ReportCadence } from '../../../db/schema/reports.js';

/**
 * Report periods in the depot's zone: days from local midnight, ISO weeks from Monday, calendar
 * months. A scheduled run covers the period that just ended.
 *
 * Catch-up rule (the host was off): every missed period gets exactly one run, oldest first, but at
 * most the MAX_CATCH_UP most recent; older ones are skipped — a depot closed for a month gets its
 * last week of daily reports, not thirty PDFs at once.
 */

export const MAX_CATCH_UP = 7;
const UNIT = { daily: 'day', weekly: 'week', monthly: 'month' } as const;

export interface Period {
  from: number;
  to: number;
}

/** Start of the period containing `ms`. */
export function periodStart(cadence: ReportCadence, ms: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).startOf(UNIT[cadence]).toMillis();
}

/** When the period containing `now` ends (the next scheduled run). */
export function nextPeriodEnd(cadence: ReportCadence, now: number, zone: string): number {
  return DateTime.fromMillis(periodStart(cadence, now, zone), { zone })
    .plus({ [`${UNIT[cadence]}s`]: 1 })
    .toMillis();
}

/**
 * Periods that ended after `since` (the end of the last period run, or the schedule's creation) and
 * by `now`, oldest first, capped at the MAX_CATCH_UP most recent.
 */
export function duePeriods(cadence: ReportCadence, since: number, now: number, zone: string): Period[] {
  const out: Period[] = [];
  let end = DateTime.fromMillis(periodStart(cadence, now, zone), { zone });
  while (end.toMillis() > since && out.length < MAX_CATCH_UP) {
    const start = end.minus({ [`${UNIT[cadence]}s`]: 1 });
    out.push({ from: start.toMillis(), to: end.toMillis() });
    end = start;
  }
  return out.reverse();
}
