import type { WorkOrderDto } from '../../shared/work-orders/queries';
import type { ViolationRow } from './PlanningPanels';
import type { Violation } from './rules';

/**
 * The rule check's list: double bookings and SLA breaches first (those a dispatcher must act on), then
 * by start and number. One text key per row (ISO times and zero-padded numbers sort as text), so a
 * comparison is one string compare instead of up to three localeCompare calls: this sort was ~50 ms of
 * a drop with thousands of rows.
 */
export function violationRows(violations: Map<string, Violation[]>, byId: Map<string, WorkOrderDto>): ViolationRow[] {
  const keyed: { key: string; row: ViolationRow }[] = [];
  const weight = { double_booking: 0, sla: 1, skills: 2, shift: 3 } as const;
  for (const [id, list] of violations) {
    const wo = byId.get(id);
    if (wo) for (const v of list) keyed.push({ key: `${weight[v.kind]}${wo.plannedStart ?? ''}\u0000${wo.number}`, row: { v, wo } });
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.row);
}
