/**
 * Wall clocks in the depot's zone with Intl only (the crew view's bundle carries no date library).
 * A day or time picked in the console means that day or time at the depot, whatever the browser's
 * own zone: a dispatcher on a laptop set to New York plans London's 09:00, not New York's.
 */

/** A wall-clock time: month 1–12, hour 0–23. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at instant `ms`. */
export function wallClockAt(ms: number, zone: string): WallClock & { second: number } {
  const p: Record<string, number> = {};
  for (const part of partsFormatter(zone).formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year ?? 1970, month: p.month ?? 1, day: p.day ?? 1, hour: p.hour ?? 0, minute: p.minute ?? 0, second: p.second ?? 0 };
}

const asUtc = (w: WallClock & { second?: number }) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second ?? 0);
const offsetAt = (ms: number, zone: string) => asUtc(wallClockAt(ms, zone)) - Math.floor(ms / 1000) * 1000;

/**
 * The instant the wall clock in `zone` reads `w`. A time the clocks skip (01:30 on a spring-forward
 * night in London) is read after the jump, as the clock on the wall would show it; a time that
 * happens twice (autumn) is the first of the two.
 */
export function instantOf(w: WallClock, zone: string): number {
  const wall = asUtc(w);
  // The zone's offsets a day either side: a clock change lies between them at most, so the instant
  // is the wall time less one of the two.
  const candidates = [offsetAt(wall - 86_400_000, zone), offsetAt(wall + 86_400_000, zone)].map((o) => wall - o);
  const exact = candidates.filter((t) => asUtc(wallClockAt(t, zone)) === wall);
  return exact.length ? Math.min(...exact) : Math.max(...candidates);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "YYYY-MM-DD" of the day it is in `zone` at `ms` (the value form of every date field). */
export function dayKeyAt(ms: number, zone: string): string {
  const w = wallClockAt(ms, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** "YYYY-MM-DD" → its parts, or null when it is not a real calendar day. */
export function parseDayKey(key: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? { year, month, day } : null;
}

/** The instant day `key` begins in `zone` (its 00:00, or when the clocks jump past a skipped midnight). */
export function startOfDayKey(key: string, zone: string): number | null {
  const d = parseDayKey(key);
  return d ? instantOf({ ...d, hour: 0, minute: 0 }, zone) : null;
}

/** The day after `key` ("2026-12-31" → "2027-01-01"). */
export function nextDayKey(key: string): string {
  const d = parseDayKey(key);
  if (!d) return key;
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return `${pad(n.getUTCFullYear(), 4)}-${pad(n.getUTCMonth() + 1)}-${pad(n.getUTCDate())}`;
}
