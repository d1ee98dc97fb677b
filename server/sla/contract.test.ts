import { describe, it, expect } from 'vitest';
import { ALWAYS_OPEN, CalendarSchema, HolidaySchema, WorkingHoursSchema, isValidTimeZone, type Calendar } from './contract.js';

const office: Calendar = {
  timeZone: 'Europe/London',
  workingHours: {
    mon: [['08:00', '17:00']],
    fri: [
      ['08:00', '12:00'],
      ['13:00', '17:00'],
    ],
  },
  holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
};

/** Messages of a failed parse, each prefixed by its dotted path. */
function problems(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return (result.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

describe('WorkingHoursSchema', () => {
  it('when intervals are valid (including end "24:00" and touching intervals), then they parse', () => {
    const hours = {
      sat: [
        ['00:00', '12:00'],
        ['12:00', '24:00'],
      ],
      sun: [],
    };
    expect(WorkingHoursSchema.parse(hours)).toEqual(hours);
  });

  it('when a time is not "HH:MM" in 24-hour form, then the field is named with a clear message', () => {
    for (const bad of ['8:00', '25:00', '12:60', '24:30', '0800', '']) {
      const result = WorkingHoursSchema.safeParse({ mon: [[bad, '17:00']] });
      expect(result.success, bad).toBe(false);
      expect(problems(result)).toContain('mon.0.0: must be a 24-hour time "HH:MM" between "00:00" and "24:00"');
    }
  });

  it('when an interval does not start before it ends, then it is rejected', () => {
    for (const interval of [
      ['17:00', '08:00'],
      ['09:00', '09:00'],
      ['24:00', '24:00'],
    ]) {
      const result = WorkingHoursSchema.safeParse({ tue: [interval] });
      expect(problems(result).join('\n')).toMatch(/^tue\.0: the interval must start before it ends/m);
    }
  });

  it('when intervals overlap or are out of order, then the offending interval is named', () => {
    const overlapping = WorkingHoursSchema.safeParse({
      wed: [
        ['08:00', '12:00'],
        ['11:00', '17:00'],
      ],
    });
    expect(problems(overlapping)).toEqual([
      'wed.1: intervals must be sorted by start time and must not overlap: 11:00–17:00 starts before the previous interval ends at 12:00',
    ]);
    const unsorted = WorkingHoursSchema.safeParse({
      wed: [
        ['13:00', '17:00'],
        ['08:00', '12:00'],
      ],
    });
    expect(problems(unsorted)[0]).toMatch(/^wed\.1: intervals must be sorted/);
  });

  it('when a weekday key is misspelt, then it is rejected instead of meaning a closed day', () => {
    const result = WorkingHoursSchema.safeParse({ monday: [['08:00', '17:00']] });
    expect(result.success).toBe(false);
  });
});

describe('HolidaySchema', () => {
  it('when the date is not a real date, then it is rejected', () => {
    expect(problems(HolidaySchema.safeParse({ date: '2026-02-29', name: 'x' }))).toEqual(['date: must be a real calendar date']);
    expect(HolidaySchema.safeParse({ date: '2028-02-29', name: 'Leap day' }).success).toBe(true);
    expect(problems(HolidaySchema.safeParse({ date: '26-12-25', name: 'x' }))[0]).toBe('date: must be a date "YYYY-MM-DD"');
  });

  it('when the name is empty or longer than 120 characters, then it is rejected', () => {
    expect(problems(HolidaySchema.safeParse({ date: '2026-12-25', name: '  ' }))).toEqual(['name: must not be empty']);
    expect(problems(HolidaySchema.safeParse({ date: '2026-12-25', name: 'x'.repeat(121) }))).toEqual(['name: at most 120 characters']);
  });
});

describe('CalendarSchema', () => {
  it('when the calendar is valid, then it parses unchanged', () => {
    expect(CalendarSchema.parse(office)).toEqual(office);
    expect(CalendarSchema.parse(ALWAYS_OPEN)).toEqual(ALWAYS_OPEN);
  });

  it('when the time zone is not an IANA zone, then timeZone is named', () => {
    for (const zone of ['Mars/Olympus', '+01:00', 'Europe/Londres', '']) {
      const result = CalendarSchema.safeParse({ ...office, timeZone: zone });
      expect(problems(result)[0], zone).toMatch(/^timeZone: /);
    }
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
  });

  it('when no weekday has a working interval, then the calendar is rejected as having no working time', () => {
    const result = CalendarSchema.safeParse({ ...office, workingHours: { mon: [], sat: [] } });
    expect(problems(result)).toEqual(['workingHours: the calendar has no working time: give at least one weekday a working interval']);
  });

  it('when there are more than 1000 holidays, then the list is rejected', () => {
    const holidays = Array.from({ length: 1001 }, () => ({ date: '2026-01-01', name: 'x' }));
    expect(problems(CalendarSchema.safeParse({ ...office, holidays }))).toEqual(['holidays: at most 1000 holidays']);
  });

  it('when ALWAYS_OPEN is used, then it is open all week in UTC and cannot be mutated', () => {
    expect(ALWAYS_OPEN.timeZone).toBe('UTC');
    expect(Object.keys(ALWAYS_OPEN.workingHours)).toHaveLength(7);
    expect(Object.values(ALWAYS_OPEN.workingHours).every((d) => JSON.stringify(d) === '[["00:00","24:00"]]')).toBe(true);
    expect(Object.isFrozen(ALWAYS_OPEN.workingHours.mon)).toBe(true);
  });
});
