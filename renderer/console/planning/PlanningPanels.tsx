import { memo } from 'react';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import { openWorkOrder } from '../shell/router';
import { VIOLATION_LABEL, type Violation } from './rules';
import { useDepotFormat } from '../../shared/locale/context';

/**
 * The tray and the rule-check list beside the chart. Memoised, and each violation row too: the
 * planning view renders again on every save, fetch state and tray-drag move, and drawing 300 rows
 * with their luxon-formatted times each time cost ~60–110 ms of a drop on a 2,000-job month.
 */

export const TrayPanel = memo(function TrayPanel(props: {
  items: WorkOrderDto[];
  canAssign: boolean;
  liftedId: string | null;
  onLift(wo: WorkOrderDto, x: number, y: number): void;
}) {
  const fmt = useDepotFormat();
  const { items, canAssign, liftedId, onLift } = props;
  return (
    <aside className="pl-tray" data-testid="plan-tray">
      <h3>
        Unscheduled <span className="badge">{items.length}</span>
      </h3>
      <p className="muted small">
        {canAssign ? 'Drag onto a crew’s lane at a time, or onto a crew’s name.' : 'Your role cannot assign work.'}
      </p>
      <ul>
        {items.map((w) => (
          <li
            key={w.id}
            className={`tray-item${liftedId === w.id ? ' lifted' : ''}`}
            data-testid="tray-item"
            data-id={w.id}
            onMouseDown={(e) => {
              if (!canAssign || e.button !== 0) return;
              e.preventDefault();
              onLift(w, e.clientX, e.clientY);
            }}
            onDoubleClick={() => openWorkOrder(w.id)}
            title="Drag onto the chart · double-click to open"
          >
            <div className="row1">
              <span className={`badge prio-${w.priority}`}>{w.priority}</span>
              <span className="num">{w.number}</span>
              <span className="muted small">{Math.round(w.durationMin / 6) / 10} h</span>
            </div>
            <div className="title">{w.title}</div>
            {w.resolutionDueAt && <div className="muted small">Due {fmt.dateTime(Date.parse(w.resolutionDueAt))}</div>}
          </li>
        ))}
      </ul>
    </aside>
  );
});

export interface ViolationRow {
  /** The rule cache's own object: the same from one check to the next while its crew is unchanged. */
  v: Violation;
  wo: WorkOrderDto;
}

const SHOWN = 300;

export const ViolationPanel = memo(function ViolationPanel(props: {
  rows: ViolationRow[];
  whoOf(wo: WorkOrderDto): string | undefined;
  onShow(wo: WorkOrderDto): void;
}) {
  const { rows, whoOf, onShow } = props;
  return (
    <aside className="pl-violations" data-testid="plan-violations">
      <h3>
        Rule check <span className={`badge ${rows.length ? 'sla-breached' : 'sla-ok'}`}>{rows.length}</span>
      </h3>
      {rows.length === 0 && <p className="muted small">No conflicts in this range.</p>}
      <ul>
        {rows.slice(0, SHOWN).map((r) => (
          <ViolationItem key={`${r.v.workOrderId}-${r.v.kind}-${r.v.otherId ?? ''}`} {...r} who={whoOf(r.wo)} onShow={onShow} />
        ))}
      </ul>
      {rows.length > SHOWN && <p className="muted small">…and {rows.length - SHOWN} more.</p>}
    </aside>
  );
});

const ViolationItem = memo(function ViolationItem(props: ViolationRow & { who: string | undefined; onShow(wo: WorkOrderDto): void }) {
  const fmt = useDepotFormat();
  const { v, wo, who, onShow } = props;
  return (
    <li
      className={`violation v-${v.kind}`}
      data-testid="violation"
      data-kind={v.kind}
      data-id={v.workOrderId}
      onClick={() => onShow(wo)}
      onDoubleClick={() => openWorkOrder(wo.id)}
    >
      <div className="row1">
        <span className="kind">{VIOLATION_LABEL[v.kind]}</span>
        <span className="num">{wo.number}</span>
      </div>
      <div className="small">{v.message}</div>
      <div className="muted small">
        {who} · {wo.plannedStart ? fmt.dateTime(Date.parse(wo.plannedStart)) : ''}
      </div>
    </li>
  );
});
