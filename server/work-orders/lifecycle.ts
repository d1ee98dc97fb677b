import type { Role, WorkOrderStatus } from '../../db/schema/index.js';
import type { Actor } from '../core/context.js';
import { AppError, ConflictError, ForbiddenError } from '../errors.js';

/**
 * The work-order lifecycle (DESIGN "Work order lifecycle") as ONE table of allowed moves and who may
 * make them. Everything else (the service, the 409 "allowed next" list, the docs) reads it.
 */

type Requirement =
  /** NEW → SCHEDULED: the work must have a planned start. */
  | 'plannedStart'
  /** SCHEDULED → DISPATCHED: someone must be assigned. */
  | 'assignee'
  /** → ON_HOLD: a reason is required. */
  | 'reason'
  /** ON_HOLD → X: only back to the status it was held from. */
  | 'heldFrom'
  /** → COMPLETED: every required checklist item answered (checked by the service). */
  | 'checklist'
  /** → COMPLETED: a customer signature attached when the work order requires one (server/attachments/rules.ts). */
  | 'signature';

export interface TransitionRule {
  from: WorkOrderStatus;
  to: WorkOrderStatus;
  roles: readonly Role[];
  requires?: readonly Requirement[];
  /** Only through the closure-approval endpoint (it records the decision), never a plain transition. */
  viaClosure?: true;
}

const PLANNERS: readonly Role[] = ['admin', 'dispatcher', 'supervisor'];
const FIELD: readonly Role[] = ['admin', 'dispatcher', 'supervisor', 'technician'];
const APPROVERS: readonly Role[] = ['admin', 'supervisor'];
const HOLDABLE = ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE'] as const;

export const TRANSITIONS: readonly TransitionRule[] = [
  { from: 'NEW', to: 'SCHEDULED', roles: PLANNERS, requires: ['plannedStart'] },
  { from: 'SCHEDULED', to: 'NEW', roles: PLANNERS },
  { from: 'SCHEDULED', to: 'DISPATCHED', roles: PLANNERS, requires: ['assignee'] },
  { from: 'DISPATCHED', to: 'EN_ROUTE', roles: FIELD },
  { from: 'EN_ROUTE', to: 'ON_SITE', roles: FIELD },
  { from: 'ON_SITE', to: 'COMPLETED', roles: FIELD, requires: ['checklist', 'signature'] },
  ...HOLDABLE.map((from): TransitionRule => ({ from, to: 'ON_HOLD', roles: FIELD, requires: ['reason'] })),
  ...HOLDABLE.map((to): TransitionRule => ({ from: 'ON_HOLD', to, roles: FIELD, requires: ['heldFrom'] })),
  ...(['NEW', ...HOLDABLE, 'ON_HOLD'] as const).map((from): TransitionRule => ({ from, to: 'CANCELLED', roles: PLANNERS })),
  { from: 'COMPLETED', to: 'CLOSED', roles: APPROVERS, viaClosure: true },
  { from: 'COMPLETED', to: 'DISPATCHED', roles: APPROVERS, viaClosure: true },
];

const BY_FROM = new Map<WorkOrderStatus, TransitionRule[]>();
for (const rule of TRANSITIONS) BY_FROM.set(rule.from, [...(BY_FROM.get(rule.from) ?? []), rule]);

/** Where this work order may go next by the lifecycle alone (ignoring role). */
export function allowedNext(wo: { status: WorkOrderStatus; heldFromStatus: WorkOrderStatus | null }): WorkOrderStatus[] {
  return (BY_FROM.get(wo.status) ?? [])
    .filter((r) => !r.requires?.includes('heldFrom') || wo.heldFromStatus === null || r.to === wo.heldFromStatus)
    .map((r) => r.to);
}

function roleList(roles: readonly Role[]): string {
  return roles.length === 1 ? roles[0]! : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`;
}

/**
 * The rule for moving `wo` to `to` as `actor`, or the refusal: 409 when the lifecycle does not
 * allow the move at all, 403 when it does but not for this role.
 */
export function ruleFor(
  wo: { status: WorkOrderStatus; heldFromStatus: WorkOrderStatus | null },
  to: WorkOrderStatus,
  actor: Actor,
  via: 'transition' | 'closure',
): TransitionRule {
  const next = allowedNext(wo);
  const rule = (BY_FROM.get(wo.status) ?? []).find((r) => r.to === to && next.includes(r.to));
  if (!rule) {
    const allowed = next.length ? next.join(', ') : 'none (this is a final status)';
    throw new ConflictError('illegal_transition', `A work order cannot go from ${wo.status} to ${to}. Allowed next: ${allowed}.`, {
      from: wo.status,
      to,
      allowed: next,
    });
  }
  if (rule.viaClosure && via !== 'closure') {
    throw new ConflictError(
      'illegal_transition',
      `${wo.status} → ${to} happens only through closure approval: POST /work-orders/{id}/closure with {"decision": "approved"|"rejected"}.`,
      { from: wo.status, to, allowed: next },
    );
  }
  if (actor.role !== 'system' && !rule.roles.includes(actor.role)) {
    throw new ForbiddenError(
      `Your role (${actor.role}) may not move a work order from ${wo.status} to ${to}; only ${roleList(rule.roles)} may.`,
    );
  }
  return rule;
}

/** Preconditions that depend on the work order's data, checked after role and legality. */
export function checkRequirements(
  rule: TransitionRule,
  wo: { plannedStart: number | null; assigneeId: string | null },
  input: { reason?: string | undefined },
): void {
  for (const req of rule.requires ?? []) {
    if (req === 'plannedStart' && wo.plannedStart === null) {
      throw new AppError(
        409,
        'transition_blocked',
        `Plan the work first: ${rule.from} → ${rule.to} needs a planned start (POST /work-orders/{id}/assignment or PATCH).`,
        [{ field: 'plannedStart', message: 'required before scheduling' }],
      );
    }
    if (req === 'assignee' && wo.assigneeId === null) {
      throw new AppError(
        409,
        'transition_blocked',
        `Assign someone first: ${rule.from} → ${rule.to} needs an assignee (POST /work-orders/{id}/assignment).`,
        [{ field: 'assigneeId', message: 'required before dispatching' }],
      );
    }
    if (req === 'reason' && !input.reason) {
      throw new AppError(400, 'validation_failed', 'Say why the work is put on hold: "reason" is required for ON_HOLD.', [
        { field: 'body.reason', message: 'required when "to" is ON_HOLD' },
      ]);
    }
  }
}
