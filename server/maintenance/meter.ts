/**
 * Meter plans: when is a reading next due to reach a service point? Pure arithmetic on points
 * (time, value) read from the telemetry roll-ups (repo.ts); the projection is a least-squares line
 * through the recent points, so one noisy reading does not move the date much.
 */

export interface MeterPoint {
  at: number;
  value: number;
}

export interface MeterTrend {
  /** The newest point: where the meter stands. */
  at: number;
  value: number;
  /** Change per millisecond (least squares over the points); 0 when it cannot be told. */
  rate: number;
}

/** A line needs two points at least an hour apart; with less, nothing can be projected. */
const MIN_SPAN_MS = 3_600_000;

export function trendOf(points: readonly MeterPoint[]): MeterTrend | null {
  if (points.length === 0) return null;
  const last = points.reduce((a, b) => (b.at > a.at ? b : a));
  const first = points.reduce((a, b) => (b.at < a.at ? b : a));
  if (points.length < 2 || last.at - first.at < MIN_SPAN_MS) return { at: last.at, value: last.value, rate: 0 };
  // Centred on the mean time, so epoch-sized numbers do not swamp the sums.
  const mt = points.reduce((s, p) => s + p.at, 0) / points.length;
  const mv = points.reduce((s, p) => s + p.value, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.at - mt) * (p.value - mv);
    sxx += (p.at - mt) ** 2;
  }
  return { at: last.at, value: last.value, rate: sxx > 0 ? sxy / sxx : 0 };
}

export interface MeterOccurrence {
  /** The meter value the occurrence is for: "every 500 h" → 1000, 1500, ...; a trend's threshold. */
  target: number;
  /** When the meter reached it (observed) or is projected to. */
  at: number;
  projected: boolean;
}

/**
 * Counter plans: service points at baseline + n × interval. The last point already passed is due
 * (at the time the line says it was crossed, never later than the newest reading); later points are
 * projected from the rate, while they fall before `until`. Points passed before the last one are not
 * returned: a meter found at 12,000 h on a 500 h plan needs one service, not twenty-four.
 */
export function counterOccurrences(trend: MeterTrend, baseline: number, interval: number, until: number, cap = 100): MeterOccurrence[] {
  if (!(interval > 0)) return [];
  const out: MeterOccurrence[] = [];
  const passed = Math.floor((trend.value - baseline) / interval);
  if (passed >= 1) {
    const target = baseline + passed * interval;
    const back = trend.rate > 0 ? (trend.value - target) / trend.rate : 0;
    out.push({ target, at: Math.round(trend.at - back), projected: false });
  }
  if (trend.rate <= 0) return out;
  for (let n = Math.max(passed, 0) + 1; out.length < cap; n++) {
    const target = baseline + n * interval;
    const at = Math.round(trend.at + (target - trend.value) / trend.rate);
    if (at >= until) break;
    out.push({ target, at, projected: true });
  }
  return out;
}

/**
 * Trend plans: when the line reaches `threshold`, coming from below (`rising`) or from above. Already
 * at or past it: due at the newest reading. Flat or moving away: null (nothing to forecast).
 */
export function trendCrossing(trend: MeterTrend, threshold: number, rising: boolean): MeterOccurrence | null {
  const past = rising ? trend.value >= threshold : trend.value <= threshold;
  if (past) return { target: threshold, at: trend.at, projected: false };
  const towards = rising ? trend.rate > 0 : trend.rate < 0;
  if (!towards) return null;
  return { target: threshold, at: Math.round(trend.at + (threshold - trend.value) / trend.rate), projected: true };
}
