import { describe, expect, it } from 'vitest';
import { syncConflictText } from './sync-conflict';

describe('a sync conflict in the timeline', () => {
  it('when a status move lost to a cancellation, then it says which move was not applied and why', () => {
    const t = syncConflictText({
      field: 'status',
      code: 'stale_status',
      losing: { from: 'EN_ROUTE', to: 'ON_SITE' },
      kept: 'CANCELLED',
      mutationId: 'm-1',
      hlc: '0001',
    });
    expect(`${t.lost}: ${t.because}.`).toBe(
      'Status change to On site was not applied: the work order was already Cancelled when the change reached the hub.',
    );
    expect(t.mutationId).toBe('m-1');
  });

  it('when the losing value is a plain value of another field, then the hub’s kept value is named', () => {
    const t = syncConflictText({ field: 'priority', losing: 'high', kept: 'low', mutationId: 'm-2', node: 'n-1' });
    expect(t.lost).toBe('Priority change to high was not applied');
    expect(t.because).toBe('the hub kept low, set by a later change');
  });

  it('when the event data is missing or malformed, then it still reads as a lost status change', () => {
    expect(syncConflictText(null)).toEqual({
      lost: 'Status change was not applied',
      because: 'the work order had already changed at the hub',
      mutationId: null,
    });
    expect(syncConflictText({ field: 7, losing: { to: 'NOT_A_STATUS' }, kept: 'CLOSED' }).lost).toBe(
      'Status change to NOT_A_STATUS was not applied',
    );
  });
});
