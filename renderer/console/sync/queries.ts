import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { EnrolBody, SyncRefusalItem, SyncRefusalList, SyncStatusDto } from '../../../server/sync/contract';
import { api } from '../../shared/api/client';
import type { LiveMessage } from '../../shared/api/live';

export type { SyncStatusDto };
export type SyncRefusalDto = z.infer<typeof SyncRefusalItem>;
export type EnrolBodyDto = z.input<typeof EnrolBody>;

/**
 * Sync state is not a table the socket names: the host sends the whole status as a `sync.status`
 * message when it changes (applyLiveSyncStatus), and live.ts refetches every query when the socket
 * reconnects, which covers what was missed while it was down.
 */
export const syncKeys = { all: ['sync'] as const, status: ['sync', 'status'] as const, refusals: ['sync', 'refusals'] as const };

export const syncQueries = {
  status: () => queryOptions({ queryKey: syncKeys.status, queryFn: () => api.get<SyncStatusDto>('/sync/status'), retry: false }),
  refusals: () => queryOptions({ queryKey: syncKeys.refusals, queryFn: () => api.get<z.infer<typeof SyncRefusalList>>('/sync/refusals') }),
};

/**
 * The status message carries the status itself (plus the bus's empty `tables`): it replaces the
 * cached status without a request. The refusal list follows its counts, so it is refetched too
 * (only if a Sync page has it open).
 */
export function applyLiveSyncStatus(qc: QueryClient, m: LiveMessage): void {
  if (m.type !== 'sync.status' || typeof m.data !== 'object' || typeof m.data.phase !== 'string') return;
  // The host's own message: trusted like its HTTP answers (the console validates neither).
  const { tables: _t, changes: _c, ...status } = m.data;
  qc.setQueryData(syncKeys.status, status as unknown as SyncStatusDto);
  void qc.invalidateQueries({ queryKey: syncKeys.refusals });
}

/** Every action answers with (or is followed by) the new status, which replaces the cached one. */
async function thenStatus(qc: QueryClient, answer: Promise<unknown>): Promise<SyncStatusDto> {
  const body = await answer;
  const status =
    body && typeof body === 'object' && 'phase' in body
      ? (body as SyncStatusDto)
      : await qc.fetchQuery({ ...syncQueries.status(), staleTime: 0 });
  qc.setQueryData(syncKeys.status, status);
  void qc.invalidateQueries({ queryKey: syncKeys.refusals });
  return status;
}

export const syncActions = {
  enrol: (qc: QueryClient, body: EnrolBodyDto) => thenStatus(qc, api.post('/sync/enrol', body)),
  pause: (qc: QueryClient) => thenStatus(qc, api.post('/sync/pause')),
  resume: (qc: QueryClient) => thenStatus(qc, api.post('/sync/resume')),
  now: (qc: QueryClient) => thenStatus(qc, api.post('/sync/now')),
  drift: (qc: QueryClient) => thenStatus(qc, api.post('/sync/drift-check')),
  leave: (qc: QueryClient) => thenStatus(qc, api.post('/sync/leave')),
  resnapshot: (qc: QueryClient) => thenStatus(qc, api.post('/sync/resnapshot')),
  dismiss: async (qc: QueryClient, mutationId: string) => {
    await api.post(`/sync/refusals/${encodeURIComponent(mutationId)}/dismiss`);
    await Promise.all([qc.invalidateQueries({ queryKey: syncKeys.refusals }), qc.invalidateQueries({ queryKey: syncKeys.status })]);
  },
};
