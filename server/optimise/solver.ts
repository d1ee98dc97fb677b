/**
 * The plan optimiser: a heuristic of our own, not a MIP solver. Why (issue 19 item 1):
 *
 * - We evaluated HiGHS through the `highs` npm package (1.15.3, MIT, wasm, 3.9 MB installed, no
 *   install script, ~130 ms to load). On the assignment core alone (200 jobs × 20 crews, binary
 *   x[job][crew], one crew per job, shift minutes per crew: a generalised assignment problem of
 *   ~2,400 binaries) it hit a 10 s time limit on this machine without proving a 1 % gap. And that
 *   core leaves out what makes the plan good or legal: the order of each crew's day, travel between
 *   sites, shift intervals and fixed work. A time-indexed MIP that includes them is far larger.
 * - The budget is < 2 s for a day of 200 jobs. A constructive heuristic plus local search
 *   does that, handles every rule exactly (the scheduler decodes each route into times), and keeps
 *   no native or wasm dependency in the depot host.
 *
 * Method: (1) construction by SLA urgency (due time, then priority), each job inserted where it
 * adds least cost over every eligible crew and position; (2) simulated annealing over relocate
 * (a job to its best position on another crew, or from unplaced), swap (two jobs between crews)
 * and in-route moves, with a seeded PRNG (mulberry32) and a fixed iteration budget, so the same
 * instance and seed give the same plan on every machine. A wall-clock cap only stops a runaway.
 * Infeasible routes are never accepted, so hard rules hold at every step.
 */
import { mulberry32 } from '../core/prng.js';
import { eligible, MIN, PRIORITY_WEIGHT, type Instance } from './instance.js';
import type { Plan } from './check.js';
import { Scheduler, WEIGHTS } from './schedule.js';

export interface SolveOptions {
  seed?: number;
  /** Local-search moves tried (default scales with the instance: 150 per job, at least 5,000). */
  iterations?: number;
  /** Safety stop in ms (default 10 s). */
  maxMs?: number;
  onProgress?: (fraction: number, bestCost: number) => void;
}

export interface SolveResult {
  plan: Plan;
  /** Jobs left unplaced, each with why. */
  unplaced: { jobId: string; reason: string }[];
  cost: number;
  iterations: number;
  ms: number;
  stoppedByClock: boolean;
}

interface State {
  routes: number[][];
  cost: number[];
  crewOf: Int32Array;
}

