import type { LifecycleDto } from '../../../server/work-orders/contract-lifecycle';
import type { WorkOrderDto } from '../../shared/work-orders/queries';

/**
 * Which status buttons the drawer offers. The host is the judge (it re-checks role, lifecycle and
 * preconditions and its refusal is shown as is); this only decides which buttons are worth showing,
 * from the transition table the host publishes for the caller's role (GET /work-orders/lifecycle).
 */
export interface Move {
  from: string;
  to: string;
  roles: string[];
  viaClosure?: boolean;
}

/** The host's table as moves with the roles that may make them: the caller's own where "allowed". */
export function toMoves(answer: LifecycleDto, role: string): Move[] {
  return answer.moves
    .filter((m) => m.via !== null)
    .map((m) => ({ from: m.from, to: m.to, roles: m.allowed ? [role] : [], viaClosure: m.via === 'closure' }));
}

/** Plain transitions this role may try from here (closure decisions have their own panel). */
export function nextMoves(moves: Move[], wo: Pick<WorkOrderDto, 'status' | 'heldFromStatus'>, role: string): string[] {
  return moves
    .filter((m) => m.from === wo.status && !m.viaClosure && m.roles.includes(role))
    .filter((m) => wo.status !== 'ON_HOLD' || m.to === 'CANCELLED' || !wo.heldFromStatus || m.to === wo.heldFromStatus)
    .map((m) => m.to);
}

/** The verb on each button. */
export function moveLabel(from: string, to: string): string {
  if (from === 'ON_HOLD' && to !== 'CANCELLED') return 'Resume';
  if (from === 'SCHEDULED' && to === 'NEW') return 'Unschedule';
  return (
    (
      {
        SCHEDULED: 'Schedule',
        DISPATCHED: 'Dispatch',
        EN_ROUTE: 'En route',
        ON_SITE: 'On site',
        COMPLETED: 'Complete',
        ON_HOLD: 'Put on hold',
        CANCELLED: 'Cancel work',
      } as Record<string, string>
    )[to] ?? to
  );
}
