import { describe, expect, it } from 'vitest';
import { orgFormat } from './format';

const london = orgFormat('Europe/London', 'en-GB');

describe('figures and times in the managers console', () => {
  it('when a ratio is shown, then it reads as a share with its counts beside it', () => {
    expect(london.ratio({ numerator: 37, denominator: 40, value: 0.925 })).toEqual({
      value: '92.5 %',
      detail: '37/40',
      full: '37/40 (92.5 %)',
    });
  });

  it('when nothing was measured, then a dash shows instead of 0 % or NaN', () => {
    expect(london.ratio({ numerator: 0, denominator: 0, value: null })).toEqual({
      value: '—',
      detail: '0/0',
      full: '0/0 (nothing to measure)',
    });
    expect(london.hours(null)).toBe('—');
    expect(london.count(undefined)).toBe('—');
  });

  it('when counts and hours are large, then they are grouped and rounded for the locale', () => {
    expect(london.count(12345)).toBe('12,345');
    expect(london.hours(3.456)).toBe('3.5 h');
    expect(orgFormat('Europe/Berlin', 'de-DE').count(12345)).toBe('12.345');
    expect(orgFormat('Europe/Berlin', 'de-DE').ratio({ numerator: 1, denominator: 8, value: 0.125 }).value).toBe('12,5 %');
  });

  it('when a time is shown, then it is the organization clock, not the browser one', () => {
    const iso = '2026-07-01T22:30:00Z';
    expect(london.dateTime(iso)).toBe('1 Jul 2026, 23:30');
    expect(orgFormat('America/New_York', 'en-GB').dateTime(iso)).toBe('1 Jul 2026, 18:30');
    expect(orgFormat('Pacific/Auckland', 'en-GB').date(iso)).toBe('2 Jul 2026');
    expect(london.time(iso)).toBe('23:30');
  });

  it('when a last sync is shown, then it reads as how long ago', () => {
    const now = Date.parse('2026-05-10T12:00:00Z');
    expect(london.ago(null, now)).toBe('never');
    expect(london.ago('2026-05-10T11:59:40Z', now)).toBe('just now');
    expect(london.ago('2026-05-10T12:00:30Z', now)).toBe('just now');
    expect(london.ago('2026-05-10T11:57:00Z', now)).toBe('3 min ago');
    expect(london.ago('2026-05-10T09:00:00Z', now)).toBe('3 hr ago');
    expect(london.ago('2026-05-08T12:00:00Z', now)).toBe('2 days ago');
  });
});
