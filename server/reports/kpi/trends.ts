import { DateTime } from 'luxon';
import type { KpiQuery, TrendPoint } from '../kpi-types.js';
import { ratio } from './rollup.js';

/**
 * Daily and weekly series. SQLite counts per UTC quarter hour (every zone's offset is a multiple of
 * 15 minutes, so local midnights fall on quarter-hour boundaries); the quarter hours are then added
 * into local days and ISO weeks found with luxon, which handles the 23- and 25-hour DST days.
 */

const QUARTER_MS = 900_000;

/** Bucket starts in `zone` from the one holding `from` up to (not including) `end`, then `end`'s bucket end. */
export function bucketBounds(from: number, end: number, zone: string, unit: 'day' | 'week'): number[] {
  const bounds: number[] = [];
  let t = DateTime.fromMillis(from, { zone }).startOf(unit);
  if (!t.isValid) throw new RangeError(`invalid time zone "${zone}"`);
  for (;;) {
    bounds.push(t.toMillis());
    if (t.toMillis() >= end) break;
    t = t.plus({ [unit]: 1 }).startOf(unit);
  }
  if (bounds.length === 1)
    bounds.push(
      DateTime.fromMillis(bounds[0]!, { zone })
        .plus({ [unit]: 1 })
        .toMillis(),
    );
  return bounds;
}

export interface Histogram {
  created: Map<number, number>;
  completed: Map<number, number>;
  cancelled: Map<number, number>;
  slaMet: Map<number, number>;
  slaAll: Map<number, number>;
  openAtFrom: number;
}

/**
 * Branches of the KPI statement over the facts `f` (server/reports/kpi/index.ts): counts per UTC
 * quarter hour, and the open work at `from` that the backlog series starts from. The SLA point of
 * a work order is its completion, or its due time for an open miss (the same rows as slaResolution).
 * Rows are (kind, quarter, count, met) as plain numbers: a year has tens of thousands of them.
 */
export const HISTOGRAM_BRANCHES = [
  `SELECT 'h:created', created_at / ${QUARTER_MS}, count(*), NULL FROM f WHERE created = 1 GROUP BY 2`,
  `SELECT 'h:completed', completed_at / ${QUARTER_MS}, count(*), NULL FROM f WHERE completed = 1 GROUP BY 2`,
  `SELECT 'h:cancelled', cancelled_at / ${QUARTER_MS}, count(*), NULL FROM f WHERE cancelled = 1 GROUP BY 2`,
  `SELECT 'h:sla', (CASE WHEN completed = 1 THEN completed_at ELSE resolution_due_at END) / ${QUARTER_MS},
     count(*), sum(resol_num) FROM f WHERE resol_den = 1 GROUP BY 2`,
  `SELECT 'h:open', NULL, count(*), NULL FROM f
     WHERE created_at < @from AND coalesce(completed_at >= @from, 1) AND coalesce(cancelled_at >= @from, 1)`,
];

export function emptyHistogram(): Histogram {
  return { created: new Map(), completed: new Map(), cancelled: new Map(), slaMet: new Map(), slaAll: new Map(), openAtFrom: 0 };
}

/** Adds one row of a HISTOGRAM_BRANCHES result. */
export function addHistogramRow(h: Histogram, kind: string, quarter: number | null, v: { n: number; m?: number | null }): void {
  if (kind === 'h:open') h.openAtFrom = v.n;
  else if (quarter === null) return;
  else if (kind === 'h:created') h.created.set(quarter, v.n);
  else if (kind === 'h:completed') h.completed.set(quarter, v.n);
  else if (kind === 'h:cancelled') h.cancelled.set(quarter, v.n);
  else if (kind === 'h:sla') {
    h.slaAll.set(quarter, v.n);
    h.slaMet.set(quarter, v.m ?? 0);
  }
}

/** Index of the bucket holding `t` (bounds ascending; -1 before the first). */
function bucketOf(bounds: number[], t: number): number {
  let lo = 0;
  let hi = bounds.length - 1;
  if (t < bounds[0]!) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid]! <= t) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * One point per bucket between `from` and min(to, now) (no empty future buckets). Backlog is the
 * open work at the bucket's end (or at now / `to` for the last one), so the last point equals the
 * summary's backlog; created/completed/SLA count only inside [from, to).
 */
export function series(h: Histogram, q: KpiQuery, unit: 'day' | 'week'): TrendPoint[] {
  const end = Math.min(q.to, q.now);
  if (end <= q.from) return [];
  const bounds = bucketBounds(q.from, end, q.zone, unit);
  const n = bounds.length - 1;
  const pts = Array.from({ length: n }, (_, i) => ({ at: bounds[i]!, created: 0, completed: 0, cancelled: 0, met: 0, all: 0 }));
  const add = (m: Map<number, number>, field: 'created' | 'completed' | 'cancelled' | 'met' | 'all') => {
    for (const [quarter, count] of m) {
      const i = bucketOf(bounds, quarter * QUARTER_MS);
      if (i >= 0 && i < n) pts[i]![field] += count;
    }
  };
  add(h.created, 'created');
  add(h.completed, 'completed');
  add(h.cancelled, 'cancelled');
  add(h.slaMet, 'met');
  add(h.slaAll, 'all');
  let open = h.openAtFrom;
  return pts.map((p) => {
    open += p.created - p.completed - p.cancelled;
    return { at: p.at, created: p.created, completed: p.completed, backlog: open, slaResolution: ratio(p.met, p.all) };
  });
}
