import { useDepotFormat } from '../../shared/locale/context';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import type { PendingMove } from './keyboard';
import type { Lane } from './model';

/**
 * Where a keyboard move would put the bar, in words: the bar itself shows it on the chart, this line
 * says it exactly (crew and times) and, being a live region, tells a screen reader each step.
 */
export function KeyMoveStatus({
  pending,
  saving,
  lanes,
  byId,
}: {
  pending: PendingMove | null;
  saving: boolean;
  lanes: Lane[];
  byId: Map<string, WorkOrderDto>;
}) {
  const fmt = useDepotFormat();
  const wo = pending && byId.get(pending.id);
  const lane = pending && lanes.find((l) => l.id === pending.laneId);
  return (
    <div
      className="pl-keymove"
      role="status"
      aria-live="polite"
      data-testid="plan-key-move"
      data-state={saving ? 'saving' : pending ? 'pending' : 'idle'}
    >
      {pending && wo && (
        <>
          Moving <b>{wo.number}</b> to <b>{lane?.label ?? '…'}</b>, {fmt.dateTime(pending.start)} – {fmt.time(pending.end)}
          <span className="muted">{saving ? ' · saving…' : ' · Enter saves · Esc cancels'}</span>
        </>
      )}
    </div>
  );
}
