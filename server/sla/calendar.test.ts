import { describe, it, expect } from 'vitest';
import { DateTime } from 'luxon';
import { addBusinessTime, businessTimeBetween, compileCalendar } from './calendar.js';
import { ALWAYS_OPEN, type Calendar, type WorkingHours } from './contract.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Epoch ms of a wall-clock time ("2026-03-27T15:00") in `zone`. */
function at(local: string, zone: string): number {
  return DateTime.fromISO(local, { zone }).toMillis();
}
/** Wall-clock time of `ms` in `zone`, with its offset, for readable assertions. */
function wall(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");
}

function weekdays(...intervals: [string, string][]): WorkingHours {
  return { mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals };
}
function allWeek(zone: string): Calendar {
  const day: [string, string][] = [['00:00', '24:00']];
  return { timeZone: zone, workingHours: { ...weekdays(...day), sat: day, sun: day }, holidays: [] };
}

const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';
const londonOffice: Calendar = { timeZone: LONDON, workingHours: weekdays(['08:00', '17:00']), holidays: [] };

describe('addBusinessTime on a Mon–Fri 08:00–17:00 London calendar', () => {
  const add = (local: string, hours: number): string => wall(addBusinessTime(londonOffice, at(local, LONDON), hours * HOUR), LONDON);

  it('when an 8-hour target starts Friday 15:00, then it is due Monday 14:00 (the weekend is skipped)', () => {
    expect(add('2026-06-12T15:00', 8)).toBe('2026-06-15T14:00+01:00');
  });

  it('when the start is before opening, then the clock starts at opening', () => {
    expect(add('2026-06-09T06:00', 1)).toBe('2026-06-09T09:00+01:00');
  });

  it('when the start is at Friday closing time, then the clock starts Monday at opening', () => {
    expect(add('2026-06-12T17:00', 1)).toBe('2026-06-15T09:00+01:00');
  });

  it('when the start is on a Saturday, then the clock starts Monday 08:00', () => {
    expect(add('2026-06-13T11:30', 2.5)).toBe('2026-06-15T10:30+01:00');
  });

  it('when the time runs out exactly at closing, then the result is closing time, not the next opening', () => {
    expect(add('2026-06-12T15:00', 2)).toBe('2026-06-12T17:00+01:00');
  });

  it('when the duration is 0, then the start is returned unchanged even outside working time', () => {
    const saturday = at('2026-06-13T11:30', LONDON);
    expect(addBusinessTime(londonOffice, saturday, 0)).toBe(saturday);
  });

  it('when the day has a lunch break, then the break does not count', () => {
    const split: Calendar = { ...londonOffice, workingHours: weekdays(['08:00', '12:00'], ['13:00', '17:00']) };
    const due = addBusinessTime(split, at('2026-06-09T11:00', LONDON), 2 * HOUR);
    expect(wall(due, LONDON)).toBe('2026-06-09T14:00+01:00');
  });

  it('when 2026-12-25 and 2026-12-28 are holidays, then both days are skipped', () => {
    const holidays: Calendar = {
      ...londonOffice,
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day' },
        { date: '2026-12-28', name: 'Boxing Day (substitute)' },
      ],
    };
    const due = addBusinessTime(holidays, at('2026-12-24T15:00', LONDON), 8 * HOUR);
    expect(wall(due, LONDON)).toBe('2026-12-29T14:00+00:00');
  });

  it('when the duration is negative or not finite, then a RangeError is thrown', () => {
    expect(() => addBusinessTime(londonOffice, 0, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(londonOffice, 0, Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessTime(londonOffice, Number.POSITIVE_INFINITY, 1)).toThrow(RangeError);
  });
});

describe('business time across DST changes', () => {
  it('when a target spans the London spring change (2026-03-29), then it lands on Monday 14:00 local (13:00 UTC)', () => {
    const due = addBusinessTime(londonOffice, at('2026-03-27T15:00', LONDON), 8 * HOUR);
    expect(new Date(due).toISOString()).toBe('2026-03-30T13:00:00.000Z');
  });

  it('when a target spans the London autumn change (2026-10-25), then it lands on Monday 14:00 local (14:00 UTC)', () => {
    const due = addBusinessTime(londonOffice, at('2026-10-23T15:00', LONDON), 8 * HOUR);
    expect(new Date(due).toISOString()).toBe('2026-10-26T14:00:00.000Z');
  });

  it('when a 24/7 New York calendar crosses 2026-03-08, then 24 business hours from Saturday 12:00 end Sunday 13:00 local', () => {
    const start = at('2026-03-07T12:00', NEW_YORK);
    const due = addBusinessTime(allWeek(NEW_YORK), start, 24 * HOUR);
    expect(wall(due, NEW_YORK)).toBe('2026-03-08T13:00-04:00');
    expect(due - start).toBe(24 * HOUR);
  });

  it('when a 24/7 London calendar covers a whole change day, then that day holds 23 or 25 business hours', () => {
    const cal = allWeek(LONDON);
    const day = (d: string, next: string): number => businessTimeBetween(cal, at(d, LONDON), at(next, LONDON));
    expect(day('2026-03-29T00:00', '2026-03-30T00:00')).toBe(23 * HOUR);
    expect(day('2026-10-25T00:00', '2026-10-26T00:00')).toBe(25 * HOUR);
    expect(day('2026-06-14T00:00', '2026-06-15T00:00')).toBe(24 * HOUR);
  });

  it('when working hours contain the skipped or repeated hour, then real elapsed time is counted', () => {
    const night: Calendar = { timeZone: LONDON, workingHours: { sun: [['00:30', '03:00']] }, holidays: [] };
    const sunday = (d: string): number => businessTimeBetween(night, at(`${d}T00:00`, LONDON), at(`${d}T12:00`, LONDON));
    expect(sunday('2026-03-29')).toBe(1.5 * HOUR);
    expect(sunday('2026-10-25')).toBe(3.5 * HOUR);
    expect(sunday('2026-06-14')).toBe(2.5 * HOUR);
  });
});

describe('businessTimeBetween', () => {
  it('when `to` is not after `from`, then it is 0', () => {
    const t = at('2026-06-09T10:00', LONDON);
    expect(businessTimeBetween(londonOffice, t, t)).toBe(0);
    expect(businessTimeBetween(londonOffice, t, t - HOUR)).toBe(0);
  });

  it('when the range is a whole week, then it holds five 9-hour days', () => {
    const from = at('2026-06-08T00:00', LONDON);
    expect(businessTimeBetween(londonOffice, from, at('2026-06-15T00:00', LONDON))).toBe(45 * HOUR);
  });

  it('when the range starts and ends inside working intervals, then only the overlap counts', () => {
    const from = at('2026-06-12T16:30', LONDON);
    expect(businessTimeBetween(londonOffice, from, at('2026-06-15T08:45', LONDON))).toBe(75 * MINUTE);
  });

  it('when the calendar is ALWAYS_OPEN, then business time is real time', () => {
    const from = Date.UTC(2026, 2, 7, 12);
    expect(businessTimeBetween(ALWAYS_OPEN, from, from + 50 * HOUR)).toBe(50 * HOUR);
    expect(addBusinessTime(ALWAYS_OPEN, from, 50 * HOUR)).toBe(from + 50 * HOUR);
  });
});

describe('addBusinessTime and businessTimeBetween agree', () => {
  const calendars: Calendar[] = [
    {
      timeZone: LONDON,
      workingHours: { ...weekdays(['08:00', '12:30'], ['13:15', '17:00']), sat: [['09:00', '13:00']] },
      holidays: [
        { date: '2026-03-30', name: 'x' },
        { date: '2026-10-26', name: 'y' },
      ],
    },
    allWeek(NEW_YORK),
    // Sunday night shifts straddle Sydney's 02:00/03:00 changes (2026-04-05 and 2026-10-04).
    {
      timeZone: 'Australia/Sydney',
      workingHours: {
        ...weekdays(['07:00', '24:00']),
        sun: [
          ['00:00', '02:30'],
          ['22:00', '24:00'],
        ],
      },
      holidays: [],
    },
  ];
  const durations = [1, 59 * MINUTE, 3 * HOUR, 9 * HOUR, 26 * HOUR + 17 * MINUTE, 80 * HOUR];
  // Starts every 7h13m through 2026 cover every weekday, time of day and DST change in each zone.
  const starts = Array.from({ length: 1200 }, (_, i) => Date.UTC(2026, 0, 1) + i * (7 * HOUR + 13 * MINUTE));

  it('when a duration is added to a start, then the business time between them is exactly that duration', () => {
    for (const cal of calendars) {
      for (const start of starts) {
        for (const duration of durations) {
          const end = addBusinessTime(cal, start, duration);
          expect(end).toBeGreaterThan(start);
          const context = `${cal.timeZone} from ${new Date(start).toISOString()} + ${duration} ms`;
          expect(businessTimeBetween(cal, start, end), context).toBe(duration);
        }
      }
    }
  });

  it('when the business time between two instants is added to the first, then it ends at the last working instant by the second', () => {
    for (const cal of calendars) {
      for (const from of starts) {
        const to = from + 31 * HOUR;
        const worked = businessTimeBetween(cal, from, to);
        if (worked === 0) continue;
        const end = addBusinessTime(cal, from, worked);
        expect(end).toBeLessThanOrEqual(to);
        expect(businessTimeBetween(cal, end, to)).toBe(0);
        expect(businessTimeBetween(cal, from, from + 13 * HOUR) + businessTimeBetween(cal, from + 13 * HOUR, to)).toBe(worked);
      }
    }
  });
});

describe('businessTimeBetween against a minute-by-minute count', () => {
  // An independent oracle: ask luxon, minute by minute, whether the local wall time is working time.
  function countWorkingMinutes(cal: Calendar, from: number, to: number): number {
    const keys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
    const holidays = new Set(cal.holidays.map((h) => h.date));
    const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    let count = 0;
    for (let t = from; t < to; t += MINUTE) {
      const local = DateTime.fromMillis(t, { zone: cal.timeZone });
      if (holidays.has(local.toISODate() ?? '')) continue;
      const minute = local.hour * 60 + local.minute;
      const intervals = cal.workingHours[keys[local.weekday - 1] ?? 'mon'] ?? [];
      if (intervals.some(([s, e]) => minute >= toMinutes(s) && minute < toMinutes(e))) count++;
    }
    return count;
  }

  const cal: Calendar = {
    timeZone: LONDON,
    workingHours: { ...weekdays(['07:30', '12:00'], ['12:45', '18:10']), sun: [['00:15', '04:00']] },
    holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
  };

  it('when windows cross DST changes, weekends and a holiday, then both counts agree', () => {
    for (const start of ['2026-03-26T05:17', '2026-10-22T23:59', '2026-12-23T10:01', '2026-07-01T00:00']) {
      const from = at(start, LONDON);
      const to = from + 5 * 24 * HOUR;
      expect(businessTimeBetween(cal, from, to), start).toBe(countWorkingMinutes(cal, from, to) * MINUTE);
    }
  });
});

describe('guards', () => {
  it('when the calendar has no working time at all, then a clear Error is thrown instead of looping', () => {
    const closed: Calendar = { timeZone: LONDON, workingHours: {}, holidays: [] };
    expect(() => addBusinessTime(closed, 0, HOUR)).toThrow(/no working time/);
    expect(() => businessTimeBetween(closed, 0, HOUR)).toThrow(/no working time/);
  });

  it('when holidays cover every working day for years, then the search stops after 3 years with an Error', () => {
    const mondays = Array.from({ length: 170 }, (_, i) => ({
      date: DateTime.fromISO('2026-01-05', { zone: 'UTC' }).plus({ weeks: i }).toISODate() ?? '',
      name: 'closed',
    }));
    const cal: Calendar = { timeZone: 'UTC', workingHours: { mon: [['08:00', '17:00']] }, holidays: mondays };
    expect(() => addBusinessTime(cal, Date.UTC(2026, 0, 1), HOUR)).toThrow(/within 3 years/);
  });

  it('when the calendar is invalid, then compiling names the problem', () => {
    const bad: Calendar = { ...londonOffice, timeZone: 'Mars/Olympus' };
    expect(() => compileCalendar(bad)).toThrow(/Invalid SLA calendar[\s\S]*timeZone/);
  });

  it('when the same calendar or its compiled form is reused, then the compiled calendar is shared', () => {
    const compiled = compileCalendar(londonOffice);
    expect(compileCalendar(londonOffice)).toBe(compiled);
    expect(compileCalendar(compiled)).toBe(compiled);
    expect(compileCalendar(structuredClone(londonOffice))).toBe(compiled);
    const start = at('2026-06-12T15:00', LONDON);
    expect(addBusinessTime(compiled, start, 8 * HOUR)).toBe(addBusinessTime(londonOffice, start, 8 * HOUR));
  });
});
