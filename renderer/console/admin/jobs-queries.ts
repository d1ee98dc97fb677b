import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import type { JobDto, JobList } from '../../../server/jobs/contract';
import { api } from '../../shared/api/client';

export type { JobDto };

/** The states the admin page lists: out of attempts, and waiting to try again. */
export type TroubleState = 'dead' | 'failed';

export const jobQueries = {
  all: () => ['jobs'] as const,
  /** One state's jobs, newest first. The socket names the `jobs` table on every change, which refreshes these. */
  list: (state: TroubleState) =>
    queryOptions({ queryKey: ['jobs', 'list', state], queryFn: () => api.get<JobList>('/jobs', { state, limit: 200 }) }),
};

/** Sends a dead job round again; both lists refresh at once (the socket would, a moment later). */
export function useRedrive() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<JobDto>(`/jobs/${encodeURIComponent(id)}/redrive`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: jobQueries.all() }),
  });
}