export function solve(inst: Instance, opts: SolveOptions = {}): SolveResult {
  const started = performance.now();
  const sched = new Scheduler(inst);
  const rand = mulberry32(opts.seed ?? 1);
  const nJobs = inst.jobs.length;
  const elig = inst.jobs.map((job) => inst.crews.flatMap((crew, c) => (eligible(job, crew) ? [c] : [])));
  const unplacedCost = (j: number) => WEIGHTS.unplaced * PRIORITY_WEIGHT[inst.jobs[j]!.priority];

  const maxMs = opts.maxMs ?? 10_000;
  let stoppedByClock = false;
  const st: State = { routes: inst.crews.map(() => []), cost: inst.crews.map(() => 0), crewOf: new Int32Array(nJobs).fill(-1) };

  /** Cheapest feasible position of job j in route c: [position, new route cost] or null. */
  const bestInsert = (c: number, route: readonly number[], j: number): [number, number] | null => {
    let best: [number, number] | null = null;
    for (let p = 0; p <= route.length; p++) {
      const d = sched.decode(c, route, p, j);
      if (d.ok && (!best || d.cost < best[1])) best = [p, d.cost];
    }
    return best;
  };

  // (1) Construction: planned work where it is (in order, where it still fits), then the rest by
  // urgency, each job where it adds least cost over every eligible crew and position.
  const planned = inst.jobs.map((_, j) => j).filter((j) => inst.jobs[j]!.current.crewId !== null && inst.jobs[j]!.current.start !== null);
  planned.sort((a, b) => inst.jobs[a]!.current.start! - inst.jobs[b]!.current.start!);
  for (const j of planned) {
    const c = sched.crewIdx(inst.jobs[j]!.current.crewId!);
    const next = c === undefined ? null : [...st.routes[c]!, j];
    const d = c === undefined || !elig[j]!.includes(c) ? null : sched.decode(c, next!);
    if (c !== undefined && d?.ok) {
      st.routes[c] = next!;
      st.cost[c] = d.cost;
      st.crewOf[j] = c;
    }
  }
  const placedNow = new Set(planned.filter((j) => st.crewOf[j]! >= 0));
  const urgency = inst.jobs
    .map((job, j) => ({ j, due: job.dueAt ?? Infinity, w: PRIORITY_WEIGHT[job.priority] }))
    .filter(({ j }) => !placedNow.has(j))
    .sort((a, b) => a.due - b.due || b.w - a.w || a.j - b.j);
  for (const { j } of urgency) {
    // Insertion is quadratic in a crew's route: a week of a large depot could take minutes. Past half
    // the budget, what is left stays unplaced (and the search below can still place it).
    if (performance.now() - started > maxMs / 2) {
      stoppedByClock = true;
      break;
    }
    let best: { c: number; p: number; delta: number; cost: number } | null = null;
    for (const c of elig[j]!) {
      const ins = bestInsert(c, st.routes[c]!, j);
      if (ins && (!best || ins[1] - st.cost[c]! < best.delta)) best = { c, p: ins[0], delta: ins[1] - st.cost[c]!, cost: ins[1] };
    }
    if (best) {
      st.routes[best.c]!.splice(best.p, 0, j);
      st.cost[best.c] = best.cost;
      st.crewOf[j] = best.c;
    }
  }

  // (2) Simulated annealing.
  const total = () => st.cost.reduce((a, b) => a + b, 0) + inst.jobs.reduce((a, _, j) => a + (st.crewOf[j]! < 0 ? unplacedCost(j) : 0), 0);
  let current = total();
  let best = current;
  let bestRoutes = st.routes.map((r) => [...r]);
  const iterations = opts.iterations ?? Math.max(5_000, nJobs * 150);
  const t0 = 20;
  const t1 = 0.05;
  let done = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const accept = (delta: number, temp: number) => delta < 0 || rand() < Math.exp(-delta / temp);

  for (let it = 0; it < iterations && nJobs > 0; it++) {
    if ((it & 255) === 0) {
      if (performance.now() - started > maxMs) {
        stoppedByClock = true;
        break;
      }
      if (opts.onProgress && (it & 2047) === 0) opts.onProgress(it / iterations, best);
    }
    done = it + 1;
    const temp = t0 * Math.pow(t1 / t0, it / iterations);
    const r = rand();
    const j = Math.floor(rand() * nJobs);
    const from = st.crewOf[j]!;
    if (r < 0.55) {
      // Relocate j (placed or not) to its best position on an eligible crew.
      if (!elig[j]!.length) continue;
      const c = pick(elig[j]!);
      const fromRoute = from >= 0 ? st.routes[from]!.filter((x) => x !== j) : null;
      const fromDec = fromRoute ? sched.decode(from, fromRoute) : null;
      if (fromDec && !fromDec.ok) continue;
      const target = c === from ? fromRoute! : st.routes[c]!;
      const ins = bestInsert(c, target, j);
      if (!ins) continue;
      let delta: number;
      if (c === from) delta = ins[1] - st.cost[c]!;
      else delta = ins[1] - st.cost[c]! + (fromDec ? fromDec.cost - st.cost[from]! : -unplacedCost(j));
      if (!accept(delta, temp)) continue;
      if (fromRoute && c !== from) {
        st.routes[from] = fromRoute;
        st.cost[from] = fromDec!.cost;
      }
      const next = [...target];
      next.splice(ins[0], 0, j);
      st.routes[c] = next;
      st.cost[c] = ins[1];
      st.crewOf[j] = c;
      current += delta;
    } else if (r < 0.85) {
      // Swap two placed jobs between crews.
      const k = Math.floor(rand() * nJobs);
      const ck = st.crewOf[k]!;
      if (from < 0 || ck < 0 || ck === from || !elig[j]!.includes(ck) || !elig[k]!.includes(from)) continue;
      const a = st.routes[from]!.map((x) => (x === j ? k : x));
      const b = st.routes[ck]!.map((x) => (x === k ? j : x));
      const da = sched.decode(from, a);
      const db = da.ok ? sched.decode(ck, b) : da;
      if (!da.ok || !db.ok) continue;
      const delta = da.cost + db.cost - st.cost[from]! - st.cost[ck]!;
      if (!accept(delta, temp)) continue;
      st.routes[from] = a;
      st.routes[ck] = b;
      st.cost[from] = da.cost;
      st.cost[ck] = db.cost;
      st.crewOf[j] = ck;
      st.crewOf[k] = from;
      current += delta;
    } else {
      // In-route: reverse a segment (2-opt), which also covers swapping neighbours.
      if (from < 0) continue;
      const route = st.routes[from]!;
      if (route.length < 2) continue;
      const p = Math.floor(rand() * route.length);
      const q = Math.floor(rand() * route.length);
      if (p === q) continue;
      const [lo, hi] = p < q ? [p, q] : [q, p];
      const next = [...route.slice(0, lo), ...route.slice(lo, hi + 1).reverse(), ...route.slice(hi + 1)];
      const d = sched.decode(from, next);
      if (!d.ok) continue;
      const delta = d.cost - st.cost[from]!;
      if (!accept(delta, temp)) continue;
      st.routes[from] = next;
      st.cost[from] = d.cost;
      current += delta;
    }
    if (current < best - 1e-9) {
      best = current;
      bestRoutes = st.routes.map((x) => [...x]);
    }
  }
  if (opts.onProgress) opts.onProgress(1, best);

  const { routes, sched: final } = settle(inst, bestRoutes);
  const plan: Plan = new Map();
  const placed = new Set<number>();
  routes.forEach((route, c) => {
    const d = final.decode(c, route);
    route.forEach((j, k) => {
      const job = inst.jobs[j]!;
      plan.set(job.id, { crewId: inst.crews[c]!.id, start: d.starts[k]!, end: d.starts[k]! + job.durationMin * MIN });
      placed.add(j);
    });
  });
  const unplaced = inst.jobs.flatMap((job, j) =>
    placed.has(j)
      ? []
      : [
          {
            jobId: job.id,
            reason: !elig[j]!.length
              ? 'no crew in scope has the skills (or team) it needs'
              : stoppedByClock
                ? 'the search ran out of time before it found a slot'
                : 'no free time in an eligible crew’s shifts within the range',
          },
        ],
  );
  return { plan, unplaced, cost: best, iterations: done, ms: performance.now() - started, stoppedByClock };
}

