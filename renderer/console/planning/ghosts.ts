import type { OptimiseMove } from '../../../server/optimise/contract';
import type { ChartBar } from './GanttChart';
import type { Lane } from './model';

/** Ghost bars are the proposal drawn on the chart; their ids carry this prefix so no gesture saves them. */
export const GHOST_PREFIX = 'ghost:';

export const isGhost = (id: string) => id.startsWith(GHOST_PREFIX);

/** Where each proposed move would land, in the lanes on screen; unticked moves are drawn fainter. */
export function ghostBars(moves: readonly OptimiseMove[], windowLanes: readonly Lane[], selected: ReadonlySet<string>): ChartBar[] {
  const row = new Map(windowLanes.map((l, i) => [l.id, i]));
  return moves.flatMap((m) => {
    const lane = row.get(`user:${m.to.assigneeId}`);
    if (lane === undefined) return [];
    return [
      {
        id: `${GHOST_PREFIX}${m.workOrderId}`,
        lane,
        start: Date.parse(m.to.start),
        end: Date.parse(m.to.end),
        label: `→ ${m.number}`,
        className: `wo-ghost${selected.has(m.workOrderId) ? '' : ' wo-ghost-off'}`,
      },
    ];
  });
}

/** A ghost bar's tooltip: what moves, and why. */
export function ghostTooltip(moves: readonly OptimiseMove[], id: string): string {
  const m = moves.find((x) => `${GHOST_PREFIX}${x.workOrderId}` === id);
  return m ? [`Proposed: ${m.number}`, ...m.reasons.map((r) => `• ${r}`)].join('\n') : '';
}
