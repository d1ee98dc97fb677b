import type { DragEvent, ReactNode } from 'react';
import { STATUS_LABEL } from '../../shared/work-orders/labels';
import type { DropVerdict } from './logic';

interface Props {
  status: string;
  count: number;
  more: boolean;
  breached: number;
  breachedMore: boolean;
  /** While a card is dragged: whether this column takes it (null: not dragging, or the card's own column). */
  verdict: DropVerdict | null;
  over: boolean;
  loading: boolean;
  onDragOver(status: string): void;
  onDrop(status: string): void;
  children: ReactNode;
  footer?: ReactNode;
}

/** A status column: sticky header with its count and breached count, its cards, and (when dragging) whether it accepts the card. */
export function BoardColumn({
  status,
  count,
  more,
  breached,
  breachedMore,
  verdict,
  over,
  loading,
  onDragOver,
  onDrop,
  children,
  footer,
}: Props) {
  const dropState = verdict === null ? undefined : verdict.ok ? 'accepts' : 'refuses';
  // Every column lets the drop happen, even a refusing one (a "none" drop effect would swallow the
  // drop event), so the board can say why it refused; the column itself looks refusing meanwhile.
  const dragOver = (e: DragEvent) => {
    if (verdict === null) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    onDragOver(status);
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    onDrop(status);
  };
  return (
    <section
      className={`board-col${status === 'CLOSED' || status === 'CANCELLED' ? ' finished' : ''}${dropState ? ` ${dropState}` : ''}${over ? ' over' : ''}`}
      data-testid={`board-column-${status}`}
      data-drop={dropState}
      onDragOver={dragOver}
      onDragEnter={dragOver}
      onDrop={drop}
      aria-label={STATUS_LABEL[status]}
    >
      <header className="board-col-head">
        <span className="bch-name" title={STATUS_LABEL[status]}>
          {STATUS_LABEL[status]}
        </span>
        <span className="bch-count" data-testid="board-column-count">
          {count}
          {more ? '+' : ''}
        </span>
        {breached > 0 && (
          <span
            className="bch-breached"
            title={`${breached}${breachedMore ? '+' : ''} breached in ${STATUS_LABEL[status]}`}
            data-testid="board-column-breached"
          >
            {breached}
            {breachedMore ? '+' : ''}
          </span>
        )}
        {loading && <span className="bch-loading" aria-label="Refreshing" />}
      </header>
      {over && verdict && !verdict.ok && (
        <div className="board-col-refusal" role="note">
          {verdict.reason}
        </div>
      )}
      <div className="board-col-body">
        {children}
        {count === 0 && <div className="board-empty">Nothing here</div>}
        {footer}
      </div>
    </section>
  );
}
