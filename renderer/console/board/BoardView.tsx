import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSession } from '../../shared/api/session';
import { useLookups } from '../../shared/catalog/queries';
import { useToasts } from '../shell/toasts';
import { useNow } from '../../ui/useNow';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import type { WorkOrderCountsDto } from '../../../server/work-orders/contract';
import { BoardCard } from './BoardCard';
import { BoardColumn } from './BoardColumn';
import { BoardToolbar, parseFilters } from './BoardToolbar';
import { DropDialog, type PendingDrop } from './DropDialog';
import { indexMoves, judgeDrop, type DropVerdict } from './logic';
import { useBoardKeys } from './useBoardKeys';
import {
  boardQueries,
  decideClosure,
  FILTERS_KEY,
  filterQuery,
  FINISHED_COLUMNS,
  MAX_PAGE,
  moveWorkOrder,
  OPEN_COLUMNS,
  PAGE,
  savePreference,
  type BoardFilters,
  type BoardStatus,
} from './queries';
import './board.css';
import { workOrderQueries } from '../../shared/work-orders/queries';

/** Finished columns show the most recent few only: the board is for work in flight. */
const FINISHED_PAGE = 50;
/** One clock for the whole board: every card's countdown re-renders from it, not from its own timer. */
const TICK_MS = 15_000;

/**
 * The SLA board: work orders in status columns with live SLA countdowns; drag a card to change its
 * status (the lifecycle decides which columns take it), filters saved on the host per user.
 */
