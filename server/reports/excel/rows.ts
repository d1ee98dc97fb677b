import type { Sqlite } from '../../../db/client.js';
import type { KpiFilters } from '../kpi-types.js';

/**
 * The row streams behind the workbook (and batch jobcards). Raw SQL with better-sqlite3's
 * `iterate()` on purpose: it steps the cursor one row at a time, so 100k work orders never sit in
 * memory, which drizzle's `.all()` would do. Joins fetch display names in the same pass.
 */

export interface ExportScope {
  orgId: string;
  /** Work orders created in [from, to); absent: all. */
  from?: number | undefined;
  to?: number | undefined;
  filters: KpiFilters;
}

const FILTER_COLUMNS: Record<keyof KpiFilters, string> = {
  depotId: 'w.depot_id',
  teamId: 'w.team_id',
  assigneeId: 'w.assignee_id',
  type: 'w.type',
  locationId: 'w.location_id',
  assetId: 'w.asset_id',
};

export function scopeWhere(s: ExportScope): { sql: string; args: (string | number)[] } {
  const parts = ['w.org_id = ?'];
  const args: (string | number)[] = [s.orgId];
  const add = (sql: string, arg: string | number) => {
    parts.push(sql);
    args.push(arg);
  };
  if (s.from !== undefined) add('w.created_at >= ?', s.from);
  if (s.to !== undefined) add('w.created_at < ?', s.to);
  for (const key of Object.keys(FILTER_COLUMNS) as (keyof KpiFilters)[]) {
    const v = s.filters[key];
    if (v) add(`${FILTER_COLUMNS[key]} = ?`, v);
  }
  return { sql: parts.join(' AND '), args };
}

export interface WorkOrderExportRow {
  id: string;
  number: string;
  title: string;
  description: string | null;
  type: string;
  priority: string;
  status: string;
  depot: string | null;
  location: string | null;
  asset: string | null;
  project: string | null;
  team: string | null;
  assignee: string | null;
  plannedStart: number | null;
  plannedEnd: number | null;
  durationMin: number;
  requiresSignature: number;
  responseDueAt: number | null;
  resolutionDueAt: number | null;
  respondedAt: number | null;
  completedAt: number | null;
  closedAt: number | null;
  cancelledAt: number | null;
  onHoldSince: number | null;
  holdReason: string | null;
  slaPausedMs: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  version: number;
  responseAtRiskAt: number | null;
  resolutionAtRiskAt: number | null;
  heldFromStatus: string | null;
}

export function countWorkOrders(sqlite: Sqlite, s: ExportScope): number {
  const where = scopeWhere(s);
  return sqlite
    .prepare(`SELECT count(*) FROM work_orders w WHERE ${where.sql}`)
    .pluck()
    .get(...where.args) as number;
}

export function iterateWorkOrders(sqlite: Sqlite, s: ExportScope): IterableIterator<WorkOrderExportRow> {
  const where = scopeWhere(s);
  return sqlite
    .prepare(
      `SELECT w.id, w.number, w.title, w.description, w.type, w.priority, w.status,
              d.code AS depot, l.name AS location, a.name AS asset, p.name AS project, t.name AS team, u.name AS assignee,
              w.planned_start AS plannedStart, w.planned_end AS plannedEnd, w.duration_min AS durationMin, w.requires_signature AS requiresSignature,
              w.response_due_at AS responseDueAt, w.resolution_due_at AS resolutionDueAt, w.responded_at AS respondedAt,
              w.completed_at AS completedAt, w.closed_at AS closedAt, w.cancelled_at AS cancelledAt, w.on_hold_since AS onHoldSince,
              w.hold_reason AS holdReason, w.sla_paused_ms AS slaPausedMs, c.name AS createdBy, w.created_at AS createdAt,
              w.updated_at AS updatedAt, w.version, w.response_at_risk_at AS responseAtRiskAt, w.resolution_at_risk_at AS resolutionAtRiskAt,
              w.held_from_status AS heldFromStatus
         FROM work_orders w
         LEFT JOIN depots d ON d.id = w.depot_id
         LEFT JOIN locations l ON l.id = w.location_id
         LEFT JOIN assets a ON a.id = w.asset_id
         LEFT JOIN projects p ON p.id = w.project_id
         LEFT JOIN teams t ON t.id = w.team_id
         LEFT JOIN users u ON u.id = w.assignee_id
         LEFT JOIN users c ON c.id = w.created_by
        WHERE ${where.sql}
        ORDER BY w.created_at, w.id`,
    )
    .iterate(...where.args) as IterableIterator<WorkOrderExportRow>;
}

/** [work-order number, at, type, from status, to status, actor name, data JSON]: arrays, since a year can be a million rows. */
export type EventExportRow = [string, number, string, string | null, string | null, string | null, string | null];

export function iterateEvents(sqlite: Sqlite, s: ExportScope): IterableIterator<EventExportRow> {
  const where = scopeWhere(s);
  return sqlite
    .prepare(
      `SELECT w.number, e.at, e.type, e.from_status, e.to_status, u.name, e.data
         FROM work_orders w
         JOIN work_order_events e ON e.work_order_id = w.id
         LEFT JOIN users u ON u.id = e.actor_id
        WHERE ${where.sql}
        ORDER BY w.created_at, w.id, e.at, e.id`,
    )
    .raw()
    .iterate(...where.args) as IterableIterator<EventExportRow>;
}
