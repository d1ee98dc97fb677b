import { WORK_ORDER_STATUSES, type Role, type WorkOrderStatus } from '../../db/schema/index.js';
import { can } from '../auth/permissions.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { Lifecycle, type LifecycleDto, type LifecycleMoveDto } from './contract-lifecycle.js';
import { TRANSITIONS, type TransitionRule } from './lifecycle.js';

/**
 * The lifecycle table (lifecycle.ts) as seen by the caller's role, so a client can tell which
 * moves to offer (the board's drop targets) and say why the others are refused before asking the
 * host. The host still checks every move; this only explains.
 */

const LABEL: Record<WorkOrderStatus, string> = {
  NEW: 'New',
  SCHEDULED: 'Scheduled',
  DISPATCHED: 'Dispatched',
  EN_ROUTE: 'En route',
  ON_SITE: 'On site',
  ON_HOLD: 'On hold',
  COMPLETED: 'Completed',
  CLOSED: 'Closed',
  CANCELLED: 'Cancelled',
};
const PLURAL: Record<Role | 'system', string> = {
  admin: 'Admins',
  dispatcher: 'Dispatchers',
  supervisor: 'Supervisors',
  technician: 'Technicians',
  viewer: 'Viewers',
  system: 'The system',
};

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function what(from: WorkOrderStatus, to: WorkOrderStatus): string {
  if (to === 'CANCELLED') return 'cancel work orders';
  if (to === 'ON_HOLD') return 'put work on hold';
  if (from === 'COMPLETED' && to === 'CLOSED') return 'approve closures';
  if (from === 'COMPLETED' && to === 'DISPATCHED') return 'reject closures';
  return `move work from ${LABEL[from]} to ${LABEL[to]}`;
}

function requirements(rule: TransitionRule): LifecycleMoveDto['requires'] {
  const out: LifecycleMoveDto['requires'] = [];
  for (const req of rule.requires ?? []) {
    if (req === 'plannedStart')
      out.push({
        kind: req,
        message: `${LABEL[rule.to]} needs a planned start first: plan the work in the work order or the planning view.`,
      });
    if (req === 'assignee')
      out.push({ kind: req, message: `${LABEL[rule.to]} needs an assignee first: assign someone in the work order.` });
    if (req === 'reason') out.push({ kind: req, message: 'Say why the work is put on hold.' });
    if (req === 'heldFrom') out.push({ kind: req, message: 'On-hold work resumes only to the status it was held from.' });
    if (req === 'checklist') out.push({ kind: req, message: `${LABEL[rule.to]} needs every required checklist item answered.` });
    if (req === 'signature')
      out.push({ kind: req, message: `${LABEL[rule.to]} needs the customer's signature where the work order asks for one.` });
  }
  if (rule.viaClosure && rule.to === 'DISPATCHED')
    out.push({ kind: 'comment', message: 'Rejecting a closure needs a comment for the crew.' });
  return out;
}

export function lifecycleFor(role: Role | 'system'): LifecycleDto {
  const mayMove = (rule: TransitionRule) =>
    role === 'system' || (rule.roles.includes(role) && can(role, rule.viaClosure ? 'workorder:approve' : 'workorder:transition'));
  const moves: LifecycleMoveDto[] = [];
  for (const from of WORK_ORDER_STATUSES) {
    const rules = TRANSITIONS.filter((r) => r.from === from);
    for (const to of WORK_ORDER_STATUSES) {
      if (to === from) continue;
      const rule = rules.find((r) => r.to === to);
      if (!rule) {
        const next = rules.filter(mayMove).map((r) => LABEL[r.to]);
        const reason =
          rules.length === 0
            ? `${LABEL[from]} is final: ${LABEL[from].toLowerCase()} work does not move.`
            : `${LABEL[from]} work cannot go straight to ${LABEL[to]}.${next.length ? ` From ${LABEL[from]} it can go to ${orList(next)}.` : ''}`;
        moves.push({ from, to, allowed: false, via: null, reason, requires: [] });
        continue;
      }
      const allowed = mayMove(rule);
      moves.push({
        from,
        to,
        allowed,
        via: rule.viaClosure ? 'closure' : 'transition',
        reason: allowed ? null : `${PLURAL[role]} cannot ${what(from, to)}: only ${orList(rule.roles.map((r) => `${r}s`))} may.`,
        requires: requirements(rule),
      });
    }
  }
  return { role, statuses: [...WORK_ORDER_STATUSES], moves };
}

export const lifecycleRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/work-orders/lifecycle',
    tag: 'Work orders',
    access: 'workorder:read',
    summary: 'The lifecycle as your role may use it: every status pair, allowed or why not, and its preconditions',
    response: Lifecycle,
    handler: ({ ctx }) => lifecycleFor(ctx.actor.role),
  }),
];
