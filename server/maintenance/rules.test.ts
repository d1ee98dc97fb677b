import { describe, expect, it } from 'vitest';
import { calendarOccurrences, ruleProblem } from './calendar.js';
import { counterOccurrences, trendCrossing, trendOf, type MeterPoint } from './meter.js';

const at = (s: string) => Date.parse(s);
const isoList = (xs: { at: number }[]) => xs.map((x) => new Date(x.at).toISOString());
const LONDON = 'Europe/London';

describe('calendar rules in the depot zone', () => {
  it('when a weekly 09:00 rule crosses the last Sunday of March, then it stays at 09:00 local (an hour earlier in UTC)', () => {
    const occ = calendarOccurrences('FREQ=WEEKLY;BYDAY=SU', '2026-03-15T09:00', LONDON, at('2026-03-01T00:00Z'), at('2026-04-06T00:00Z'));
    expect(occ.map((o) => o.local)).toEqual(['2026-03-15T09:00', '2026-03-22T09:00', '2026-03-29T09:00', '2026-04-05T09:00']);
    expect(isoList(occ)).toEqual([
      '2026-03-15T09:00:00.000Z',
      '2026-03-22T09:00:00.000Z',
      '2026-03-29T08:00:00.000Z', // BST from 01:00 UTC that morning
      '2026-04-05T08:00:00.000Z',
    ]);
  });

  it('when a monthly rule crosses the last Sunday of October, then it returns to GMT', () => {
    const occ = calendarOccurrences(
      'RRULE:FREQ=MONTHLY;INTERVAL=1',
      '2026-08-25T09:00',
      LONDON,
      at('2026-09-01T00:00Z'),
      at('2026-12-01T00:00Z'),
    );
    expect(isoList(occ)).toEqual(['2026-09-25T08:00:00.000Z', '2026-10-25T09:00:00.000Z', '2026-11-25T09:00:00.000Z']);
  });

  it('when a daily 01:30 falls in the spring gap or the autumn repeat, then the gap moves forward an hour and the repeat is its second (GMT) instant', () => {
    const spring = calendarOccurrences('FREQ=DAILY', '2026-03-01T01:30', LONDON, at('2026-03-28T00:00Z'), at('2026-03-31T00:00Z'));
    expect(isoList(spring)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z']);
    expect(spring.map((o) => o.local)).toEqual(['2026-03-28T01:30', '2026-03-29T01:30', '2026-03-30T01:30']);
    const autumn = calendarOccurrences('FREQ=DAILY', '2026-10-01T01:30', LONDON, at('2026-10-24T00:00Z'), at('2026-10-27T00:00Z'));
    expect(isoList(autumn)).toEqual(['2026-10-24T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('when a window is given, then only occurrences inside it come back, and COUNT still counts from the start', () => {
    const occ = calendarOccurrences(
      'FREQ=MONTHLY;INTERVAL=3;COUNT=3',
      '2026-01-10T08:00',
      'UTC',
      at('2026-03-01T00:00Z'),
      at('2027-12-01T00:00Z'),
    );
    expect(isoList(occ)).toEqual(['2026-04-10T08:00:00.000Z', '2026-07-10T08:00:00.000Z']);
  });

  it('when a rule is malformed, too fine or carries its own start, then it is refused with a reason', () => {
    expect(ruleProblem('FREQ=MONTHLY;INTERVAL=3')).toBeNull();
    expect(ruleProblem('FREQ=HOURLY')).toMatch(/DAILY, WEEKLY/);
    // rrule drops a FREQ it does not know, so the rule reads as having none.
    expect(ruleProblem('FREQ=SOMETIMES')).toMatch(/FREQ is required/);
    expect(ruleProblem('FREQ=WEEKLY;BYDAY=XX')).toMatch(/RRULE/);
    expect(ruleProblem('INTERVAL=2')).toMatch(/FREQ/);
    expect(ruleProblem('DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY')).toMatch(/dtstart/);
  });
});

const H = 3_600_000;
const DAY = 24 * H;
/** A pump running 10 hours a day, read hourly for a week, ending at 1230 run hours. */
function runHours(end: number, perDay = 10): MeterPoint[] {
  return Array.from({ length: 7 * 24 + 1 }, (_, i) => ({ at: end - (7 * 24 - i) * H, value: 1230 - ((7 * 24 - i) * perDay) / 24 }));
}

describe('meter projection', () => {
  const now = at('2026-11-16T09:00Z');

  it('when run hours grow 10 a day, then the next 500 h service is projected from the rate and the one just passed is due when it was passed', () => {
    const trend = trendOf(runHours(now))!;
    expect(trend.rate * DAY).toBeCloseTo(10, 6);
    const occ = counterOccurrences(trend, 0, 500, now + 60 * DAY);
    expect(occ.map((o) => [o.target, o.projected])).toEqual([
      [1000, false],
      [1500, true],
    ]);
    expect(occ[0]!.at).toBe(now - 23 * DAY);
    expect(occ[1]!.at).toBe(now + 27 * DAY);
  });

  it('when the meter is flat or has one point, then nothing is projected', () => {
    expect(counterOccurrences(trendOf([{ at: now, value: 400 }])!, 0, 500, now + 365 * DAY)).toEqual([]);
    expect(trendOf([])).toBeNull();
  });

  it('when a reading trends toward a limit, then the crossing is projected; moving away, none; past it, due now', () => {
    const rising: MeterPoint[] = [0, 1, 2, 3].map((d) => ({ at: now - (3 - d) * DAY, value: 4 + d * 0.5 }));
    const trend = trendOf(rising)!;
    expect(trendCrossing(trend, 7.1, true)).toEqual({ target: 7.1, at: Math.round(now + 3.2 * DAY), projected: true });
    expect(trendCrossing(trend, 2, false)).toBeNull();
    expect(trendCrossing(trend, 5, true)).toEqual({ target: 5, at: now, projected: false });
  });
});
