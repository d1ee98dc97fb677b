import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import { fieldQueries, type AttendanceDto } from '../../shared/work-orders/field-queries';
import { changedKeys, writeAnswer } from './apply-sent';
import type { OutboxAction } from './types';

// The query factories import the API client, which reads the token from the browser's storage on load;
// these tests never fetch.
vi.mock('../../shared/api/client', () => ({ api: {} }));

const WO = 'wo-1';

function action(kind: OutboxAction['kind']): OutboxAction {
  return {
    id: 'a1',
    seq: 1,
    userId: 'u1',
    userName: 'Tess',
    kind,
    workOrderId: WO,
    label: 'Checked in',
    createdAt: '2026-12-07T08:00:00.000Z',
    request: { method: 'POST', path: `/work-orders/${WO}/attendance`, json: { kind: 'check_in' } },
    preview: { kind: 'check_in' },
    state: 'pending',
    attempts: 0,
    lastError: null,
  };
}

function record(id: string): AttendanceDto {
  return {
    id,
    workOrderId: WO,
    workOrderNumber: 'WO-1',
    userId: 'u1',
    userName: 'Tess',
    locationId: null,
    kind: 'check_in',
    at: '2026-12-07T08:00:00.000Z',
    lat: null,
    lon: null,
    accuracyM: null,
    distanceM: null,
    fence: 'unknown',
    reviewedBy: null,
    reviewedAt: null,
    createdAt: '2026-12-07T08:00:01.000Z',
    version: 1,
  };
}

function clientWithList(items: AttendanceDto[]): QueryClient {
  const qc = new QueryClient();
  qc.setQueryData(fieldQueries.attendance(WO).queryKey, { items, nextCursor: null });
  return qc;
}

const list = (qc: QueryClient) => qc.getQueryData(fieldQueries.attendance(WO).queryKey)?.items.map((r) => r.id);

describe("the host's answer to a sent outbox action", () => {
  it('when a check-in is answered, then it is in the cached attendance list before any refetch', () => {
    const qc = clientWithList([record('old')]);
    writeAnswer(qc, action('attendance'), record('new'));
    expect(list(qc)).toEqual(['old', 'new']);
  });

  it('when the same record comes back twice, or as a replay marker, then the list does not grow', () => {
    const qc = clientWithList([record('old')]);
    writeAnswer(qc, action('attendance'), record('old'));
    writeAnswer(qc, action('attendance'), { replayed: true, id: 'x', workOrderId: WO, kind: 'check_in' });
    writeAnswer(qc, action('attendance'), { ...record('other'), workOrderId: 'wo-2' });
    expect(list(qc)).toEqual(['old']);
  });

  it('when the attendance list was never loaded, then nothing is invented', () => {
    const qc = new QueryClient();
    writeAnswer(qc, action('attendance'), record('new'));
    expect(qc.getQueryData(fieldQueries.attendance(WO).queryKey)).toBeUndefined();
  });

  it('then the timeline and the attendance list are refreshed after it', () => {
    expect(changedKeys(action('attendance')).map((k) => k[0])).toEqual(['work_order_events', 'attendance']);
  });
});
