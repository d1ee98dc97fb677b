import type { Db } from '../../db/client.js';
import { calendarOccurrences } from './calendar.js';
import { counterOccurrences, trendCrossing, trendOf } from './meter.js';
import { meterPoints, occurrencesOfPlan, targetsOf, type PlanRow } from './repo.js';

/** Where a plan's occurrences fall in a window, for the generator and the forecast alike. */

export interface Occurrence {
  key: string;
  assetId: string | null;
  locationId: string | null;
  dueAt: number;
  meterTarget: number | null;
  projected: boolean;
}

const DAY = 86_400_000;
/** How far back the meter's rate is read: long enough to smooth a day off, short enough to follow a change of duty. */
export const METER_LOOKBACK_MS = 14 * DAY;
/** Per plan and window, so a rule that matches every day on a large category cannot flood the board. */
const CAP = 500;
const FINISHED = new Set(['COMPLETED', 'CLOSED', 'CANCELLED']);

/**
 * The plan's occurrences due in [from, to). Meter plans: a service point the meter has already
 * passed is due when it was passed, whatever `from` says (it is overdue, not out of the window).
 */
export function planOccurrences(db: Db, plan: PlanRow, zone: string, from: number, to: number, now: number): Occurrence[] {
  const targets = targetsOf(db, plan);
  if (targets.length === 0) return [];
  if (plan.kind === 'calendar') {
    if (!plan.rrule || !plan.dtstart) return [];
    const out: Occurrence[] = [];
    for (const t of targets) {
      for (const o of calendarOccurrences(plan.rrule, plan.dtstart, zone, from, to, CAP - out.length)) {
        out.push({ key: `${t.assetId ?? '-'}@${o.local}`, ...t, dueAt: o.at, meterTarget: null, projected: false });
      }
      if (out.length >= CAP) break;
    }
    return out;
  }
  // Meter plans watch one device, so one target: the asset it is bound to (or the plan's).
  const target = targets[0]!;
  const prefix = `${target.assetId ?? '-'}@`;
  if (plan.meterMode === 'counter') {
    if (!plan.meterInterval) return [];
    const trend = trendOf(meterPoints(db, plan, now - METER_LOOKBACK_MS));
    if (!trend) return [];
    return counterOccurrences(trend, plan.meterBaseline ?? 0, plan.meterInterval, to, CAP)
      .filter((o) => !o.projected || o.at >= from)
      .map((o) => ({ key: `${prefix}m:${o.target}`, ...target, dueAt: o.at, meterTarget: o.target, projected: o.projected }));
  }
  if (plan.meterMode === 'trend' && plan.meterThreshold !== null) {
    // The n-th crossing, n counting the crossings whose work is finished: while one is open its key
    // is the one computed here, so it is not made twice; once it is done, readings since then decide.
    const done = occurrencesOfPlan(db, plan.orgId, plan.id).filter(
      (o) => o.occurrence.state === 'generated' && (!o.status || FINISHED.has(o.status)),
    );
    const lastDone = Math.max(0, ...done.map((o) => o.finishedAt ?? 0));
    const trend = trendOf(meterPoints(db, plan, Math.max(now - METER_LOOKBACK_MS, lastDone)).filter((p) => p.at > lastDone));
    if (!trend) return [];
    const rising = plan.meterBaseline === null || plan.meterBaseline <= plan.meterThreshold;
    const crossing = trendCrossing(trend, plan.meterThreshold, rising);
    if (!crossing || crossing.at >= to || (crossing.projected && crossing.at < from)) return [];
    return [
      { key: `${prefix}t:${done.length + 1}`, ...target, dueAt: crossing.at, meterTarget: crossing.target, projected: crossing.projected },
    ];
  }
  return [];
}
