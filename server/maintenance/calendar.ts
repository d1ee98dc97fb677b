import * as rrulePackage from 'rrule';
import { DateTime } from 'luxon';

/**
 * Calendar occurrences of a plan: an RFC 5545 RRULE with a DTSTART in the depot's zone.
 *
 * rrule computes in "floating" time (its README: returned UTC dates are meant to be read as local
 * wall time), so the rule runs on UTC dates whose fields are the depot's wall clock, and each result
 * is turned back into an instant in the zone with luxon. "Every month at 09:00" therefore stays at
 * 09:00 across a DST change instead of drifting by an hour. A wall time that does not exist (01:30
 * on the spring-forward Sunday) moves forward by the gap; an ambiguous one (01:30 on the autumn
 * Sunday) is its second, winter-time, instant (luxon's rule for both; rules.test.ts pins them).
 */

// rrule 2.8 ships a UMD `main` without an exports map: Node's ESM loader sees only a default export,
// bundlers see the named ones (jkbrzt/rrule#548).
const { RRule, Frequency } = ((rrulePackage as unknown as { default?: typeof rrulePackage }).default ??
  rrulePackage) as typeof rrulePackage;

/** A floating local date-time, "YYYY-MM-DDTHH:mm" (the plan's DTSTART and the occurrence keys). */
export const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm";

/** Coarser than daily only: an hourly maintenance plan is a mistake that would flood the board. */
const FINEST = Frequency.DAILY;

/** Why `text` is not a rule this feature runs, or null when it is. */
export function ruleProblem(text: string): string | null {
  const body = text.trim().replace(/^RRULE:/i, '');
  if (/DTSTART|TZID/i.test(body)) return 'give the start in dtstart, not in the rule';
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(body);
  } catch (err) {
    return `not an RRULE: ${(err as Error).message}`;
  }
  if (options.freq === undefined) return 'FREQ is required (e.g. FREQ=MONTHLY;INTERVAL=3)';
  if (options.freq > FINEST) return 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY';
  try {
    new RRule({ ...options, dtstart: new Date(0) }).after(new Date(0), true);
  } catch (err) {
    return `not an RRULE: ${(err as Error).message}`;
  }
  return null;
}

/** The wall-clock fields of `ms` in `zone`, as a UTC Date (rrule's floating time). */
function floating(ms: number, zone: string): Date {
  const local = DateTime.fromMillis(ms, { zone });
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second));
}

function wallClock(d: Date, zone: string): DateTime {
  const f = DateTime.fromJSDate(d, { zone: 'utc' });
  return DateTime.fromObject({ year: f.year, month: f.month, day: f.day, hour: f.hour, minute: f.minute }, { zone });
}

export interface CalendarOccurrence {
  /** The floating local date-time, "2026-03-29T09:00": the occurrence's name whatever the offset. */
  local: string;
  at: number;
}

/** Occurrences with `from <= at < to`, at most `cap` of them, oldest first. */
export function calendarOccurrences(
  rule: string,
  dtstart: string,
  zone: string,
  from: number,
  to: number,
  cap = 500,
): CalendarOccurrence[] {
  const start = DateTime.fromISO(dtstart, { zone: 'utc' });
  if (!start.isValid || to <= from) return [];
  const options = RRule.parseString(rule.trim().replace(/^RRULE:/i, ''));
  const r = new RRule({ ...options, dtstart: start.toJSDate() });
  // A day of slack either side: the window is cut in floating time, the answer in real instants.
  const day = 86_400_000;
  const out: CalendarOccurrence[] = [];
  r.between(new Date(floating(from, zone).getTime() - day), new Date(floating(to, zone).getTime() + day), true, (d) => {
    const local = wallClock(d, zone);
    const at = local.toMillis();
    if (at >= from && at < to) out.push({ local: DateTime.fromJSDate(d, { zone: 'utc' }).toFormat(LOCAL_FORMAT), at });
    return out.length < cap;
  });
  return out;
}
