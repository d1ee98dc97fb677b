import type { KpiSummary, Ratio } from '../kpi-types.js';
import type { Sums } from './sql.js';

/** Turning the SQL sums into the KPI numbers consumers show; plus merging groups ("Other"). */

const HOUR_MS = 3_600_000;
const SUM_KEYS = [
  'n',
  'created',
  'completed',
  'cancelled',
  'backlog',
  'age_sum',
  'overdue',
  'on_time_num',
  'on_time_den',
  'resp_num',
  'resp_den',
  'resol_num',
  'resol_den',
  'responded',
  'respond_sum',
  'repair_sum',
  'ftf_num',
  'planned_min',
  'actual_ms',
] as const satisfies readonly (keyof Sums)[];

/** Zero sums (SQLite's SUM over no rows is NULL; every count here is a number). */
export function emptySums(): Sums {
  return {
    n: 0,
    created: 0,
    completed: 0,
    cancelled: 0,
    backlog: 0,
    age_sum: null,
    age_max: null,
    overdue: 0,
    on_time_num: 0,
    on_time_den: 0,
    resp_num: 0,
    resp_den: 0,
    resol_num: 0,
    resol_den: 0,
    responded: 0,
    respond_sum: null,
    repair_sum: null,
    ftf_num: 0,
    planned_min: 0,
    actual_ms: 0,
  };
}

/** A row from SQL with NULL sums read as 0 where a count is meant. */
export function normalise(row: Partial<Sums>): Sums {
  const out = emptySums();
  for (const key of SUM_KEYS) {
    const v = row[key];
    if (v !== null && v !== undefined) out[key] = v;
  }
  out.age_max = row.age_max ?? null;
  return out;
}

export function addSums(into: Sums, s: Sums): Sums {
  for (const key of SUM_KEYS) {
    const a = into[key];
    const b = s[key];
    // Only the *_sum keys can be null; counts are always numbers after normalise().
    (into as unknown as Record<string, number | null>)[key] = a === null ? b : b === null ? a : a + b;
  }
  into.age_max = into.age_max === null ? s.age_max : s.age_max === null ? into.age_max : Math.max(into.age_max, s.age_max);
  return into;
}

export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

const hours = (sumMs: number | null, count: number): number | null => (count === 0 || sumMs === null ? null : sumMs / count / HOUR_MS);

/** The summary of a group; utilisation comes from the shift calculation, not from SQL. */
export function toSummary(s: Sums, utilisation: Ratio): KpiSummary {
  return {
    created: s.created,
    completed: s.completed,
    cancelled: s.cancelled,
    backlog: s.backlog,
    backlogAgeMeanH: hours(s.age_sum, s.backlog),
    backlogAgeMaxH: s.age_max === null ? null : s.age_max / HOUR_MS,
    onTime: ratio(s.on_time_num, s.on_time_den),
    slaResponse: ratio(s.resp_num, s.resp_den),
    slaResolution: ratio(s.resol_num, s.resol_den),
    mttrRespondH: hours(s.respond_sum, s.responded),
    mttrRepairH: hours(s.repair_sum, s.completed),
    firstTimeFix: ratio(s.ftf_num, s.completed),
    overdue: s.overdue,
    plannedMin: s.planned_min,
    actualMin: Math.round(s.actual_ms / 60_000),
    utilisation,
  };
}

/** How much a group has to do with the period: what top-N keeps. */
export function volume(s: Sums): number {
  return s.created + s.completed + s.backlog;
}
