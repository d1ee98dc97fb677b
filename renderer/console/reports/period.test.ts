import { describe, expect, it } from 'vitest';
import { depotFormat } from '../../shared/locale/format';
import { fromDateInput, presetPeriod, toDateInput } from './period';

const london = depotFormat({ locale: 'en-GB', timeZone: 'Europe/London' });

describe('report periods', () => {
  it("when a preset is cut, then its days are the depot's (London midnight, whatever the browser's zone)", () => {
    // 03:00 UTC on 5 Dec is still 4 Dec in New York but 5 Dec in London.
    const now = Date.parse('2026-12-05T03:00:00Z');
    expect(presetPeriod('last7', london, now)).toEqual({ from: '2026-11-29T00:00:00.000Z', to: '2026-12-06T00:00:00.000Z' });
    expect(presetPeriod('lastMonth', london, now)).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
    // Summer: London midnight is 23:00 UTC the day before.
    expect(presetPeriod('thisMonth', london, Date.parse('2026-07-10T12:00:00Z'))).toEqual({
      from: '2026-06-30T23:00:00.000Z',
      to: '2026-07-31T23:00:00.000Z',
    });
  });

  it('when a custom day is picked, then it round-trips as that depot day', () => {
    expect(fromDateInput('2026-07-10', false, london)).toBe('2026-07-09T23:00:00.000Z');
    expect(fromDateInput('2026-07-10', true, london)).toBe('2026-07-10T23:00:00.000Z');
    expect(toDateInput('2026-07-10T23:00:00.000Z', true, london)).toBe('2026-07-10');
    expect(toDateInput('2026-07-09T23:00:00.000Z', false, london)).toBe('2026-07-10');
  });
});
