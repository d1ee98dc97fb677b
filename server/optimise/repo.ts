import type { Ctx } from '../core/context.js';
import { homeDepotLocale } from '../depots/home.js';
import { NotFoundError } from '../errors.js';
import { DEFAULT_TRAVEL, MIN, type FixedBlock, type Instance, type OptCrew, type OptJob, type Priority } from './instance.js';
import { ASSUMED_SHIFT, parseShift, shiftIntervals } from './shifts.js';

/**
 * Reads the optimiser's instance for one org: crews (active technicians, or one team's), the
 * movable work (NEW, and SCHEDULED planned in the range) and the work that stays put. Every query
 * carries the org filter.
 */

/** Unscheduled backlog taken per run, most urgent first: a depot's open backlog can run to thousands. */
export const BACKLOG_LIMIT = 400;
const MOVABLE = "('NEW', 'SCHEDULED')";
const FIXED = "('DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD')";

interface WoRow {
  id: string;
  number: string;
  status: string;
  priority: Priority;
  teamId: string | null;
  assigneeId: string | null;
  requiredSkills: string;
  plannedStart: number | null;
  plannedEnd: number | null;
  durationMin: number;
  dueAt: number | null;
  version: number;
  lat: number | null;
  lon: number | null;
}

const WO_COLUMNS = `w.id, w.number, w.status, w.priority, w.team_id AS teamId, w.assignee_id AS assigneeId,
  w.required_skills AS requiredSkills, w.planned_start AS plannedStart, w.planned_end AS plannedEnd,
  w.duration_min AS durationMin, w.resolution_due_at AS dueAt, w.version, l.lat, l.lon`;

export interface Scope {
  from: number;
  to: number;
  teamId?: string | undefined;
}

export interface LoadedInstance {
  instance: Instance;
  /** Crews that had no shift on record and were given ASSUMED_SHIFT. */
  assumedShifts: string[];
  zone: string;
}

