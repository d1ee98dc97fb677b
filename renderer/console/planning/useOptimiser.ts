import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import type { AcceptResult, OptimiseJob } from '../../../server/optimise/contract';
import { api } from '../../shared/api/client';
import { useToasts } from '../shell/toasts';

/**
 * One optimiser run at a time in the planning view: start it for the range shown, poll it while
 * it searches (progress is a few numbers; polling twice a second is simpler than a socket
 * message for one screen), keep which moves are ticked, accept them in one request.
 */
export function useOptimiser(range: { from: number; to: number } | null) {
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const [runId, setRunId] = useState<string | null>(null);
  /** '' is the whole depot. */
  const [teamId, setTeamId] = useState('');
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const run = useQuery({
    queryKey: ['optimise', runId],
    queryFn: () => api.get<OptimiseJob>(`/plan/optimise/${runId}`),
    enabled: runId !== null,
    refetchInterval: (q) => (q.state.data?.state === 'running' || !q.state.data ? 500 : false),
  });
  const job = runId ? (run.data ?? null) : null;
  const moves = useMemo(() => job?.proposal?.moves ?? [], [job]);
  const selected = useMemo(() => new Set(moves.filter((m) => !unticked.has(m.workOrderId)).map((m) => m.workOrderId)), [moves, unticked]);

  const start = useCallback(async () => {
    if (!range) return;
    setBusy(true);
    try {
      const started = await api.post<OptimiseJob>('/plan/optimise', {
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        ...(teamId ? { teamId } : {}),
      });
      setUnticked(new Set());
      setRunId(started.id);
    } catch (err) {
      toasts.error(err);
    } finally {
      setBusy(false);
    }
  }, [range, teamId, toasts]);

  const close = useCallback(async () => {
    const id = runId;
    setRunId(null);
    if (id) await api.delete(`/plan/optimise/${id}`).catch(() => undefined);
  }, [runId]);

  const accept = useCallback(
    async (all: boolean) => {
      if (!runId) return;
      setBusy(true);
      try {
        const body = all ? {} : { workOrderIds: [...selected] };
        const res = await api.post<AcceptResult>(`/plan/optimise/${runId}/accept`, body);
        toasts.push({ kind: 'info', text: `${res.applied.length} work orders planned by the optimiser` });
        setRunId(null);
        void queryClient.invalidateQueries({ queryKey: ['work_orders'] });
      } catch (err) {
        toasts.error(err);
      } finally {
        setBusy(false);
      }
    },
    [runId, selected, toasts, queryClient],
  );

  const toggle = useCallback((id: string) => {
    setUnticked((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);

  return { job, moves, selected, busy, start, close, accept, toggle, teamId, setTeamId, ready: range !== null };
}

export type Optimiser = ReturnType<typeof useOptimiser>;
