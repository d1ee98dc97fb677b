import { infiniteQueryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { DELETED_KINDS, type DeletedKind } from '../../../server/deleted/contract-kinds';
import type { DeletedItemDto } from '../../../server/deleted/contract';
import { api, type Page } from '../../shared/api/client';
import { useToasts } from '../shell/toasts';

export { DELETED_KINDS, type DeletedItemDto, type DeletedKind };

/** Every table the bin reads: a socket message naming one of them refreshes it. */
export const DELETED_TABLES = new Set<string>(Object.values(DELETED_KINDS).map((k) => k.table));

/** The kinds a role holding these permissions may restore (the host answers with no others). */
export function restorableKinds(can: (permission: string) => boolean): DeletedKind[] {
  return (Object.keys(DELETED_KINDS) as DeletedKind[]).filter((k) => can(DELETED_KINDS[k].permission));
}

export const deletedQueries = {
  /** The recycle bin, newest delete first, 100 rows a page. Not keyed by one table: the tab refreshes it on any of DELETED_TABLES. */
  list: (kind: DeletedKind | null) =>
    infiniteQueryOptions({
      queryKey: ['deleted', kind ?? 'all'],
      queryFn: ({ pageParam }) => api.get<Page<DeletedItemDto>>('/deleted', { kind, limit: 100, cursor: pageParam ?? undefined }),
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.nextCursor,
    }),
};

/**
 * Undoes a delete through the record's own restore route (the same permission as its delete). On
 * success the bin and the record's table are refreshed at once; the socket would, a moment later.
 */
export function useRestore() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: Pick<DeletedItemDto, 'kind' | 'restorePath'>) => api.post<unknown>(v.restorePath),
    onSuccess: (_r, v) => {
      void qc.invalidateQueries({ queryKey: ['deleted'] });
      void qc.invalidateQueries({ queryKey: [DELETED_KINDS[v.kind].table] });
    },
  });
}

/**
 * After a delete: a success toast (`said.done`) with "Undo", which calls `undo` (the record's restore
 * route, or adding a removed membership again), refreshes `tables` and says `said.undone`. Uses only
 * app-wide objects, so the undo still works after the form that deleted the record has closed.
 */
export function useOfferUndo() {
  const qc = useQueryClient();
  const toasts = useToasts();
  return (said: { done: string; undone: string }, tables: string[], undo: () => Promise<unknown>) =>
    toasts.push({
      kind: 'success',
      text: said.done,
      action: {
        label: 'Undo',
        run: () =>
          void undo().then(() => {
            for (const t of ['deleted', ...tables]) void qc.invalidateQueries({ queryKey: [t] });
            toasts.push({ kind: 'success', text: said.undone });
          }, toasts.error),
      },
    });
}
