import { haversineM, type LatLon } from '../core/geo.js';

/**
 * The optimiser's problem, as plain data: built from the database on the host's thread
 * (load.ts), then copied to a worker thread, so the solver itself is pure and opens no database.
 * Times are epoch ms; shifts arrive already expanded to absolute intervals (luxon stays out of
 * the hot loop).
 */

export type Priority = 'critical' | 'high' | 'medium' | 'low';

export interface OptJob {
  id: string;
  number: string;
  durationMin: number;
  site: LatLon | null;
  skills: { skillId: string; minLevel: number }[];
  /** Team work may go only to that team's members (the dispatcher chose the team). */
  teamId: string | null;
  priority: Priority;
  /** SLA resolution due time: a soft goal (lateness is costed, never forbidden). */
  dueAt: number | null;
  /** Hard time window: never start before `earliest`, never end after `latest`. */
  earliest: number;
  latest: number;
  /** Where the work is planned now (null crew or start: unscheduled). */
  current: { crewId: string | null; start: number | null; end: number | null };
  /** The row's version when the instance was read: accept refuses a move whose row moved on. */
  version: number;
}

export interface OptCrew {
  id: string;
  name: string;
  /** Where the crew starts each shift (their home depot); null: travel to the first job is free. */
  home: LatLon | null;
  skills: Record<string, number>;
  teamIds: string[];
  /** Sorted, merged [start, end) shift intervals over the horizon. */
  shifts: [number, number][];
}

/** Work that stays put (dispatched, en route, on site, on hold, or planned outside the range). */
export interface FixedBlock {
  workOrderId: string;
  crewId: string;
  start: number;
  end: number;
  site: LatLon | null;
}

export interface TravelModel {
  /** Road distance ÷ straight-line distance; ~1.3 is usual for mixed town and country roads. */
  roadFactor: number;
  speedKmh: number;
}

export interface Instance {
  from: number;
  to: number;
  jobs: OptJob[];
  crews: OptCrew[];
  fixed: FixedBlock[];
  travel: TravelModel;
}

export const DEFAULT_TRAVEL: TravelModel = { roadFactor: 1.3, speedKmh: 40 };

/** Estimated driving minutes between two sites: haversine × road factor ÷ speed, rounded up. */
export function travelMin(model: TravelModel, a: LatLon | null, b: LatLon | null): number {
  if (!a || !b) return 0;
  const km = (haversineM(a, b) / 1000) * model.roadFactor;
  return Math.ceil((km / model.speedKmh) * 60);
}

export const MIN = 60_000;

export const PRIORITY_WEIGHT: Record<Priority, number> = { critical: 8, high: 4, medium: 2, low: 1 };

/** A crew may take a job when it has every skill at the level asked, and is in the job's team if it has one. */
export function eligible(job: OptJob, crew: OptCrew): boolean {
  if (job.teamId && !crew.teamIds.includes(job.teamId)) return false;
  return job.skills.every((s) => (crew.skills[s.skillId] ?? 0) >= s.minLevel);
}