export function loadInstance(ctx: Ctx, scope: Scope): LoadedInstance {
  const db = ctx.host.sqlite;
  const org = ctx.orgId;
  if (scope.teamId) {
    const team = db.prepare('SELECT 1 FROM teams WHERE id = ? AND org_id = ? AND deleted_at IS NULL').get(scope.teamId, org);
    if (!team) throw new NotFoundError('team', scope.teamId);
  }
  const zone = homeDepotLocale(ctx).timeZone;
  const people = db
    .prepare(
      `SELECT u.id, u.name, u.shift, d.lat, d.lon FROM users u LEFT JOIN depots d ON d.id = u.home_depot_id AND d.org_id = u.org_id
       WHERE u.org_id = ? AND u.role = 'technician' AND u.active = 1
         AND (? IS NULL OR u.id IN (SELECT user_id FROM team_members WHERE team_id = ? AND org_id = ? AND deleted_at IS NULL))
       ORDER BY u.name, u.id`,
    )
    .all(org, scope.teamId ?? null, scope.teamId ?? null, org) as {
    id: string;
    name: string;
    shift: string | null;
    lat: number | null;
    lon: number | null;
  }[];
  const memberships = db
    .prepare('SELECT user_id AS userId, team_id AS teamId FROM team_members WHERE org_id = ? AND deleted_at IS NULL')
    .all(org) as { userId: string; teamId: string }[];
  const levels = db
    .prepare('SELECT user_id AS userId, skill_id AS skillId, level FROM user_skills WHERE org_id = ? AND deleted_at IS NULL')
    .all(org) as { userId: string; skillId: string; level: number }[];
  const assumedShifts: string[] = [];
  const crews: OptCrew[] = people.map((p) => {
    let shift = parseShift(p.shift === null ? null : JSON.parse(p.shift));
    if (!shift) {
      assumedShifts.push(p.name);
      shift = ASSUMED_SHIFT;
    }
    return {
      id: p.id,
      name: p.name,
      home: p.lat !== null && p.lon !== null ? { lat: p.lat, lon: p.lon } : null,
      skills: Object.fromEntries(levels.filter((l) => l.userId === p.id).map((l) => [l.skillId, l.level])),
      teamIds: memberships.filter((m) => m.userId === p.id).map((m) => m.teamId),
      shifts: shiftIntervals(shift, zone, scope.from, scope.to),
    };
  });
  const crewIds = crews.map((c) => c.id);
  const inCrews = `(${crewIds.map(() => '?').join(',') || 'NULL'})`;
  const teamFilter = scope.teamId ? `AND (w.team_id = ? OR w.assignee_id IN ${inCrews})` : '';
  const teamArgs = scope.teamId ? [scope.teamId, ...crewIds] : [];
  const from = `FROM work_orders w LEFT JOIN locations l ON l.id = w.location_id AND l.org_id = w.org_id`;
  const planned = db
    .prepare(
      `SELECT ${WO_COLUMNS} ${from} WHERE w.org_id = ? AND w.status IN ${MOVABLE}
         AND w.planned_start >= ? AND w.planned_start < ? ${teamFilter} ORDER BY w.seq`,
    )
    .all(org, scope.from, scope.to, ...teamArgs) as WoRow[];
  const backlog = db
    .prepare(
      `SELECT ${WO_COLUMNS} ${from} WHERE w.org_id = ? AND w.status = 'NEW' AND w.planned_start IS NULL ${teamFilter}
       ORDER BY coalesce(w.resolution_due_at, 9007199254740991), w.priority_rank, w.seq LIMIT ${BACKLOG_LIMIT}`,
    )
    .all(org, ...teamArgs) as WoRow[];
  const fixedRows = db
    .prepare(
      `SELECT ${WO_COLUMNS} ${from} WHERE w.org_id = ? AND w.assignee_id IN ${inCrews} AND w.planned_start IS NOT NULL
         AND w.planned_start < ? AND coalesce(w.planned_end, w.planned_start + w.duration_min * 60000) > ?
         AND (w.status IN ${FIXED} OR (w.status IN ${MOVABLE} AND (w.planned_start < ? OR w.planned_start >= ?)))`,
    )
    .all(org, ...crewIds, scope.to + 86_400_000, scope.from - 86_400_000, scope.from, scope.to) as WoRow[];

  const earliest = Math.max(scope.from, Math.ceil(ctx.host.clock.now() / (5 * MIN)) * 5 * MIN);
  const site = (r: WoRow) => (r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null);
  const crewSet = new Set(crewIds);
  const jobs: OptJob[] = [...planned, ...backlog].map((r) => ({
    id: r.id,
    number: r.number,
    // A bar the dispatcher stretched keeps its planned length: the row keeps that end if it stays put.
    durationMin:
      r.plannedStart !== null && r.plannedEnd !== null && r.plannedEnd > r.plannedStart
        ? Math.ceil((r.plannedEnd - r.plannedStart) / MIN)
        : r.durationMin,
    site: site(r),
    skills: parseSkills(r.requiredSkills),
    teamId: r.teamId,
    priority: r.priority,
    dueAt: r.dueAt,
    earliest,
    latest: scope.to,
    current: {
      crewId: r.assigneeId !== null && crewSet.has(r.assigneeId) && r.plannedStart !== null ? r.assigneeId : null,
      start: r.plannedStart,
      end: r.plannedEnd ?? (r.plannedStart === null ? null : r.plannedStart + r.durationMin * MIN),
    },
    version: r.version,
  }));
  const fixed: FixedBlock[] = fixedRows.map((r) => ({
    workOrderId: r.id,
    crewId: r.assigneeId!,
    start: r.plannedStart!,
    end: r.plannedEnd ?? r.plannedStart! + r.durationMin * MIN,
    site: site(r),
  }));
  return { instance: { from: scope.from, to: scope.to, jobs, crews, fixed, travel: DEFAULT_TRAVEL }, assumedShifts, zone };
}

function parseSkills(raw: string): OptJob['skills'] {
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value.flatMap((s: unknown) => {
      const x = s as { skillId?: unknown; minLevel?: unknown };
      return typeof x.skillId === 'string' && typeof x.minLevel === 'number' ? [{ skillId: x.skillId, minLevel: x.minLevel }] : [];
    });
  } catch {
    return [];
  }
}