export function BoardView() {
  const session = useSession();
  const lookups = useLookups();
  const toasts = useToasts();
  const queryClient = useQueryClient();
  const now = useNow(TICK_MS);

  // Filters: read once from the host (they follow the user between consoles), then saved on change.
  const stored = useQuery(boardQueries.preference(FILTERS_KEY));
  const [filters, setFilters] = useState<BoardFilters | null>(null);
  useEffect(() => {
    if (filters !== null) return;
    if (stored.isSuccess) setFilters(parseFilters(stored.data.value));
    else if (stored.isError) setFilters({});
  }, [filters, stored.isSuccess, stored.isError, stored.data]);
  const changeFilters = useCallback(
    (next: BoardFilters) => {
      setFilters(next);
      savePreference(FILTERS_KEY, next).then(
        (saved) => queryClient.setQueryData(boardQueries.preference(FILTERS_KEY).queryKey, saved),
        (err: unknown) => toasts.error(err),
      );
    },
    [queryClient, toasts],
  );

  const query = useMemo(() => filterQuery(filters ?? {}), [filters]);
  const showFinished = Boolean(filters?.showFinished);
  const columns = useMemo<BoardStatus[]>(() => (showFinished ? [...OPEN_COLUMNS, ...FINISHED_COLUMNS] : [...OPEN_COLUMNS]), [showFinished]);
  const [limits, setLimits] = useState<Partial<Record<BoardStatus, number>>>({});
  const limitOf = (s: BoardStatus) => limits[s] ?? (s === 'CLOSED' || s === 'CANCELLED' ? FINISHED_PAGE : PAGE);
  const results = useQueries({
    queries: columns.map((s) => ({ ...boardQueries.column(s, query, limitOf(s)), enabled: filters !== null })),
  });
  const counts = useQuery({ ...workOrderQueries.counts(query), enabled: filters !== null });
  const breachedQuery = useMemo(() => ({ ...query, slaState: 'breached' }), [query]);
  // A breached filter already chosen: the breached counts are the counts themselves.
  const breached = useQuery({ ...workOrderQueries.counts(breachedQuery), enabled: filters !== null });
  const lifecycle = useQuery(workOrderQueries.lifecycle());
  const moves = useMemo(() => indexMoves(lifecycle.data), [lifecycle.data]);

  const breachedOf = (status: string) => breached.data?.byStatus[status as keyof WorkOrderCountsDto['byStatus']] ?? 0;

  // Drag and drop. `saving` holds cards dropped but not yet confirmed: shown in their new column meanwhile.
  const canMove = session.can('workorder:transition') || session.can('workorder:approve');
  const [dragging, setDragging] = useState<WorkOrderDto | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [saving, setSaving] = useState<Map<string, { wo: WorkOrderDto; to: string }>>(new Map());
  const [pendingDrop, setPendingDrop] = useState<PendingDrop | null>(null);
  const verdicts = useMemo(() => {
    const out = new Map<string, DropVerdict>();
    if (dragging) for (const s of columns) if (s !== dragging.status) out.set(s, judgeDrop(moves, dragging, s));
    return out;
  }, [dragging, moves, columns]);

  const onDragStart = useCallback((wo: WorkOrderDto) => setDragging(wo), []);
  const onDragEnd = useCallback(() => {
    setDragging(null);
    setOver(null);
  }, []);

  const perform = async (wo: WorkOrderDto, to: string, via: 'transition' | 'closure', text = '') => {
    setSaving((m) => new Map(m).set(wo.id, { wo, to }));
    try {
      if (via === 'closure') await decideClosure(wo, to === 'CLOSED' ? 'approved' : 'rejected', text || undefined);
      else await moveWorkOrder(wo, to, to === 'ON_HOLD' ? { reason: text } : text ? { note: text } : {});
    } catch (err) {
      // The host's refusal (409 with its reason, a stale version, ...): say it; the card goes back.
      toasts.error(err);
    }
    await queryClient.invalidateQueries({ queryKey: ['work_orders'] });
    setSaving((m) => {
      const next = new Map(m);
      next.delete(wo.id);
      return next;
    });
  };

  /** A card put on column `to`, by a drop or a keyboard move: judged, asked about if needed, then saved. False if refused. */
  const requestMove = (wo: WorkOrderDto, to: string): boolean => {
    if (wo.status === to) return false;
    const verdict = judgeDrop(moves, wo, to);
    if (!verdict.ok) {
      toasts.push({ kind: 'error', text: verdict.reason });
      return false;
    }
    const via = verdict.move.via === 'closure' ? 'closure' : 'transition';
    if (verdict.ask) setPendingDrop({ wo, to, ask: verdict.ask, via });
    else void perform(wo, to, via);
    return true;
  };

  const onDrop = (to: string) => {
    const wo = dragging;
    setDragging(null);
    setOver(null);
    if (wo) requestMove(wo, to);
  };

  const ready =
    filters !== null && lifecycle.isSuccess && lookups.ready && counts.isSuccess && breached.isSuccess && results.every((r) => r.isSuccess);
  const savingList = [...saving.values()];
  const countOf = (status: string) => counts.data?.byStatus[status as keyof WorkOrderCountsDto['byStatus']] ?? 0;
  const openCount = OPEN_COLUMNS.reduce((sum, s) => sum + countOf(s), 0);
  const breachedTotal = breached.data ? OPEN_COLUMNS.reduce((sum, s) => sum + breachedOf(s), 0) : null;

  // The cards as drawn, column by column: what the keyboard moves focus through.
  const shown = columns.map((status, i) => [
    ...savingList.filter((s) => s.to === status).map((s) => s.wo),
    ...(results[i]?.data?.items ?? []).filter((w) => !saving.has(w.id)),
  ]);
  const rootRef = useRef<HTMLDivElement>(null);
  const keys = useBoardKeys({
    root: rootRef,
    grid: shown.map((col) => col.map((w) => w.id)),
    columns,
    canMove,
    dialogOpen: pendingDrop !== null,
    move: (id, to) => {
      const wo = shown.flat().find((w) => w.id === id);
      return Boolean(wo && !saving.has(id) && requestMove(wo, to));
    },
  });

  return (
    <div
      className="board"
      ref={rootRef}
      data-testid="board"
      data-state={ready ? 'ready' : 'loading'}
      data-dragging={dragging ? 'true' : undefined}
      onKeyDown={keys.onCardKey}
    >
      <BoardToolbar
        filters={filters ?? {}}
        onChange={changeFilters}
        openCount={openCount}
        openMore={false}
        breachedTotal={breachedTotal}
        breachedMore={false}
      />
      <div className="board-cols">
        {columns.map((status, i) => {
          const result = results[i];
          const arriving = savingList.filter((s) => s.to === status).map((s) => s.wo);
          const limit = limitOf(status);
          const more = Boolean(result?.data?.nextCursor);
          const verdict = verdicts.get(status) ?? null;
          return (
            <BoardColumn
              key={status}
              status={status}
              // The host's count, with cards dropped here or taken away but not yet saved moved along.
              count={countOf(status) - savingList.filter((x) => x.wo.status === status).length + arriving.length}
              more={false}
              breached={breachedOf(status)}
              breachedMore={false}
              verdict={verdict}
              over={over === status}
              loading={Boolean(result?.isFetching) && !result?.isPending}
              onDragOver={setOver}
              onDrop={onDrop}
              footer={
                more &&
                (limit < MAX_PAGE ? (
                  <button
                    className="board-more"
                    onClick={() => setLimits({ ...limits, [status]: Math.min(MAX_PAGE, limit + PAGE) })}
                    data-testid="board-show-more"
                  >
                    Show more
                  </button>
                ) : (
                  <div className="board-empty">Showing the first {MAX_PAGE}: narrow the filters or use the Work orders list.</div>
                ))
              }
            >
              {pendingDrop?.to === status && (
                <DropDialog
                  pending={pendingDrop}
                  onCancel={() => setPendingDrop(null)}
                  onSubmit={(text) => {
                    setPendingDrop(null);
                    void perform(pendingDrop.wo, pendingDrop.to, pendingDrop.via, text);
                  }}
                />
              )}
              {shown[i]!.map((wo) => (
                <BoardCard
                  key={wo.id}
                  wo={wo}
                  now={now}
                  location={(wo.locationId && lookups.locations.get(wo.locationId)?.name) || null}
                  assignee={(wo.assigneeId && lookups.users.get(wo.assigneeId)?.name) || null}
                  draggable={canMove}
                  saving={saving.has(wo.id)}
                  onDragStart={onDragStart}
                  onDragEnd={onDragEnd}
                />
              ))}
            </BoardColumn>
          );
        })}
      </div>
    </div>
  );
}
