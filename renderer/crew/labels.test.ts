import { describe, expect, it } from 'vitest';
import { countdown } from '../shared/work-orders/labels';
import { slaLine } from './labels';

const base = {
  respondedAt: '2026-11-20T08:30:00Z',
  responseDueAt: '2026-11-20T09:00:00Z',
  resolutionDueAt: '2026-11-20T12:00:00Z',
  onHoldSince: null,
};
const now = Date.parse('2026-11-20T13:00:00Z');

describe('the crew SLA line', () => {
  it('when work is on hold, then the resolution clock reads paused with what was left when held, not "over"', () => {
    const line = slaLine({ ...base, status: 'ON_HOLD', onHoldSince: '2026-11-20T10:00:00Z' }, now, countdown);
    expect(line).toEqual({ label: 'Resolution', text: 'paused while on hold (2h 00m left when held)', paused: true });
  });

  it('when work is running late, then the countdown says how far over', () => {
    expect(slaLine({ ...base, status: 'ON_SITE' }, now, countdown)).toEqual({ label: 'Resolution', text: '1h 00m over', paused: false });
  });

  it('when nobody has responded yet, then the response clock is shown', () => {
    expect(slaLine({ ...base, status: 'DISPATCHED', respondedAt: null }, Date.parse('2026-11-20T08:00:00Z'), countdown)?.label).toBe(
      'Response',
    );
  });
});
