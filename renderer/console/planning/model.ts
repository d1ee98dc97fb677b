import type { WorkingHours } from '../../../server/sla/contract';
import type { UserDto, TeamDto } from '../../shared/catalog/queries';
import type { WorkOrderDto } from '../../shared/work-orders/queries';
import type { CrewRosterDto } from './queries';
import type { Crew, PlannedJob } from './rules';

/** One row of the chart: a team (its unassigned team work, and the group header) or a technician. */
export interface Lane {
  id: string;
  kind: 'team' | 'user';
  label: string;
  teamId: string | null;
  userId: string | null;
  shift: WorkingHours | null;
}

export const OPEN_STATUSES = new Set(['NEW', 'SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'ON_HOLD']);

/** Teams, each followed by its technicians; technicians in no team, and anyone else holding work, at the end. */
export function buildLanes(users: UserDto[], teams: TeamDto[], roster: CrewRosterDto | undefined, workOrders: WorkOrderDto[]): Lane[] {
  const usersById = new Map(users.map((u) => [u.id, u]));
  const firstTeam = new Map<string, string>();
  for (const m of roster?.memberships ?? []) if (!firstTeam.has(m.userId) || m.isLead) firstTeam.set(m.userId, m.teamId);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const techs = users.filter((u) => u.role === 'technician' && u.active).sort(byName);
  const lanes: Lane[] = [];
  const placed = new Set<string>();
  const userLane = (u: UserDto, teamId: string | null): Lane => ({
    id: `user:${u.id}`,
    kind: 'user',
    label: u.name,
    teamId,
    userId: u.id,
    shift: u.shift,
  });
  for (const team of [...teams].sort(byName)) {
    lanes.push({ id: `team:${team.id}`, kind: 'team', label: team.name, teamId: team.id, userId: null, shift: null });
    for (const u of techs) {
      if (firstTeam.get(u.id) !== team.id) continue;
      lanes.push(userLane(u, team.id));
      placed.add(u.id);
    }
  }
  const rest = techs.filter((u) => !placed.has(u.id));
  for (const w of workOrders) {
    const u = w.assigneeId ? usersById.get(w.assigneeId) : undefined;
    if (u && !placed.has(u.id) && !rest.includes(u)) rest.push(u);
  }
  if (rest.length) {
    lanes.push({ id: 'team:none', kind: 'team', label: 'Not in a team', teamId: null, userId: null, shift: null });
    for (const u of rest) lanes.push(userLane(u, null));
  }
  return lanes;
}

/** The lane a work order is drawn in, or null (it belongs in the tray). */
export function laneIdOf(w: Pick<WorkOrderDto, 'assigneeId' | 'teamId'>): string | null {
  if (w.assigneeId) return `user:${w.assigneeId}`;
  if (w.teamId) return `team:${w.teamId}`;
  return null;
}

export function toJob(w: WorkOrderDto): PlannedJob | null {
  if (!w.plannedStart) return null;
  const start = Date.parse(w.plannedStart);
  const end = w.plannedEnd ? Date.parse(w.plannedEnd) : start + w.durationMin * 60_000;
  return {
    id: w.id,
    number: w.number,
    assigneeId: w.assigneeId,
    start,
    end,
    requiredSkills: w.requiredSkills,
    resolutionDueAt: w.resolutionDueAt ? Date.parse(w.resolutionDueAt) : null,
  };
}

export function crewsOf(users: UserDto[], roster: CrewRosterDto | undefined): Map<string, Crew> {
  const crews = new Map<string, Crew>(users.map((u) => [u.id, { shift: u.shift, skills: new Map() }]));
  for (const s of roster?.skills ?? []) crews.get(s.userId)?.skills.set(s.skillId, s.level);
  return crews;
}
