import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { Query } from '../../shared/api/client';
import { onLiveMessage } from '../../shared/api/live';
import { applyUpdate, type OpenWorkSnapshot } from './open-work';
import { LIVE_IDS_MAX, mapQueries, openWorkRows } from './queries';

/** Changes are gathered this long, so a burst (a bulk reassignment) is one request and one redraw. */
const GATHER_MS = 250;

/**
 * Keeps the map's open work live by change: the host names the work orders a commit touched, the
 * map asks for just those rows under its filters and swaps them in (applyUpdate), and MapCanvas
 * sends maplibre only the features that changed. A message without ids, or a burst of more than
 * LIVE_IDS_MAX, refetches the whole payload instead.
 */
export function useOpenWorkLive(filters: Query): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    const key = mapQueries.workOrders(filters).queryKey;
    let pending = new Set<string>();
    let everything = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    const flush = async () => {
      timer = null;
      const ids = [...pending];
      const all = everything || ids.length > LIVE_IDS_MAX;
      pending = new Set();
      everything = false;
      if (all) return void queryClient.invalidateQueries({ queryKey: key, exact: true });
      if (!queryClient.getQueryData(key)) return;
      try {
        const rows = await openWorkRows(filters, ids);
        if (stopped) return;
        queryClient.setQueryData<OpenWorkSnapshot>(key, (prev) => (prev ? applyUpdate(prev, ids, rows) : prev));
      } catch {
        // The update could not be read (host restarting): the next full fetch catches up.
        void queryClient.invalidateQueries({ queryKey: key, exact: true });
      }
    };

    const stop = onLiveMessage((m) => {
      if (!m.data.tables?.includes('work_orders')) return;
      const changed = (m.data.changes ?? []).filter((c) => c.table === 'work_orders').map((c) => c.id);
      if (changed.length === 0) everything = true;
      for (const id of changed) pending.add(id);
      timer ??= setTimeout(() => void flush(), GATHER_MS);
    });
    return () => {
      stopped = true;
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [queryClient, filters]);
}
