import { DateTime } from 'luxon';

/**
 * Time on the planning chart. frappe-gantt does its arithmetic in the BROWSER's local wall-clock
 * (`new Date(y, m, d, h + 1)`, and a diff that cancels UTC-offset changes), so across a DST change
 * its hour columns and its bars disagree by an hour, and an hour that the browser's zone skips
 * cannot be drawn at all. We therefore hand it "display dates": the range's real elapsed time laid
 * onto a stretch of the browser's own timeline where its UTC offset does not change (a past winter,
 * or a past southern winter). There, local wall-clock arithmetic is plain elapsed time, each column
 * is one real hour, and we compute every label ourselves, in the depot's zone: a 23-hour spring day
 * shows 00 02 03…, a 25-hour autumn day 00 01 01 02….
 */
export interface TimeMap {
  toDisplay(ms: number): Date;
  fromDisplay(d: Date): number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Local midnights in a northern and a southern winter; the first whose offset holds over the range wins. */
const STEADY_CANDIDATES = [() => new Date(2021, 11, 4).getTime(), () => new Date(2021, 5, 4).getTime()];
/** Bars may start before the range (LOOKBACK_MS in queries.ts) and end after it. */
const MARGIN = 3 * DAY;

function steady(start: number, length: number): boolean {
  const offset = new Date(start - MARGIN).getTimezoneOffset();
  for (let t = start - MARGIN; t <= start + length + MARGIN; t += HOUR) if (new Date(t).getTimezoneOffset() !== offset) return false;
  return true;
}

export function timeMap(range: Range): TimeMap {
  for (const candidate of STEADY_CANDIDATES) {
    const base = candidate();
    if (steady(base, range.to - range.from)) {
      return { toDisplay: (ms) => new Date(base + (ms - range.from)), fromDisplay: (d) => range.from + (d.getTime() - base) };
    }
  }
  // A zone whose offset never holds that long (none known): UTC fields as local fields, exact except
  // in the browser's own skipped hour.
  return {
    toDisplay: (ms) => {
      const u = new Date(ms);
      return new Date(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate(), u.getUTCHours(), u.getUTCMinutes(), u.getUTCSeconds());
    },
    fromDisplay: (d) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()),
  };
}

export type ViewName = 'Day' | 'Week' | 'Month';

export interface ViewSpec {
  name: ViewName;
  stepHours: number;
  /** Columns stretch to fill the chart's width, down to this; below it the chart scrolls sideways. */
  minColumnWidth: number;
  /** Default length of the range when this view is picked. */
  days: number;
}

export const VIEWS: Record<ViewName, ViewSpec> = {
  Day: { name: 'Day', stepHours: 1, minColumnWidth: 30, days: 1 },
  Week: { name: 'Week', stepHours: 6, minColumnWidth: 18, days: 7 },
  Month: { name: 'Month', stepHours: 24, minColumnWidth: 24, days: 31 },
};

export interface Range {
  from: number;
  to: number;
}

/** [local midnight of `fromDate`, local midnight `days` later) in the zone: 23/25-hour days included. */
export function rangeOf(fromDate: string, toDate: string, zone: string): Range {
  const from = DateTime.fromISO(fromDate, { zone }).startOf('day');
  let to = DateTime.fromISO(toDate, { zone }).startOf('day').plus({ days: 1 });
  if (to <= from) to = from.plus({ days: 1 });
  return { from: from.toMillis(), to: to.toMillis() };
}

/** The default range a view opens on around `anchor` (a date "YYYY-MM-DD"): the day, its ISO week, its month. */
export function defaultRange(view: ViewName, anchor: string, zone: string): { fromDate: string; toDate: string } {
  const a = DateTime.fromISO(anchor, { zone });
  const start = view === 'Day' ? a.startOf('day') : view === 'Week' ? a.startOf('week') : a.startOf('month');
  const end = view === 'Day' ? start : view === 'Week' ? start.plus({ days: 6 }) : start.endOf('month');
  return { fromDate: start.toISODate()!, toDate: end.toISODate()! };
}

/** Moves a range by its own length in whole days (prev/next). */
export function shiftRange(fromDate: string, toDate: string, direction: 1 | -1, zone: string): { fromDate: string; toDate: string } {
  const f = DateTime.fromISO(fromDate, { zone });
  const t = DateTime.fromISO(toDate, { zone });
  const days = Math.max(1, Math.round(t.diff(f, 'days').days) + 1);
  return { fromDate: f.plus({ days: days * direction }).toISODate()!, toDate: t.plus({ days: days * direction }).toISODate()! };
}

export function todayIn(zone: string, now = Date.now()): string {
  return DateTime.fromMillis(now, { zone }).toISODate()!;
}

/** Column labels, computed from the real instant in the depot's zone. */
export function labelsFor(view: ViewName, zone: string, map: TimeMap) {
  const local = (d: Date) => DateTime.fromMillis(map.fromDisplay(d), { zone });
  if (view === 'Day') {
    return {
      lower: (d: Date) => local(d).toFormat('HH'),
      upper: (d: Date, ld: Date | null) => (!ld || local(d).day !== local(ld).day ? local(d).toFormat('cccc d LLLL') : ''),
      thick: (d: Date) => local(d).hour === 0,
    };
  }
  if (view === 'Week') {
    return {
      lower: (d: Date) => local(d).toFormat('HH'),
      upper: (d: Date, ld: Date | null) => (!ld || local(d).day !== local(ld).day ? local(d).toFormat('ccc d LLL') : ''),
      thick: (d: Date) => local(d).hour < 6 && local(d).hour >= 0 && local(d).minus({ hours: 6 }).day !== local(d).day,
    };
  }
  // Month: one column per day; label from mid-day so a 23/25-hour day never shows the wrong date.
  const mid = (d: Date) => local(d).plus({ hours: 12 });
  return {
    lower: (d: Date) => mid(d).toFormat('d'),
    upper: (d: Date, ld: Date | null) => (!ld || mid(d).month !== mid(ld).month ? mid(d).toFormat('LLLL yyyy') : ''),
    thick: (d: Date) => mid(d).weekday === 1,
  };
}

export function columnWidthFor(view: ViewName, range: Range, available: number): number {
  const spec = VIEWS[view];
  const columns = Math.max(1, Math.round((range.to - range.from) / (spec.stepHours * 3_600_000)));
  return Math.max(spec.minColumnWidth, Math.floor(available / columns));
}
