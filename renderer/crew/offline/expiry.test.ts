import { describe, expect, it } from 'vitest';
import { EXPIRES_AFTER_MS, isExpired, isReplayedMarker } from './expiry';

const DAY = 86_400_000;
const now = Date.parse('2026-12-05T12:00:00Z');
const queued = (daysAgo: number) => ({ createdAt: new Date(now - daysAgo * DAY).toISOString() });

describe('outbox expiry', () => {
  it('when an action waited less than the replay horizon (less a day for clock skew), then it is still sent', () => {
    expect(EXPIRES_AFTER_MS).toBe(29 * DAY);
    expect(isExpired(queued(0), now)).toBe(false);
    expect(isExpired(queued(28.9), now)).toBe(false);
  });

  it('when an action waited longer, or its date cannot be read, then it is expired instead of replayed', () => {
    expect(isExpired(queued(29.1), now)).toBe(true);
    expect(isExpired(queued(45), now)).toBe(true);
    expect(isExpired({ createdAt: 'yesterday' }, now)).toBe(true);
  });

  it('when the host answers that the action was applied before, then the answer is recognised as carrying no new state', () => {
    expect(isReplayedMarker({ replayed: true, mutationId: 'x', appliedAt: '2026-11-16T09:00:00Z' })).toBe(true);
    expect(isReplayedMarker({ id: 'wo-1', status: 'ON_SITE' })).toBe(false);
    expect(isReplayedMarker(null)).toBe(false);
  });
});
