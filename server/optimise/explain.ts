import { haversineM } from '../core/geo.js';
import { checkHardRules, currentPlan, planFigures, type Plan } from './check.js';
import type { OptimiseProposal } from './contract.js';
import { MIN, travelMin, type Instance } from './instance.js';
import type { SolveResult } from './solver.js';

/** The proposal a dispatcher reviews: each move with why, in words, and the plan's figures before and after. */

const RULE_WORDS: Record<string, string> = {
  skills: 'a crew without the skills it needs',
  team: 'a crew outside its team',
  shift: 'outside the crew’s shift',
  window: 'outside the range or in the past',
  double_booking: 'a double booking',
  duration: 'a slot shorter than its duration',
  unknown_crew: 'a crew outside this run',
};

/** "40 min", "3.5 h", "6 days": reasons are read at a glance. */
function span(min: number): string {
  if (min < 90) return `${min} min`;
  if (min < 48 * 60) return `${(min / 60).toFixed(1)} h`;
  return `${Math.round(min / 1440)} days`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Minutes of driving into each job from the crew's previous stop in the same shift (or from home). */
function legsInto(inst: Instance, plan: Plan): Map<string, number> {
  const crews = new Map(inst.crews.map((c) => [c.id, c]));
  const byCrew = new Map<string, { id: string | null; start: number; site: Instance['fixed'][number]['site'] }[]>();
  const push = (crewId: string, item: { id: string | null; start: number; site: Instance['fixed'][number]['site'] }) =>
    byCrew.set(crewId, [...(byCrew.get(crewId) ?? []), item]);
  const jobs = new Map(inst.jobs.map((j) => [j.id, j]));
  for (const [id, slot] of plan) push(slot.crewId, { id, start: slot.start, site: jobs.get(id)!.site });
  for (const f of inst.fixed) push(f.crewId, { id: null, start: f.start, site: f.site });
  const out = new Map<string, number>();
  for (const [crewId, list] of byCrew) {
    const crew = crews.get(crewId);
    list.sort((a, b) => a.start - b.start);
    list.forEach((item, i) => {
      const prev = list[i - 1];
      const shift = crew?.shifts.find(([a, b]) => item.start >= a && item.start < b);
      const from = prev && shift && prev.start >= shift[0] ? prev.site : (crew?.home ?? null);
      if (item.id) out.set(item.id, travelMin(inst.travel, from, item.site));
    });
  }
  return out;
}

/** Mean km from a job to the other jobs of the same crew in a plan (null: alone, or no site). */
function spread(inst: Instance, plan: Plan, jobId: string): number | null {
  const jobs = new Map(inst.jobs.map((j) => [j.id, j]));
  const me = jobs.get(jobId)!;
  const crewId = plan.get(jobId)?.crewId;
  if (!me.site || !crewId) return null;
  const others = [...plan]
    .filter(([id, s]) => id !== jobId && s.crewId === crewId)
    .flatMap(([id]) => (jobs.get(id)!.site ? [jobs.get(id)!.site!] : []));
  if (!others.length) return null;
  return others.reduce((sum, s) => sum + haversineM(me.site!, s), 0) / others.length / 1000;
}

export function buildProposal(inst: Instance, result: SolveResult, assumedShifts: string[]): OptimiseProposal {
  const before = currentPlan(inst);
  const after = result.plan;
  const brokenBefore = new Map<string, string[]>();
  for (const v of checkHardRules(inst, before)) brokenBefore.set(v.workOrderId, [...(brokenBefore.get(v.workOrderId) ?? []), v.rule]);
  const legsBefore = legsInto(inst, before);
  const legsAfter = legsInto(inst, after);
  const crewName = new Map(inst.crews.map((c) => [c.id, c.name]));
  const moves: OptimiseProposal['moves'] = [];
  for (const job of inst.jobs) {
    const to = after.get(job.id);
    if (!to) continue;
    const was = before.get(job.id);
    if (was && was.crewId === to.crewId && was.start === to.start) continue;
    const reasons: string[] = [];
    if (!was) reasons.push(job.current.start === null ? 'Was unscheduled' : 'Had no crew in this run');
    const broken = brokenBefore.get(job.id);
    if (broken) reasons.push(`Was planned with ${[...new Set(broken)].map((r) => RULE_WORDS[r] ?? r).join(' and ')}`);
    if (job.dueAt !== null) {
      const lateAfter = Math.round((to.end - job.dueAt) / MIN);
      const lateBefore = was ? Math.round((was.end - job.dueAt) / MIN) : null;
      if (lateAfter > 0) reasons.push(`Ends ${span(lateAfter)} after its SLA due time: the earliest free slot`);
      else if (lateBefore !== null && lateBefore > 0) reasons.push(`Now meets its SLA due time (was ${span(lateBefore)} late)`);
      else if (!was) reasons.push(`Meets its SLA due time with ${span(Math.round(-lateAfter))} to spare`);
    }
    if (job.priority === 'critical' || job.priority === 'high')
      reasons.push(`${job.priority === 'critical' ? 'Critical' : 'High'} priority, planned early`);
    const legAfter = legsAfter.get(job.id) ?? 0;
    const legBefore = was ? legsBefore.get(job.id) : undefined;
    if (legBefore !== undefined && legBefore !== legAfter) reasons.push(`Travel to the site ${legBefore} → ${legAfter} min`);
    else if (legBefore === undefined) reasons.push(`Travel to the site ${legAfter} min`);
    const near = spread(inst, after, job.id);
    const farBefore = was ? spread(inst, before, job.id) : null;
    if (near !== null && (farBefore === null || near < farBefore - 0.5)) {
      reasons.push(`Keeps ${crewName.get(to.crewId) ?? 'the crew'} in one area (${near.toFixed(1)} km from its other work on average)`);
    }
    if (was && was.crewId !== to.crewId && reasons.length === 0) reasons.push('Frees time for work another crew could not take');
    if (reasons.length === 0) reasons.push('Makes room in the day for other work');
    moves.push({
      workOrderId: job.id,
      number: job.number,
      version: job.version,
      from: { assigneeId: job.current.crewId, start: iso(job.current.start), end: iso(job.current.end) },
      to: { assigneeId: to.crewId, start: iso(to.start)!, end: iso(to.end)! },
      reasons,
    });
  }
  moves.sort((a, b) => a.to.start.localeCompare(b.to.start) || a.number.localeCompare(b.number));
  const numbers = new Map(inst.jobs.map((j) => [j.id, j.number]));
  return {
    moves,
    unplaced: result.unplaced.map((u) => ({ workOrderId: u.jobId, number: numbers.get(u.jobId) ?? '', reason: u.reason })),
    before: planFigures(inst, before),
    after: planFigures(inst, after),
    hardViolations: checkHardRules(inst, after).length,
    solveMs: Math.round(result.ms),
    assumedShifts,
  };
}
