import { describe, expect, it } from 'vitest';
import { depotFormat } from './format';

const london = (locale: string) => depotFormat({ locale, timeZone: 'Europe/London' });
const AT = '2026-12-05T06:50:00Z';
// Intl puts a narrow no-break space before AM/PM in newer ICU; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('depot format', () => {
  it('when one instant is written in en-GB, en-US and de-DE, then each reads its own way in the depot zone', () => {
    expect(london('en-GB').dateTime(AT)).toBe('05 Dec, 06:50');
    expect(plain(london('en-US').dateTime(AT))).toBe('Dec 05, 06:50 AM');
    expect(london('de-DE').dateTime(AT)).toBe('05. Dez., 06:50');
    expect(london('en-GB').date(AT)).toBe('5 Dec 2026');
    expect(london('en-US').date(AT)).toBe('Dec 5, 2026');
    expect(london('de-DE').date(AT)).toBe('05.12.2026');
    expect(london('en-GB').number(1234567.5, { max: 1 })).toBe('1,234,567.5');
    expect(london('de-DE').number(1234567.5, { max: 1 })).toBe('1.234.567,5');
    expect(london('en-GB').number(null)).toBe('—');
  });

  it('when the same instant is shown for a London and a New York depot, then each shows its own wall clock', () => {
    const ny = depotFormat({ locale: 'en-US', timeZone: 'America/New_York' });
    expect(plain(ny.dateTime(AT))).toBe('Dec 05, 01:50 AM');
    expect(london('en-US').dayKey('2026-12-05T03:00:00Z')).toBe('2026-12-05');
    expect(ny.dayKey('2026-12-05T03:00:00Z')).toBe('2026-12-04');
  });

  it('when the clocks change (London 29 Mar and 25 Oct 2026), then times and day starts follow the zone', () => {
    const gb = london('en-GB');
    expect(gb.time('2026-03-29T00:30:00Z')).toBe('00:30'); // GMT
    expect(gb.time('2026-03-29T01:30:00Z')).toBe('02:30'); // BST
    expect(new Date(gb.startOfDay('2026-03-29') ?? 0).toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(new Date(gb.startOfDay('2026-03-30') ?? 0).toISOString()).toBe('2026-03-29T23:00:00.000Z');
    expect(new Date(gb.instant('2026-07-01', '13:00') ?? 0).toISOString()).toBe('2026-07-01T12:00:00.000Z');
    expect(new Date(gb.instant('2026-12-01', '13:00') ?? 0).toISOString()).toBe('2026-12-01T13:00:00.000Z');
    // Skipped (01:30 on the spring night) reads after the jump; repeated (autumn) is the first one.
    expect(new Date(gb.instant('2026-03-29', '01:30') ?? 0).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(gb.instant('2026-10-25', '01:30') ?? 0).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(gb.clock('2026-07-01T12:00:00Z')).toBe('13:00');
    const ny = depotFormat({ locale: 'en-US', timeZone: 'America/New_York' });
    expect(new Date(ny.instant('2026-03-08', '12:00') ?? 0).toISOString()).toBe('2026-03-08T16:00:00.000Z'); // EDT
    expect(new Date(ny.instant('2026-03-07', '12:00') ?? 0).toISOString()).toBe('2026-03-07T17:00:00.000Z'); // EST
  });

  it('when a date is typed in a field, then it is read in the depot locale order', () => {
    expect(london('en-GB').pattern.placeholder).toBe('dd/mm/yyyy');
    expect(london('en-US').pattern.placeholder).toBe('mm/dd/yyyy');
    expect(london('de-DE').pattern.placeholder).toBe('dd.mm.yyyy');
    expect(london('en-GB').parseDateField('02/12/2026')).toBe('2026-12-02');
    expect(london('en-US').parseDateField('12/02/2026')).toBe('2026-12-02');
    expect(london('de-DE').parseDateField('2.12.26')).toBe('2026-12-02');
    expect(london('en-US').parseDateField('2026-12-02')).toBe('2026-12-02');
    expect(london('en-GB').parseDateField('31/02/2026')).toBeNull();
    expect(london('en-GB').parseDateField('12/2026')).toBeNull();
    expect(london('en-GB').dateField('2026-12-02')).toBe('02/12/2026');
    expect(london('de-DE').dateField('2026-12-02')).toBe('02.12.2026');
  });

  it('when a time is typed, then 24-hour and AM/PM forms both read; the field writes the locale clock', () => {
    const gb = london('en-GB');
    expect(gb.parseTimeField('13:05')).toBe('13:05');
    expect(gb.parseTimeField('1:05 pm')).toBe('13:05');
    expect(gb.parseTimeField('12 AM')).toBe('00:00');
    expect(gb.parseTimeField('0930')).toBe('09:30');
    expect(gb.parseTimeField('25:00')).toBeNull();
    expect(gb.timeField('13:05')).toBe('13:05');
    expect(gb.timeField('00:48')).toBe('00:48');
    expect(london('de-DE').timeField('09:05')).toBe('09:05');
    expect(plain(london('en-US').timeField('13:05'))).toBe('1:05 PM');
  });

  it('when times are relative to now, then they read in the depot language', () => {
    const now = Date.parse(AT);
    expect(london('en-GB').relative(now - 3 * 60_000, now)).toBe('3 minutes ago');
    expect(london('de-DE').relative(now + 2 * 3_600_000, now)).toBe('in 2 Stunden');
    expect(london('en-GB').relative(now - 86_400_000, now)).toBe('yesterday');
  });
});
