import { eligible, MIN, travelMin, type Instance } from './instance.js';

/**
 * An independent judge of a plan, written apart from the scheduler so the tests and the bench do
 * not take the solver's word for it: hard-rule violations, and the soft figures (travel, lateness).
 */

export interface Slot {
  crewId: string;
  start: number;
  end: number;
}

/** Where each movable job is in a plan (jobs absent from the map are unplanned). */
export type Plan = Map<string, Slot>;

export interface HardViolation {
  workOrderId: string;
  rule: 'skills' | 'team' | 'shift' | 'window' | 'double_booking' | 'duration' | 'unknown_crew';
  detail: string;
  /** The other work order of a double booking. */
  otherId?: string;
}

export function checkHardRules(inst: Instance, plan: Plan): HardViolation[] {
  const out: HardViolation[] = [];
  const crews = new Map(inst.crews.map((c) => [c.id, c]));
  const busy = new Map<string, { id: string; start: number; end: number }[]>();
  const add = (crewId: string, item: { id: string; start: number; end: number }) => {
    const list = busy.get(crewId);
    if (list) list.push(item);
    else busy.set(crewId, [item]);
  };
  for (const f of inst.fixed) add(f.crewId, { id: f.workOrderId, start: f.start, end: f.end });
  for (const job of inst.jobs) {
    const slot = plan.get(job.id);
    if (!slot) continue;
    const crew = crews.get(slot.crewId);
    const bad = (rule: HardViolation['rule'], detail: string) => out.push({ workOrderId: job.id, rule, detail });
    if (!crew) {
      bad('unknown_crew', slot.crewId);
      continue;
    }
    if (job.teamId && !crew.teamIds.includes(job.teamId)) bad('team', `${crew.name} is not in the job's team`);
    else if (!eligible(job, crew)) bad('skills', `${crew.name} lacks a required skill level`);
    if (slot.end - slot.start !== job.durationMin * MIN) bad('duration', 'planned length differs from the duration');
    if (slot.start < job.earliest || slot.end > job.latest) bad('window', 'outside the time window');
    if (!crew.shifts.some(([a, b]) => slot.start >= a && slot.end <= b)) bad('shift', `outside ${crew.name}'s shift`);
    add(slot.crewId, { id: job.id, start: slot.start, end: slot.end });
  }
  const movable = new Set(inst.jobs.map((j) => j.id));
  for (const list of busy.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      // Fixed work overlapping fixed work is the dispatcher's, not the optimiser's.
      if (cur.start < prev.end && (movable.has(cur.id) || movable.has(prev.id))) {
        const [mine, other] = movable.has(cur.id) ? [cur.id, prev.id] : [prev.id, cur.id];
        out.push({ workOrderId: mine, otherId: other, rule: 'double_booking', detail: `overlaps ${other}` });
      }
    }
  }
  return out;
}

export interface PlanFigures {
  placed: number;
  unplaced: number;
  /** Driving minutes over every crew's day: from home at each shift start, then site to site. */
  travelMin: number;
  /** Minutes past the SLA due time, summed over placed jobs. */
  lateMin: number;
  lateJobs: number;
}

export function planFigures(inst: Instance, plan: Plan): PlanFigures {
  const crews = new Map(inst.crews.map((c) => [c.id, c]));
  const sites = new Map<string, { start: number; end: number; site: Instance['fixed'][number]['site'] }[]>();
  const add = (crewId: string, item: { start: number; end: number; site: Instance['fixed'][number]['site'] }) => {
    const list = sites.get(crewId);
    if (list) list.push(item);
    else sites.set(crewId, [item]);
  };
  let lateMin = 0;
  let lateJobs = 0;
  let placed = 0;
  for (const job of inst.jobs) {
    const slot = plan.get(job.id);
    if (!slot) continue;
    placed++;
    add(slot.crewId, { start: slot.start, end: slot.end, site: job.site });
    if (job.dueAt !== null && slot.end > job.dueAt) {
      lateMin += (slot.end - job.dueAt) / MIN;
      lateJobs++;
    }
  }
  for (const f of inst.fixed) if (f.end > inst.from && f.start < inst.to) add(f.crewId, f);
  let travel = 0;
  for (const [crewId, list] of sites) {
    const crew = crews.get(crewId);
    list.sort((a, b) => a.start - b.start);
    let prev: (typeof list)[number] | null = null;
    for (const item of list) {
      // A new shift interval starts from home again.
      const sameShift = prev && crew?.shifts.some(([a, b]) => prev!.start >= a && item.start < b && prev!.start < b && item.start >= a);
      travel += travelMin(inst.travel, sameShift && prev ? prev.site : (crew?.home ?? null), item.site);
      prev = item;
    }
  }
  return { placed, unplaced: inst.jobs.length - placed, travelMin: travel, lateMin: Math.round(lateMin), lateJobs };
}

/** The plan as it stands in the instance (each job's current crew and times). */
export function currentPlan(inst: Instance): Plan {
  const plan: Plan = new Map();
  for (const job of inst.jobs) {
    const { crewId, start, end } = job.current;
    if (crewId !== null && start !== null) plan.set(job.id, { crewId, start, end: end ?? start + job.durationMin * MIN });
  }
  return plan;
}

/** A solver's plan plus the work it left unplaced where it is now: what the depot has after accepting every move. */
export function withStayers(inst: Instance, plan: Plan): Plan {
  const merged: Plan = new Map(currentPlan(inst));
  for (const [id, slot] of plan) merged.set(id, slot);
  return merged;
}

/** Violations a set of moves causes (those of work left where it was are the dispatcher's). */
export function violationsOfMoves(inst: Instance, plan: Plan, moved: ReadonlySet<string>): HardViolation[] {
  return checkHardRules(inst, withStayers(inst, plan)).filter(
    (v) => moved.has(v.workOrderId) || (v.otherId !== undefined && moved.has(v.otherId)),
  );
}
