/**
 * `new Date(ms).toISOString()`, three times as fast for the instants a depot stores.
 *
 * Why: a 50-item work-order page formats up to 650 timestamps, and V8's Date path (an object, then its
 * ISO string) was 9 % of the host's CPU serving list pages here (~0.4 ms of a page). This is
 * the days-to-civil-date arithmetic (Howard Hinnant's public-domain algorithm) and two lookup tables;
 * any instant outside years 0000–9999 or not a whole millisecond goes to Date as before.
 * iso-time.test.ts compares both over random and edge instants.
 */

const MS_PER_DAY = 86_400_000;
/** 9999-12-31T23:59:59.999Z plus one: beyond it toISOString writes six-digit years. */
const END_OF_9999 = 253_402_300_800_000;
/** 0000-01-01T00:00:00.000Z: before it toISOString writes negative years. */
const START_OF_0000 = -62_167_219_200_000;

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const FOUR = (y: number): string => String(y).padStart(4, '0');

export function isoTime(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < START_OF_0000 || ms >= END_OF_9999) return new Date(ms).toISOString();
  const day = Math.floor(ms / MS_PER_DAY);
  let rest = ms - day * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  // Days since 1970-01-01 to a proleptic Gregorian date, counting eras of 400 years from 0000-03-01.
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${FOUR(year)}-${TWO[month]}-${TWO[date]}T${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${THREE[milli]}Z`;
}
