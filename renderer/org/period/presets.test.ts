import { describe, expect, it } from 'vitest';
import { choiceFromParams, choiceToParams, customError, customFromChoice, resolvePeriod, type PeriodChoice } from './presets';

// 10 May 2026, 00:30 in London (BST) is still 9 May in UTC and New York.
const NOW = Date.parse('2026-05-09T23:30:00Z');
const LONDON = 'Europe/London';

describe('period presets in the organization time zone', () => {
  it('when a London organization asks for the last 7 days just after midnight, then they are 4–10 May in London', () => {
    expect(resolvePeriod({ preset: 'last7' }, LONDON, NOW)).toEqual({ from: '2026-05-03T23:00:00.000Z', to: '2026-05-10T23:00:00.000Z' });
  });

  it('when the same instant is read for a New York organization, then its days are New York days', () => {
    expect(resolvePeriod({ preset: 'last7' }, 'America/New_York', NOW)).toEqual({
      from: '2026-05-03T04:00:00.000Z',
      to: '2026-05-10T04:00:00.000Z',
    });
  });

  it('when the last 30 days are asked for, then they end with today, inclusive', () => {
    const p = resolvePeriod({ preset: 'last30' }, LONDON, NOW);
    expect(p).toEqual({ from: '2026-04-10T23:00:00.000Z', to: '2026-05-10T23:00:00.000Z' });
  });

  it('when this month and last month are asked for, then they are whole calendar months, across a clock change', () => {
    expect(resolvePeriod({ preset: 'thisMonth' }, LONDON, NOW)).toEqual({
      from: '2026-04-30T23:00:00.000Z',
      to: '2026-05-31T23:00:00.000Z',
    });
    // April 2026 in London: BST all month.
    expect(resolvePeriod({ preset: 'lastMonth' }, LONDON, NOW)).toEqual({
      from: '2026-03-31T23:00:00.000Z',
      to: '2026-04-30T23:00:00.000Z',
    });
    // March 2026 begins in GMT and ends in BST.
    const april = Date.parse('2026-04-15T12:00:00Z');
    expect(resolvePeriod({ preset: 'lastMonth' }, LONDON, april)).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-31T23:00:00.000Z',
    });
  });

  it('when last month is asked for in January, then it is December of the year before', () => {
    expect(resolvePeriod({ preset: 'lastMonth' }, 'UTC', Date.parse('2026-01-05T10:00:00Z'))).toEqual({
      from: '2025-12-01T00:00:00.000Z',
      to: '2026-01-01T00:00:00.000Z',
    });
  });

  it('when a custom period is given, then its last day is included', () => {
    const choice: PeriodChoice = { preset: 'custom', first: '2026-02-01', last: '2026-02-28' };
    expect(resolvePeriod(choice, LONDON, NOW)).toEqual({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
  });

  it('when a custom period is backwards, too long or not dates, then it is refused with a reason and the default is used', () => {
    expect(customError('2026-02-10', '2026-02-01')).toMatch(/before the first/);
    expect(customError('2020-01-01', '2026-01-01')).toMatch(/at most 800 days/);
    expect(customError('', '2026-01-01')).toMatch(/first and a last day/);
    expect(customError('2026-02-10', '2026-02-10')).toBeNull();
    const bad: PeriodChoice = { preset: 'custom', first: '2026-02-10', last: '2026-02-01' };
    expect(resolvePeriod(bad, LONDON, NOW)).toEqual(resolvePeriod({ preset: 'last30' }, LONDON, NOW));
  });

  it('when a manager switches from a preset to custom, then the fields start with the days the preset covered', () => {
    expect(customFromChoice({ preset: 'lastMonth' }, LONDON, NOW)).toEqual({ preset: 'custom', first: '2026-04-01', last: '2026-04-30' });
  });

  it('when a period is kept in the address bar, then it reads back the same, and the default leaves no trace', () => {
    for (const choice of [{ preset: 'last7' }, { preset: 'custom', first: '2026-01-01', last: '2026-01-31' }] as PeriodChoice[]) {
      const params = new URLSearchParams();
      choiceToParams(choice, params);
      expect(choiceFromParams(params)).toEqual(choice);
    }
    const params = new URLSearchParams('period=last7');
    choiceToParams({ preset: 'last30' }, params);
    expect(params.toString()).toBe('');
    expect(choiceFromParams(new URLSearchParams('period=nonsense'))).toEqual({ preset: 'last30' });
  });
});
