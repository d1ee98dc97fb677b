import { queryOptions } from '@tanstack/react-query';
import { api, ApiError } from '../api/client';
import type { LifecycleDto } from '../../../server/work-orders/contract-lifecycle';
import type { WorkOrderDto } from './queries';

/**
 * Which status buttons the drawer offers. The host is the judge (it re-checks role, lifecycle and
 * preconditions and its refusal is shown as is); this only decides which buttons are worth showing.
 * The host publishes its transition table per role (GET /work-orders/lifecycle); a copy of DESIGN
 * "Work order lifecycle" below stands in for a host without it.
 */
export interface Move {
  from: string;
  to: string;
  roles: string[];
  viaClosure?: boolean;
}

const PLANNERS = ['admin', 'dispatcher', 'supervisor'];
const FIELD = [...PLANNERS, 'technician'];
const APPROVERS = ['admin', 'supervisor'];
const HOLDABLE = ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE'];

export const FALLBACK_MOVES: Move[] = [
  { from: 'NEW', to: 'SCHEDULED', roles: PLANNERS },
  { from: 'SCHEDULED', to: 'DISPATCHED', roles: PLANNERS },
  { from: 'SCHEDULED', to: 'NEW', roles: PLANNERS },
  { from: 'DISPATCHED', to: 'EN_ROUTE', roles: FIELD },
  { from: 'EN_ROUTE', to: 'ON_SITE', roles: FIELD },
  { from: 'ON_SITE', to: 'COMPLETED', roles: FIELD },
  ...HOLDABLE.map((from) => ({ from, to: 'ON_HOLD', roles: FIELD })),
  ...HOLDABLE.map((to) => ({ from: 'ON_HOLD', to, roles: FIELD })),
  ...['NEW', ...HOLDABLE, 'ON_HOLD'].map((from) => ({ from, to: 'CANCELLED', roles: PLANNERS })),
  { from: 'COMPLETED', to: 'CLOSED', roles: APPROVERS, viaClosure: true },
  { from: 'COMPLETED', to: 'DISPATCHED', roles: APPROVERS, viaClosure: true },
];

/**
 * The host's table for the caller's role (GET /work-orders/lifecycle), as moves with the roles
 * that may make them: the caller's own role where the host says "allowed". If the host is older
 * and has no such endpoint, the copy above stands in.
 */
export const lifecycleQuery = (role: string) =>
  queryOptions({
    queryKey: ['work_orders', 'lifecycle', role],
    queryFn: async (): Promise<Move[]> => {
      try {
        const answer = await api.get<LifecycleDto>('/work-orders/lifecycle');
        return answer.moves
          .filter((m) => m.via !== null)
          .map((m) => ({ from: m.from, to: m.to, roles: m.allowed ? [role] : [], viaClosure: m.via === 'closure' }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return FALLBACK_MOVES;
        throw err;
      }
    },
    staleTime: Infinity,
  });

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
    { SCHEDULED: 'Schedule', DISPATCHED: 'Dispatch', EN_ROUTE: 'En route', ON_SITE: 'On site', COMPLETED: 'Complete', ON_HOLD: 'Put on hold', CANCELLED: 'Cancel work' } as Record<
      string,
      string
    >
  )[to] ?? to;
}