/**
 * Work the search left unplaced keeps its current slot (the optimiser never unschedules anything),
 * so those slots become fixed, and a route that then no longer fits drops its least urgent job,
 * until nothing changes. Without this, accepting every move could double-book a crew.
 */
function settle(inst: Instance, start: number[][]): { routes: number[][]; sched: Scheduler } {
  const routes = start.map((r) => [...r]);
  for (;;) {
    const inRoute = new Set(routes.flat());
    const stayers = inst.jobs.flatMap((job, j) => {
      const { crewId, start: s, end } = job.current;
      if (inRoute.has(j) || crewId === null || s === null) return [];
      return [{ workOrderId: job.id, crewId, start: s, end: end ?? s + job.durationMin * MIN, site: job.site }];
    });
    const sched = new Scheduler({ ...inst, fixed: [...inst.fixed, ...stayers] });
    let changed = false;
    routes.forEach((route, c) => {
      while (route.length && !sched.decode(c, route).ok) {
        const least = route.reduce((a, b) => (importance(inst, b) < importance(inst, a) ? b : a));
        route.splice(route.indexOf(least), 1);
        changed = true;
      }
    });
    if (!changed) return { routes, sched };
  }
}

function importance(inst: Instance, j: number): number {
  const job = inst.jobs[j]!;
  return PRIORITY_WEIGHT[job.priority] * 1e13 - (job.dueAt ?? 9e12);
}
