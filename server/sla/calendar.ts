// Business-time arithmetic over an SLA calendar. Instants in and out are UTC epoch milliseconds;
// working hours are wall-clock times in the calendar's zone, so a working day that contains a DST
// change is an hour shorter or longer in real time, and business time is always real elapsed time.
//
// Speed matters (seeding a demo depot calls this ~100,000 times), so each calendar is compiled once
// and every local day it touches is turned into UTC intervals once, then reused: the hot loops do
// only number comparisons, and luxon (Intl) runs only on a day-cache miss.
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { CalendarSchema, minutesOfDay, type Calendar, type Weekday } from './contract.js';

const DAY_MS = 86_400_000;
const MAX_SEARCH_YEARS = 3;
const MAX_SEARCH_DAYS = MAX_SEARCH_YEARS * 366;
// Enough for several years of dates per calendar; past this the cache is simply rebuilt.
const MAX_CACHED_DAYS = 4096;

type Interval = { readonly start: number; readonly end: number };
type LocalDay = {
  /** First instant of the local day (local midnight, or the first instant after a gap). */
  readonly start: number;
  /** First instant of the next local day. */
  readonly end: number;
  readonly work: readonly Interval[];
};

// Day numbers count local dates from 1970-01-01 (a Thursday), so index 0 here is that weekday.
const WEEKDAY_OF_DAY_NUMBER: readonly Weekday[] = ['thu', 'fri', 'sat', 'sun', 'mon', 'tue', 'wed'];

function dayNumberOf(isoDate: string): number {
  const [y = 0, m = 1, d = 1] = isoDate.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** A calendar prepared for repeated use; obtain one with {@link compileCalendar}. */
class CompiledCalendar {
  readonly calendar: Calendar;
  private readonly zone: IANAZone;
  /** Working intervals in minutes since local midnight, indexed like WEEKDAY_OF_DAY_NUMBER. */
  private readonly minutesByDayIndex: readonly (readonly (readonly [number, number])[])[];
  private readonly holidays: ReadonlySet<number>;
  private readonly days = new Map<number, LocalDay>();

  constructor(calendar: Calendar) {
    this.calendar = calendar;
    this.zone = IANAZone.create(calendar.timeZone);
    this.minutesByDayIndex = WEEKDAY_OF_DAY_NUMBER.map((weekday) =>
      (calendar.workingHours[weekday] ?? []).map(([start, end]) => [minutesOfDay(start), minutesOfDay(end)] as const),
    );
    this.holidays = new Set(calendar.holidays.map((h) => dayNumberOf(h.date)));
  }

  /** The local day (as a day number) that contains the instant `ms`. */
  dayNumberAt(ms: number): number {
    // Zone offsets are within ±14 h, so the UTC date is at most one day off.
    let n = Math.floor(ms / DAY_MS);
    while (ms < this.day(n).start) n--;
    while (ms >= this.day(n).end) n++;
    return n;
  }

  day(n: number): LocalDay {
    let day = this.days.get(n);
    if (day === undefined) {
      if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
      day = this.buildDay(n);
      this.days.set(n, day);
    }
    return day;
  }

  private buildDay(n: number): LocalDay {
    const start = this.wallClockToUtc(n, 0);
    const end = this.wallClockToUtc(n + 1, 0);
    const work: Interval[] = [];
    if (!this.holidays.has(n)) {
      let floor = start;
      for (const [from, to] of this.minutesByDayIndex[((n % 7) + 7) % 7] ?? []) {
        // Clamping keeps intervals ordered, disjoint and inside the day even when a boundary
        // falls in a skipped or repeated wall-clock hour.
        const s = Math.min(Math.max(this.wallClockToUtc(n, from), floor), end);
        const e = Math.min(to === 1440 ? end : this.wallClockToUtc(n, to), end);
        if (e > s) {
          work.push({ start: s, end: e });
          floor = e;
        }
      }
    }
    return { start, end, work };
  }

  /**
   * The instant of a wall-clock time on local day `n`. A time skipped by a spring-forward change
   * moves forward past the gap; a time repeated by a fall-back change resolves as luxon does.
   */
  private wallClockToUtc(n: number, minutes: number): number {
    const date = new Date(n * DAY_MS);
    const ms = DateTime.fromObject(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: Math.floor(minutes / 60),
        minute: minutes % 60,
      },
      { zone: this.zone },
    ).toMillis();
    if (!Number.isFinite(ms)) throw new RangeError(`SLA calendar: date out of range (day ${n})`);
    return ms;
  }
}

