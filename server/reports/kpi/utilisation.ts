import type { Sqlite } from '../../../db/client.js';
import { businessTimeBetween, compileCalendar } from '../../sla/calendar.js';
import { WorkingHoursSchema } from '../../sla/contract.js';
import type { KpiDimension, KpiQuery } from '../kpi-types.js';
import { scope } from './sql.js';

/**
 * Crew utilisation: minutes of planned work (planned start..end, cancelled work excluded) that fall
 * inside the assignee's shift, over the shift minutes of the technicians in scope. Shifts are
 * weekly working hours in the report's zone, so they are intersected in code with the SLA calendar
 * arithmetic (a per-user compiled calendar); SQL narrows the rows to planned work overlapping the
 * period. Overlapping jobs of one technician both count, so an overbooked crew can exceed 1.
 */

const MIN_MS = 60_000;

export interface Utilisation {
  /** Shift minutes per technician in scope. */
  shiftMin: Map<string, number>;
  /** Technician → the teams they belong to (for the team rows' denominators). */
  teamsOf: Map<string, string[]>;
  /** Scheduled in-shift minutes per dimension key, and in total. */
  scheduled: Record<KpiDimension, Map<string | null, number>>;
  scheduledTotal: number;
}

export function utilisation(db: Sqlite, q: KpiQuery): Utilisation {
  const techParams: Record<string, string> = { org: q.orgId };
  const techWhere = [`u.org_id = @org`, `u.role = 'technician'`, `u.active = 1`, `u.shift IS NOT NULL`];
  if (q.filters.assigneeId !== undefined) {
    techWhere.push('u.id = @assignee');
    techParams.assignee = q.filters.assigneeId;
  }
  if (q.filters.teamId !== undefined) {
    techWhere.push('u.id IN (SELECT user_id FROM team_members WHERE org_id = @org AND team_id = @team AND deleted_at IS NULL)');
    techParams.team = q.filters.teamId;
  }
  if (q.filters.depotId !== undefined) {
    techWhere.push(`(u.home_depot_id = @depot OR u.id IN (SELECT m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id
      WHERE m.org_id = @org AND t.depot_id = @depot AND m.deleted_at IS NULL))`);
    techParams.depot = q.filters.depotId;
  }
  const techs = db.prepare(`SELECT u.id, u.shift FROM users u WHERE ${techWhere.join(' AND ')}`).all(techParams) as {
    id: string;
    shift: string;
  }[];
  // Current memberships, as when a removed member's row was deleted (a tombstone is not a member).
  const memberships = db.prepare('SELECT user_id, team_id FROM team_members WHERE org_id = ? AND deleted_at IS NULL').all(q.orgId) as {
    user_id: string;
    team_id: string;
  }[];

  const calendars = new Map<string, ReturnType<typeof compileCalendar>>();
  const shiftMin = new Map<string, number>();
  for (const t of techs) {
    const hours = WorkingHoursSchema.safeParse(JSON.parse(t.shift));
    if (!hours.success) continue; // a broken shift counts as no shift rather than failing the report
    const cal = compileCalendar({ timeZone: q.zone, workingHours: hours.data, holidays: [] });
    calendars.set(t.id, cal);
    shiftMin.set(t.id, businessTimeBetween(cal, q.from, q.to) / MIN_MS);
  }
  const teamsOf = new Map<string, string[]>();
  for (const m of memberships) if (calendars.has(m.user_id)) teamsOf.set(m.user_id, [...(teamsOf.get(m.user_id) ?? []), m.team_id]);

  const scheduled: Utilisation['scheduled'] = {
    team: new Map(),
    technician: new Map(),
    type: new Map(),
    location: new Map(),
    asset: new Map(),
  };
  let scheduledTotal = 0;
  const { where, params } = scope(q);
  const rows = db
    .prepare(
      `SELECT wo.assignee_id AS a, wo.team_id AS team, wo.type, wo.location_id AS loc, wo.asset_id AS asset,
      max(wo.planned_start, @from) AS s, min(coalesce(wo.planned_end, wo.planned_start + wo.duration_min * ${MIN_MS}), @to) AS e
    FROM work_orders wo
    WHERE ${where} AND wo.status <> 'CANCELLED' AND wo.assignee_id IS NOT NULL AND wo.planned_start < @to
      AND coalesce(wo.planned_end, wo.planned_start + wo.duration_min * ${MIN_MS}) > @from`,
    )
    .raw()
    .iterate(params) as IterableIterator<[string, string | null, string, string | null, string | null, number, number]>;
  for (const [a, team, type, loc, asset, s, e] of rows) {
    const cal = calendars.get(a);
    if (!cal || e <= s) continue;
    const min = businessTimeBetween(cal, s, e) / MIN_MS;
    if (min === 0) continue;
    scheduledTotal += min;
    const add = (d: KpiDimension, key: string | null) => scheduled[d].set(key, (scheduled[d].get(key) ?? 0) + min);
    add('team', team);
    add('technician', a);
    add('type', type);
    add('location', loc);
    add('asset', asset);
  }
  return { shiftMin, teamsOf, scheduled, scheduledTotal };
}

/** Shift minutes behind a dimension row: the team's members, the technician, or everyone in scope. */
export function shiftMinutesFor(u: Utilisation, dimension: KpiDimension, key: string | null): number {
  let total = 0;
  for (const [tech, min] of u.shiftMin) {
    if (dimension === 'technician' && tech !== key) continue;
    if (dimension === 'team' && !(u.teamsOf.get(tech) ?? []).includes(key ?? '')) continue;
    total += min;
  }
  return total;
}
