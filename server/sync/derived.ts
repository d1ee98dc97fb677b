import type { Sqlite } from '../../db/client.js';
import type { WorkOrderStatus } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { roundQuantity } from '../stock/movements.js';
import { calendarOf, policyFor, slaFromPolicy } from '../work-orders/due-times.js';
import type { Calendar } from '../sla/contract.js';
import type { WorkOrderRow } from '../work-orders/dto.js';
import { statusPatch, type StatusState } from '../work-orders/transitions.js';
import { perConnection } from '../../db/per-connection.js';
import { movementSumStatement } from '../stock/movements.js';

/**
 * Derived columns a receiver computes for itself (docs/sync.md "Pull"), with the same functions the
 * depot's own services use: SLA due times (server/work-orders/due-times.ts slaFor) and the status
 * stamps of a transition (transitions.ts statusPatch), the latter at the transition's HLC time.
 */

const WO_DERIVED = [
  'responseDueAt',
  'responseAtRiskAt',
  'resolutionDueAt',
  'resolutionAtRiskAt',
  'respondedAt',
  'completedAt',
  'closedAt',
  'cancelledAt',
  'onHoldSince',
  'heldFromStatus',
  'slaPausedMs',
] as const;
type Derived = Pick<WorkOrderRow, (typeof WO_DERIVED)[number]>;

function derivedOf(patch: Partial<WorkOrderRow>): Partial<Derived> {
  const out: Partial<Derived> = {};
  for (const key of WO_DERIVED) if (key in patch) (out as Record<string, unknown>)[key] = patch[key];
  return out;
}

type SlaPolicy = ReturnType<typeof policyFor>;

/**
 * Policies and calendars looked up once per apply (a snapshot page times hundreds of work orders):
 * the same lookups slaFor makes, through the same functions. Rows of the page that change a policy
 * are applied after the facts and before or after a work order in page order, as they come.
 */
export class SlaLookups {
  private readonly policies = new Map<string, { policy: SlaPolicy; calendar: Calendar }>();

  constructor(private readonly ctx: Ctx) {}

  get(type: WorkOrderRow['type'], priority: WorkOrderRow['priority']): { policy: SlaPolicy; calendar: Calendar } {
    const key = `${type}\n${priority}`;
    let found = this.policies.get(key);
    if (!found) {
      const policy = policyFor(this.ctx, type, priority);
      found = { policy, calendar: calendarOf(this.ctx, policy?.calendarId ?? null) };
      this.policies.set(key, found);
    }
    return found;
  }

  /** A policy or calendar row arrived: later work orders look them up again. */
  clear(): void {
    this.policies.clear();
  }
}

/** slaFor's due instants for the row (from creation, pushed out by time on hold), through the page's lookups. */
function dueTimes(wo: Pick<WorkOrderRow, 'type' | 'priority' | 'createdAt' | 'slaPausedMs'>, lookups: SlaLookups): Partial<Derived> {
  const { policy, calendar } = lookups.get(wo.type, wo.priority);
  const sla = slaFromPolicy(policy, calendar, wo.createdAt, wo.slaPausedMs);
  // The policy id is a synced field the row already carries; only the instants are this depot's to compute.
  return {
    responseDueAt: sla.responseDueAt,
    responseAtRiskAt: sla.responseAtRiskAt,
    resolutionDueAt: sla.resolutionDueAt,
    resolutionAtRiskAt: sla.resolutionAtRiskAt,
  };
}

interface StatusEvent {
  to: WorkOrderStatus;
  at: number;
  data: string | null;
}

/** A work order's status history; read for each new work order, also while a snapshot defers indexes (snapshot-indexes.ts). */
export const STATUS_EVENTS_SQL = `SELECT to_status AS "to", at, data FROM work_order_events
  WHERE work_order_id = ? AND org_id = ? AND type = 'status_changed' AND to_status IS NOT NULL ORDER BY at, id`;
/** The same for a page's work orders at once (a JSON array of ids). */
export const STATUS_EVENTS_BATCH_SQL = `SELECT work_order_id AS workOrderId, to_status AS "to", at, data FROM work_order_events
  WHERE work_order_id IN (SELECT value FROM json_each(?)) AND org_id = ? AND type = 'status_changed' AND to_status IS NOT NULL
  ORDER BY work_order_id, at, id`;

const statements = perConnection((sqlite: Sqlite) => ({
  one: sqlite.prepare(STATUS_EVENTS_SQL),
  many: sqlite.prepare(STATUS_EVENTS_BATCH_SQL),
}));

