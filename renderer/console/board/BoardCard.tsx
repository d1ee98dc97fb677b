import { memo, type DragEvent } from 'react';
import { openWorkOrder } from '../shell/router';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import { clockOf } from './logic';
import { useDepotFormat } from '../../shared/locale/context';

interface Props {
  wo: WorkOrderDto;
  now: number;
  location: string | null;
  assignee: string | null;
  draggable: boolean;
  saving: boolean;
  onDragStart(wo: WorkOrderDto): void;
  onDragEnd(): void;
}

/** One work order on the board: a left bar in its SLA colour, the live countdown, and who/where. */
export const BoardCard = memo(function BoardCard({ wo, now, location, assignee, draggable, saving, onDragStart, onDragEnd }: Props) {
  const fmt = useDepotFormat();
  const clock = clockOf(wo, now, fmt.dateTime);
  const start = (e: DragEvent) => {
    e.dataTransfer.setData('text/plain', wo.id);
    e.dataTransfer.effectAllowed = 'move';
    onDragStart(wo);
  };
  return (
    <article
      className={`board-card bar-${clock.state}${saving ? ' saving' : ''}`}
      data-testid="board-card"
      data-id={wo.id}
      data-number={wo.number}
      data-status={wo.status}
      data-sla={clock.state}
      draggable={draggable && !saving}
      onDragStart={start}
      onDragEnd={onDragEnd}
      onClick={() => openWorkOrder(wo.id)}
      tabIndex={0}
      onKeyDown={(e) => e.key === 'Enter' && openWorkOrder(wo.id)}
      aria-label={`${wo.number} ${wo.title}`}
    >
      <div className="bc-top">
        <span className="bc-number">{wo.number}</span>
        <span className={`bc-clock clock-${clock.state}`} title={clock.title} data-testid="board-countdown">
          {clock.text}
        </span>
      </div>
      <div className="bc-title" title={wo.title}>
        {wo.title}
      </div>
      <div className="bc-where" title={location ?? undefined}>
        {location ?? 'No location'}
      </div>
      <div className="bc-meta">
        <span className={`badge prio-${wo.priority}`}>{wo.priority}</span>
        <span className={assignee ? 'bc-who' : 'bc-who unassigned'} title={assignee ?? undefined}>
          {assignee ?? 'Unassigned'}
        </span>
      </div>
      {wo.status === 'ON_HOLD' && wo.holdReason && (
        <div className="bc-hold" title={wo.holdReason}>
          {wo.holdReason}
        </div>
      )}
    </article>
  );
});
