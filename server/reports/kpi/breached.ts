import type { Sqlite } from '../../../db/client.js';
import type { AssetMtbf, BreachedWorkOrder, KpiQuery } from '../kpi-types.js';

/**
 * The breached work orders behind the SLA ratios' misses, and MTBF per asset: branches of the KPI
 * statement over the facts `f` (server/reports/kpi/index.ts), finished here.
 */

export const BREACHED_LIMIT = 200;

/**
 * Every miss counted in slaResponse / slaResolution (in the denominator, not the numerator), most
 * late first, at most BREACHED_LIMIT, each row carrying the total. Open ones are late by now, or by
 * the time they were put on hold (their clock stopped there).
 */
export const BREACHED_BRANCH = `SELECT 'miss', id, json_object('kind', kind, 'due', due, 'met', met, 'late', late, 'total', total), NULL FROM (
  SELECT *, count(*) OVER () AS total FROM (
    SELECT id, 'response' AS kind, response_due_at AS due, responded_at AS met, coalesce(responded_at, @now) - response_due_at AS late
      FROM f WHERE resp_den = 1 AND resp_num = 0
    UNION ALL
    SELECT id, 'resolution', resolution_due_at, CASE WHEN completed = 1 THEN completed_at END,
      CASE WHEN completed = 1 THEN completed_at ELSE min(coalesce(on_hold_since, @now), @now) END - resolution_due_at
      FROM f WHERE resol_den = 1 AND resol_num = 0)
  ORDER BY late DESC, id, kind LIMIT ${BREACHED_LIMIT})`;

export interface Miss {
  id: string;
  kind: 'response' | 'resolution';
  due: number;
  met: number | null;
  late: number;
  total: number;
}

/** Names and timeline reasons for the misses (at most BREACHED_LIMIT, so per-row lookups are fine). */
export function breachedRows(db: Sqlite, q: KpiQuery, misses: Miss[]): BreachedWorkOrder[] {
  const info = db.prepare(`SELECT wo.number, wo.title, t.name AS team, u.name AS assignee FROM work_orders wo
    LEFT JOIN teams t ON t.id = wo.team_id LEFT JOIN users u ON u.id = wo.assignee_id WHERE wo.id = ? AND wo.org_id = ?`);
  const reasonsOf = db.prepare(`SELECT type, json_extract(data, '$.reason') AS reason, json_extract(data, '$.comment') AS comment
    FROM work_order_events WHERE work_order_id = ? AND org_id = ? AND ((type = 'status_changed' AND to_status = 'ON_HOLD') OR type = 'closure_rejected')
    ORDER BY at, id`);
  const sorted = [...misses].sort((a, b) => b.late - a.late || (a.id < b.id ? -1 : a.id > b.id ? 1 : a.kind < b.kind ? -1 : 1));
  return sorted.map((m): BreachedWorkOrder => {
    const wo = info.get(m.id, q.orgId) as { number: string; title: string; team: string | null; assignee: string | null };
    const reasons = (reasonsOf.all(m.id, q.orgId) as { type: string; reason: string | null; comment: string | null }[]).map((e) =>
      e.type === 'closure_rejected'
        ? e.comment
          ? `Closure rejected: ${e.comment}`
          : 'Closure rejected'
        : `On hold: ${e.reason ?? 'no reason given'}`,
    );
    return {
      id: m.id,
      number: wo.number,
      title: wo.title,
      teamName: wo.team,
      assigneeName: wo.assignee,
      kind: m.kind,
      dueAt: m.due,
      metAt: m.met,
      lateByMin: Math.max(0, Math.round(m.late / 60_000)),
      reasons,
    };
  });
}

/**
 * Failures are corrective and emergency work orders (not cancelled) created on the asset in the
 * period; MTBF is the mean gap between consecutive ones, (last − first) / (failures − 1).
 */
export const MTBF_BRANCH = `SELECT 'mtbf', asset_id, json_object('n', count(*), 'first', min(created_at), 'last', max(created_at)), NULL FROM f
  WHERE created = 1 AND asset_id IS NOT NULL AND type IN ('corrective', 'emergency') AND status <> 'CANCELLED' GROUP BY asset_id`;

/** Most failures first, then by label. */
export function mtbfRows(rows: { assetId: string; n: number; first: number; last: number }[], labels: Map<string, string>): AssetMtbf[] {
  return rows
    .map((r) => ({
      assetId: r.assetId,
      label: labels.get(r.assetId) ?? r.assetId,
      failures: r.n,
      mtbfH: r.n < 2 ? null : (r.last - r.first) / (r.n - 1) / 3_600_000,
    }))
    .sort((a, b) => b.failures - a.failures || a.label.localeCompare(b.label));
}
