import { inArray, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { workOrders as wo, type WorkOrderStatus } from '../../db/schema/index.js';
import type { SlaState } from '../sla/engine.js';

/**
 * slaState() from server/sla/engine.ts, as SQL over the stored instants, so list filters run in the
 * database instead of loading every row. It must mirror that function rule for rule (a test checks
 * both agree over generated rows). A comparison with NULL is NULL, which CASE treats as false: the
 * same "a missing instant never triggers its rule" as the TypeScript.
 */
export function slaStateSql(nowMs: number): SQL<SlaState | null> {
  const now = sql`${nowMs}`;
  const t = sql`coalesce(${wo.onHoldSince}, ${now})`;
  const responseLate = sql`${wo.respondedAt} > ${wo.responseDueAt}`;
  return sql<SlaState | null>`(CASE
    WHEN ${wo.status} = 'CANCELLED' THEN NULL
    WHEN ${wo.responseDueAt} IS NULL AND ${wo.resolutionDueAt} IS NULL THEN NULL
    WHEN ${wo.status} IN ('COMPLETED', 'CLOSED') THEN
      CASE WHEN coalesce(${wo.completedAt}, ${now}) > ${wo.resolutionDueAt} OR ${responseLate} THEN 'breached' ELSE 'met' END
    WHEN ${t} > ${wo.resolutionDueAt}
      OR (${wo.respondedAt} IS NULL AND ${t} > ${wo.responseDueAt})
      OR ${responseLate} THEN 'breached'
    WHEN ${t} >= ${wo.resolutionAtRiskAt}
      OR (${wo.respondedAt} IS NULL AND ${t} >= ${wo.responseAtRiskAt}) THEN 'at_risk'
    ELSE 'ok' END)`;
}

export const OPEN_STATUSES = ['NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD'] as const;
const OPEN = OPEN_STATUSES;

/**
 * The statuses a row in `state` can have (null: every status but CANCELLED). Implied by the CASE, so
 * adding "status IN (…)" changes no answer, but unlike the CASE an index can use it: "at risk" among
 * years of closed work reads only open rows. The list's planner (list-plan.ts) seeks on it.
 */
export const SLA_STATUSES: Record<SlaState, readonly WorkOrderStatus[] | null> = {
  ok: OPEN,
  at_risk: OPEN,
  breached: null,
  met: ['COMPLETED', 'CLOSED'],
};

/**
 * The first instant an open work order can be at risk: its response risk while nobody has arrived,
 * or its resolution risk, whichever comes first (a missing instant never counts: the largest safe
 * integer stands in). A row the CASE calls at risk has passed it, since its judging time
 * coalesce(onHoldSince, now) is never after now (the host stamps holds with its own clock; the list
 * falls back to the status seek if a hold is stamped later than now). work_orders_org_risk_idx
 * indexes the same expression over open statuses, so "at risk" reads those few rows instead of
 * judging every open one.
 */
export function riskFrom(plain = true): SQL {
  const col = (c: SQLWrapper) => (plain ? c : sql`+${c}`);
  const none = sql.raw(String(Number.MAX_SAFE_INTEGER));
  const response = sql`coalesce(${col(wo.responseAtRiskAt)}, ${none})`;
  const resolution = sql`coalesce(${col(wo.resolutionAtRiskAt)}, ${none})`;
  return sql`CASE WHEN ${col(wo.respondedAt)} IS NULL THEN min(${response}, ${resolution}) ELSE ${resolution} END`;
}

/** Rows in `state` at `nowMs`. */
export function slaStateIs(state: SlaState, nowMs: number): SQL {
  const statuses = SLA_STATUSES[state];
  const byStatus = statuses ? inArray(wo.status, [...statuses]) : sql`${wo.status} <> 'CANCELLED'`;
  return sql`(${byStatus} AND ${slaStateSql(nowMs)} = ${state})`;
}
