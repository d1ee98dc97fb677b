import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import { openAssign } from '../keyboard/open-assign';
import { openWorkOrder } from '../shell/router';
import { isTyping } from '../work-orders/form-utils';
import type { BarChange, ChartBar, ChartHandle } from './GanttChart';
import { firstBar, nextBar, stepMove, type Direction, type PendingMove } from './keyboard';
import { laneIdOf, toJob, type Lane } from './model';
import type { ViewName } from './timeline';

interface Options {
  chart: RefObject<ChartHandle | null>;
  bars: ChartBar[];
  lanes: Lane[];
  view: ViewName;
  byId: Map<string, WorkOrderDto>;
  canAssign: boolean;
  /** The drag's own save path (rule checks, one request, errors snap back). */
  onChange(change: BarChange): Promise<unknown> | void;
  /** Scrolls a lane into view (a keyboard move may take a bar to a lane below the fold). */
  showLane(laneId: string): void;
  /** The move being carried, owned by the view (its bars draw the bar where it would land). */
  pending: PendingMove | null;
  setPending(next: PendingMove | null): void;
}

const ARROWS: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/**
 * The Gantt's keys. A keyboard move is two-step, like a drag: Shift+arrows carry the bar (the chart
 * shows it where it would land), Enter saves it once through the drag's path, Escape puts it back.
 * Saving on every press would send a request per step, each with the version the previous one made stale.
 */
export function useGanttKeys({ chart, bars, lanes, view, byId, canAssign, onChange, showLane, pending, setPending }: Options) {
  const [saving, setSaving] = useState(false);
  const latest = useRef({ bars, lanes, view, byId, pending, saving, canAssign, onChange, showLane });
  latest.current = { bars, lanes, view, byId, pending, saving, canAssign, onChange, showLane };

  const onBarKey = useCallback(
    (id: string, e: KeyboardEvent) => {
      const s = latest.current;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const dir = ARROWS[e.key];
      if (dir && e.shiftKey) {
        e.preventDefault();
        const w = s.byId.get(id);
        const job = w && toJob(w);
        const laneId = w && laneIdOf(w);
        if (!s.canAssign || s.saving || !job || !laneId || (s.pending && s.pending.id !== id)) return;
        const from = s.pending ?? { id, laneId, start: job.start, end: job.end };
        const next = stepMove(from, dir, s.view, s.lanes);
        setPending(next);
        if (next.laneId !== from.laneId) s.showLane(next.laneId);
        chart.current?.focusBar(id, { waitForDraw: true });
        return;
      }
      if (dir) {
        e.preventDefault();
        // Moving on while a move is pending would leave it hanging: it is dropped, as Escape would.
        if (s.pending && !s.saving) setPending(null);
        const to = nextBar(s.bars, id, dir);
        if (to) chart.current?.focusBar(to);
        return;
      }
      if (e.key === 'Escape' && s.pending && !s.saving) {
        // Only the pending move: the drawer underneath (Layout's Escape) stays as it is.
        e.preventDefault();
        e.stopPropagation();
        setPending(null);
        return;
      }
      if (e.key === 'Enter') {
        e.preventDefault();
        const p = s.pending;
        if (!p) return openWorkOrder(id);
        if (s.saving) return;
        setSaving(true);
        void Promise.resolve(s.onChange({ id: p.id, start: p.start, end: p.end, lane: null, laneId: p.laneId })).finally(() => {
          // Kept until the save settles, so the bar does not jump back and forth meanwhile.
          setPending(null);
          setSaving(false);
        });
        return;
      }
      if (e.key === 'a' && !e.shiftKey) {
        e.preventDefault();
        openAssign(id);
      }
    },
    [chart, setPending],
  );

  // With nothing focused, an arrow picks up the chart's first bar: the keyboard way in, without Tab-ing through the toolbar.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || !ARROWS[e.key]) return;
      if (document.activeElement !== document.body && document.activeElement !== null) return;
      const first = firstBar(latest.current.bars);
      if (first && chart.current?.focusBar(first)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [chart]);

  return { saving, onBarKey };
}