export type { CompiledCalendar };
export type CalendarLike = Calendar | CompiledCalendar;

const byIdentity = new WeakMap<Calendar, CompiledCalendar>();
// Second chance for callers that rebuild an equal calendar per call (e.g. JSON.parse of a stored
// policy per row): serialising is far cheaper than validating and rebuilding the day cache.
const byContent = new Map<string, CompiledCalendar>();
const MAX_BY_CONTENT = 64;

/**
 * Validates and compiles a calendar. Results are cached by object identity (then by content), so
 * do not mutate a calendar after use; or keep and pass the compiled calendar itself.
 * Throws an Error naming the problem if the calendar is invalid (including no working time).
 */
export function compileCalendar(cal: CalendarLike): CompiledCalendar {
  if (cal instanceof CompiledCalendar) return cal;
  let compiled = byIdentity.get(cal);
  if (compiled !== undefined) return compiled;
  const key = JSON.stringify(cal);
  compiled = byContent.get(key);
  if (compiled === undefined) {
    const parsed = CalendarSchema.safeParse(cal);
    if (!parsed.success) throw new Error(`Invalid SLA calendar:\n${z.prettifyError(parsed.error)}`);
    compiled = new CompiledCalendar(parsed.data);
    if (byContent.size >= MAX_BY_CONTENT) byContent.clear();
    byContent.set(key, compiled);
  }
  byIdentity.set(cal, compiled);
  return compiled;
}

function assertInstant(name: string, ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-millisecond value`);
}

/**
 * The instant at which `durationMs` of working time has elapsed from `startMs`. A start outside
 * working time starts the clock at the next working interval; a duration of 0 returns `startMs`.
 * The result may be the end of a working interval (it is not moved to the next opening).
 * Throws if the duration cannot be fitted within 3 years (e.g. holidays cover every working day).
 */
export function addBusinessTime(cal: CalendarLike, startMs: number, durationMs: number): number {
  assertInstant('startMs', startMs);
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError('durationMs must be a finite, non-negative number of milliseconds');
  }
  const compiled = compileCalendar(cal);
  if (durationMs === 0) return startMs;
  let remaining = durationMs;
  const first = compiled.dayNumberAt(startMs);
  for (let n = first; n <= first + MAX_SEARCH_DAYS; n++) {
    for (const interval of compiled.day(n).work) {
      const from = Math.max(interval.start, startMs);
      const available = interval.end - from;
      if (available <= 0) continue;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
  }
  throw new Error(
    `SLA calendar (${compiled.calendar.timeZone}) has too little working time: ` +
      `${durationMs} ms of working time cannot be reached within ${MAX_SEARCH_YEARS} years ` +
      `after ${new Date(startMs).toISOString()}`,
  );
}

/** Working milliseconds in [fromMs, toMs); 0 if `toMs <= fromMs`. */
export function businessTimeBetween(cal: CalendarLike, fromMs: number, toMs: number): number {
  assertInstant('fromMs', fromMs);
  assertInstant('toMs', toMs);
  const compiled = compileCalendar(cal);
  if (toMs <= fromMs) return 0;
  let total = 0;
  for (let n = compiled.dayNumberAt(fromMs); ; n++) {
    const day = compiled.day(n);
    if (day.start >= toMs) break;
    for (const interval of day.work) {
      const overlap = Math.min(interval.end, toMs) - Math.max(interval.start, fromMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}
