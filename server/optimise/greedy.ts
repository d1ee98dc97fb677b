import { eligible, MIN, PRIORITY_WEIGHT, type Instance } from './instance.js';
import type { Plan } from './check.js';
import { Scheduler } from './schedule.js';

/**
 * The baseline the optimiser is measured against: what a dispatcher does by hand. Jobs by SLA
 * urgency, each given to the eligible crew that can finish it soonest, at the end of that crew's
 * day. Legal (the same scheduler), blind to travel and area.
 */
export function greedyPlan(inst: Instance): Plan {
  const sched = new Scheduler(inst);
  const routes: number[][] = inst.crews.map(() => []);
  const order = inst.jobs
    .map((job, j) => ({ j, due: job.dueAt ?? Infinity, w: PRIORITY_WEIGHT[job.priority] }))
    .sort((a, b) => a.due - b.due || b.w - a.w || a.j - b.j);
  for (const { j } of order) {
    let best: { c: number; end: number } | null = null;
    inst.crews.forEach((crew, c) => {
      if (!eligible(inst.jobs[j]!, crew)) return;
      const d = sched.decode(c, [...routes[c]!, j]);
      if (!d.ok) return;
      const end = d.starts[d.starts.length - 1]! + inst.jobs[j]!.durationMin * MIN;
      if (!best || end < best.end) best = { c, end };
    });
    if (best) routes[(best as { c: number }).c]!.push(j);
  }
  return routesToPlan(inst, sched, routes);
}

export function routesToPlan(inst: Instance, sched: Scheduler, routes: number[][]): Plan {
  const plan: Plan = new Map();
  routes.forEach((route, c) => {
    const d = sched.decode(c, route);
    if (!d.ok) throw new Error(`route of ${inst.crews[c]!.name} does not decode`);
    route.forEach((j, k) => {
      const job = inst.jobs[j]!;
      plan.set(job.id, { crewId: inst.crews[c]!.id, start: d.starts[k]!, end: d.starts[k]! + job.durationMin * MIN });
    });
  });
  return plan;
}
