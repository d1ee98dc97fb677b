/**
 * Calendar days in the organization's time zone, with Intl only (no date library in the bundle).
 * A manager in Madrid reading a London organization's "this month" must get London's month, the
 * same the depots and the hub's KPI engine use, whatever the browser's own zone.
 */
import { wallClockAt } from '../../shared/locale/zone';

/** A calendar day: month 1–12. */
export interface Day {
  year: number;
  month: number;
  day: number;
}

/** The wall clock in `zone` at instant `ms`, as if it were UTC (milliseconds dropped). */
function wallClockMs(ms: number, zone: string): number {
  const w = wallClockAt(ms, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** How far `zone` is ahead of UTC at instant `ms`. */
export function zoneOffsetMs(ms: number, zone: string): number {
  return wallClockMs(ms, zone) - Math.floor(ms / 1000) * 1000;
}

/** The calendar day it is in `zone` at instant `ms`. */
export function dayIn(ms: number, zone: string): Day {
  const d = new Date(wallClockMs(ms, zone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `day` moved by `days` (negative: back), across months and years. */
export function addDays(day: Day, days: number): Day {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The first day of the month `months` away from `day`'s month. */
export function monthStart(day: Day, months = 0): Day {
  const d = new Date(Date.UTC(day.year, day.month - 1 + months, 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1 };
}

/**
 * The instant `day` begins in `zone`. Where a clock change skips midnight (a few zones change at
 * 00:00), the day begins when the clocks jump, at the skipped hour's end.
 */
export function startOfDay(day: Day, zone: string): number {
  const wall = Date.UTC(day.year, day.month - 1, day.day);
  const first = wall - zoneOffsetMs(wall, zone);
  const second = wall - zoneOffsetMs(first, zone);
  const candidates = [first, second].filter((t) => wallClockMs(t, zone) === wall);
  return candidates.length ? Math.min(...candidates) : Math.max(first, second);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "YYYY-MM-DD", the value of an <input type="date">. */
export function dayToInput(day: Day): string {
  return `${pad(day.year, 4)}-${pad(day.month)}-${pad(day.day)}`;
}

/** An <input type="date"> value as a Day, or null when it is empty or not a real date. */
export function inputToDay(value: string): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const day = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const back = addDays(day, 0);
  return back.year === day.year && back.month === day.month && back.day === day.day ? day : null;
}

/** Whole days from `a` to `b` (calendar days, whatever the clock changes between them). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}

/** True when the browser knows `zone` (an organization's setting could name one it does not). */
export function isKnownZone(zone: string): boolean {
  try {
    wallClockAt(0, zone);
    return true;
  } catch {
    return false;
  }
}
