import { describe, expect, it } from 'vitest';
import { addDays, dayIn, daysBetween, inputToDay, isKnownZone, monthStart, startOfDay, zoneOffsetMs } from './zoned';

const iso = (ms: number) => new Date(ms).toISOString();

describe('calendar days in the organization time zone', () => {
  it('when it is late evening in UTC, then it is already tomorrow in Auckland and still today in New York', () => {
    const t = Date.parse('2026-03-10T23:30:00Z');
    expect(dayIn(t, 'UTC')).toEqual({ year: 2026, month: 3, day: 10 });
    expect(dayIn(t, 'Pacific/Auckland')).toEqual({ year: 2026, month: 3, day: 11 });
    expect(dayIn(t, 'America/New_York')).toEqual({ year: 2026, month: 3, day: 10 });
  });

  it('when a London day starts, then it is at midnight GMT in winter and 23:00 UTC the evening before in summer', () => {
    expect(iso(startOfDay({ year: 2026, month: 1, day: 15 }, 'Europe/London'))).toBe('2026-01-15T00:00:00.000Z');
    expect(iso(startOfDay({ year: 2026, month: 7, day: 15 }, 'Europe/London'))).toBe('2026-07-14T23:00:00.000Z');
  });

  it('when the clocks change during a day, then that day still starts at local midnight', () => {
    // Spring forward on 29 March 2026 at 01:00 GMT, fall back on 25 October 2026 at 02:00 BST.
    expect(iso(startOfDay({ year: 2026, month: 3, day: 29 }, 'Europe/London'))).toBe('2026-03-29T00:00:00.000Z');
    expect(iso(startOfDay({ year: 2026, month: 3, day: 30 }, 'Europe/London'))).toBe('2026-03-29T23:00:00.000Z');
    expect(iso(startOfDay({ year: 2026, month: 10, day: 25 }, 'Europe/London'))).toBe('2026-10-24T23:00:00.000Z');
    expect(iso(startOfDay({ year: 2026, month: 10, day: 26 }, 'Europe/London'))).toBe('2026-10-26T00:00:00.000Z');
  });

  it('when a zone skips midnight itself, then the day starts when the clocks jump', () => {
    // Chile moved clocks forward at 00:00 on 8 September 2024 (−04 → −03): the day began at 01:00 local.
    expect(iso(startOfDay({ year: 2024, month: 9, day: 8 }, 'America/Santiago'))).toBe('2024-09-08T04:00:00.000Z');
  });

  it('when a zone is ahead of UTC by a fraction of an hour, then the offset is exact', () => {
    expect(zoneOffsetMs(Date.parse('2026-01-01T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(iso(startOfDay({ year: 2026, month: 1, day: 1 }, 'Asia/Kolkata'))).toBe('2025-12-31T18:30:00.000Z');
  });

  it('when days and months are added across year ends and leap days, then the calendar is followed', () => {
    expect(addDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(addDays({ year: 2026, month: 1, day: 1 }, -1)).toEqual({ year: 2025, month: 12, day: 31 });
    expect(monthStart({ year: 2026, month: 1, day: 20 }, -1)).toEqual({ year: 2025, month: 12, day: 1 });
    expect(monthStart({ year: 2026, month: 12, day: 5 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(daysBetween({ year: 2026, month: 3, day: 1 }, { year: 2026, month: 4, day: 1 })).toBe(31);
  });

  it('when a date field holds a value, then only real dates are taken', () => {
    expect(inputToDay('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 });
    expect(inputToDay('2026-02-30')).toBeNull();
    expect(inputToDay('')).toBeNull();
    expect(inputToDay('28/02/2026')).toBeNull();
  });

  it('when a zone name is unknown, then it is reported as such rather than throwing later', () => {
    expect(isKnownZone('Europe/London')).toBe(true);
    expect(isKnownZone('Mars/Olympus_Mons')).toBe(false);
  });
});