/**
 * Status histories of work orders, read for a whole page in one statement when it holds many (a
 * snapshot page of 5,000 work orders made 5,000 reads), else one work order at a time. Loaded after
 * the page's facts are in, so a history that arrives on the same page is part of it.
 */
export class StatusHistories {
  private loaded: Map<string, StatusEvent[]> | null = null;

  constructor(private readonly ctx: Ctx) {}

  load(workOrderIds: readonly string[]): void {
    const byId = new Map<string, StatusEvent[]>(workOrderIds.map((id) => [id, []]));
    const rows = statements(this.ctx.host.sqlite).many.all(JSON.stringify(workOrderIds), this.ctx.orgId) as (StatusEvent & {
      workOrderId: string;
    })[];
    for (const { workOrderId, ...e } of rows) byId.get(workOrderId)?.push(e);
    this.loaded = byId;
  }

  of(workOrderId: string): StatusEvent[] {
    return this.loaded?.get(workOrderId) ?? (statements(this.ctx.host.sqlite).one.all(workOrderId, this.ctx.orgId) as StatusEvent[]);
  }
}

/**
 * A work order this depot has not had before (a snapshot or another depot's new work): due times from
 * creation, then the stamps of its status history. The timeline's status events (facts, applied before
 * the page's rows) are replayed through statusPatch at their own times, which are the times the
 * origin stamped; a final status the events do not reach is stamped at its HLC time.
 */
export function deriveNewWorkOrder(
  ctx: Ctx,
  row: WorkOrderRow,
  statusAt: number,
  lookups: SlaLookups,
  histories: StatusHistories,
): Partial<Derived> {
  // Only the derived columns and what statusPatch reads: copying the whole row (fifty columns) at each
  // step was most of a snapshot's garbage.
  const state: Derived & StatusState = {
    responseDueAt: null,
    responseAtRiskAt: null,
    resolutionDueAt: null,
    resolutionAtRiskAt: null,
    respondedAt: null,
    completedAt: null,
    closedAt: null,
    cancelledAt: null,
    onHoldSince: null,
    heldFromStatus: null,
    slaPausedMs: 0,
    status: 'NEW',
    slaPolicyId: row.slaPolicyId,
  };
  Object.assign(state, dueTimes({ type: row.type, priority: row.priority, createdAt: row.createdAt, slaPausedMs: 0 }, lookups));
  for (const e of histories.of(row.id)) {
    if (e.to === state.status) continue;
    const reason = e.to === 'ON_HOLD' ? reasonOf(e.data) : undefined;
    Object.assign(state, derivedOf(statusPatch(ctx, state, e.to, reason, e.at)));
    state.status = e.to;
  }
  if (state.status !== row.status)
    Object.assign(state, derivedOf(statusPatch(ctx, state, row.status, row.holdReason ?? undefined, statusAt)));
  return derivedOf(state);
}

function reasonOf(data: string | null): string | undefined {
  if (!data) return undefined;
  try {
    const parsed = JSON.parse(data) as { reason?: unknown };
    return typeof parsed.reason === 'string' ? parsed.reason : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A work order this depot has, after the hub's fields were merged into `next`: new due times when its
 * type or priority moved (as updateWorkOrder does), then the stamps of a status move at its HLC time.
 */
export function deriveChangedWorkOrder(
  ctx: Ctx,
  before: WorkOrderRow,
  next: WorkOrderRow,
  statusAt: number,
  lookups: SlaLookups,
): Partial<Derived> {
  let state: WorkOrderRow = { ...next };
  if (next.type !== before.type || next.priority !== before.priority) state = { ...state, ...dueTimes(state, lookups) };
  if (next.status !== before.status) {
    // statusPatch reads the hold bookkeeping of the row it leaves: the status before, with everything else as received.
    const leaving: WorkOrderRow = { ...state, status: before.status };
    state = { ...state, ...derivedOf(statusPatch(ctx, leaving, next.status, next.holdReason ?? undefined, statusAt)) };
  }
  const out = derivedOf(state);
  for (const key of WO_DERIVED) if (out[key] === before[key]) delete out[key];
  return out;
}

/** A level's cached quantity, rewritten from the sum of its movements (server/stock/movements.ts keeps the same rule). */
export function recomputeStockLevel(sqlite: Sqlite, orgId: string, depotId: string, itemId: string): void {
  const quantity = roundQuantity(movementSumStatement(sqlite).get(depotId, itemId, orgId) as number);
  sqlite
    .prepare('UPDATE stock_levels SET quantity = ? WHERE org_id = ? AND depot_id = ? AND item_id = ? AND quantity IS NOT ?')
    .run(quantity, orgId, depotId, itemId, quantity);
}
