import type { Sqlite } from '../../db/client.js';
import { OPEN_WORK_LIMIT } from './contract.js';

/**
 * Reads of the managers' view over an org replica (a depot database: db/schema/). "Open" is the
 * board's open: not yet completed, closed or cancelled; "overdue" is open past its resolution due
 * time, work on hold judged at the moment it was held (the KPI report's overdue, kpi-types.ts).
 */

const OPEN = `wo.status NOT IN ('COMPLETED', 'CLOSED', 'CANCELLED')`;
const OVERDUE = `(wo.resolution_due_at IS NOT NULL AND wo.resolution_due_at < min(coalesce(wo.on_hold_since, @now), @now))`;

export interface DepotRow {
  id: string;
  code: string;
  name: string;
  timeZone: string;
  lat: number | null;
  lon: number | null;
}

export function depots(sqlite: Sqlite, orgId: string): DepotRow[] {
  return sqlite
    .prepare(
      `SELECT id, code, name, time_zone AS timeZone, lat, lon FROM depots
       WHERE org_id = ? AND deleted_at IS NULL ORDER BY code, id`,
    )
    .all(orgId) as DepotRow[];
}

export function orgHeader(sqlite: Sqlite, orgId: string): { name: string; timeZone: string } {
  return (
    (sqlite.prepare('SELECT name, time_zone AS timeZone FROM organizations WHERE id = ?').get(orgId) as
      { name: string; timeZone: string } | undefined) ?? { name: '', timeZone: 'UTC' }
  );
}

/** Open and overdue work now, per depot (null: work with no depot). */
export function openCounts(sqlite: Sqlite, orgId: string, now: number): Map<string | null, { open: number; overdue: number }> {
  const rows = sqlite
    .prepare(
      `SELECT wo.depot_id AS depotId, count(*) AS open, sum(${OVERDUE}) AS overdue
       FROM work_orders wo WHERE wo.org_id = @org AND ${OPEN} GROUP BY wo.depot_id`,
    )
    .all({ org: orgId, now }) as { depotId: string | null; open: number; overdue: number | null }[];
  return new Map(rows.map((r) => [r.depotId, { open: r.open, overdue: r.overdue ?? 0 }]));
}

export interface OpenWorkRow {
  id: string;
  number: string;
  title: string;
  status: string;
  priority: string;
  depotId: string | null;
  lat: number;
  lon: number;
  resolutionDueAt: number | null;
  overdue: number;
}

/** Located open work, most urgent first (overdue, then due soonest, then priority). */
export function openWork(
  sqlite: Sqlite,
  orgId: string,
  now: number,
  depotId: string | undefined,
): { items: OpenWorkRow[]; total: number; unlocated: number } {
  const scope = depotId === undefined ? '' : 'AND wo.depot_id = @depot';
  const params = { org: orgId, now, depot: depotId ?? null, limit: OPEN_WORK_LIMIT };
  const items = sqlite
    .prepare(
      `SELECT wo.id, wo.number, wo.title, wo.status, wo.priority, wo.depot_id AS depotId, l.lat, l.lon,
              wo.resolution_due_at AS resolutionDueAt, ${OVERDUE} AS overdue
       FROM work_orders wo JOIN locations l ON l.id = wo.location_id
       WHERE wo.org_id = @org AND ${OPEN} ${scope}
       ORDER BY overdue DESC, wo.resolution_due_at IS NULL, wo.resolution_due_at, wo.priority_rank, wo.id
       LIMIT @limit`,
    )
    .all(params) as OpenWorkRow[];
  const counts = sqlite
    .prepare(
      `SELECT count(*) AS total, sum(l.id IS NULL) AS unlocated
       FROM work_orders wo LEFT JOIN locations l ON l.id = wo.location_id
       WHERE wo.org_id = @org AND ${OPEN} ${scope}`,
    )
    .get(params) as { total: number; unlocated: number | null };
  return { items, total: counts.total, unlocated: counts.unlocated ?? 0 };
}

export function depotExists(sqlite: Sqlite, orgId: string, depotId: string): boolean {
  return sqlite.prepare('SELECT 1 FROM depots WHERE id = ? AND org_id = ?').get(depotId, orgId) !== undefined;
}
